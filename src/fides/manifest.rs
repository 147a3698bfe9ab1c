//! The part of the Fides manifest format (fideslang 3.x resource models) that piflow reads and
//! writes. Keys piflow does not map are kept in `other` so an import can list them instead of
//! dropping them silently.

use serde::{Deserialize, Serialize};
use serde_yaml_ng::Value;
use std::collections::BTreeMap;

type Other = BTreeMap<String, Value>;

fn is_false(b: &bool) -> bool {
    !*b
}

/// One manifest file: resources by type, as `fides` reads them (`fides parse`, `fides evaluate`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub organization: Vec<Organization>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_category: Vec<Taxon>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_use: Vec<Taxon>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_subject: Vec<Taxon>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset: Vec<Dataset>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub system: Vec<System>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub policy: Vec<Value>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContactDetails {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub email: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

impl ContactDetails {
    /// The details as one line, as piflow's free-text contact fields hold them.
    pub fn text(&self) -> Option<String> {
        let parts: Vec<&str> = [&self.name, &self.email, &self.phone, &self.address]
            .into_iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if parts.is_empty() { None } else { Some(parts.join(", ")) }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Organization {
    pub fides_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller: Option<ContactDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_protection_officer: Option<ContactDetails>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<ContactDetails>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(flatten)]
    pub other: Other,
}

/// A `data_category`, `data_use` or `data_subject` resource.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Taxon {
    pub fides_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_fides_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_key: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Dataset {
    pub fides_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_fides_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    #[serde(default)]
    pub collections: Vec<Collection>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Collection {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub fields: Vec<DatasetField>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DatasetField {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
    #[serde(flatten)]
    pub other: Other,
}

/// A `DataFlow` in a system's `egress` or `ingress`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct DataFlow {
    pub fides_key: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_categories: Vec<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct System {
    pub fides_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_fides_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meta: Option<Value>,
    #[serde(default)]
    pub system_type: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<DataFlow>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<DataFlow>,
    #[serde(default)]
    pub privacy_declarations: Vec<Declaration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrating_department: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dataset_references: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub uses_profiling: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub does_international_transfers: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis_for_transfers: Vec<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub requires_data_protection_assessments: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpa_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_policy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_name: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responsibility: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dpo: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_security_practices: Option<String>,
    #[serde(flatten)]
    pub other: Other,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Declaration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub data_categories: Vec<String>,
    #[serde(default)]
    pub data_use: String,
    #[serde(default)]
    pub data_subjects: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ingress: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis_for_processing: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_assessment_location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_period: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub processes_special_category_data: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_category_legal_basis: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub data_shared_with_third_parties: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_parties: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_categories: Vec<String>,
    #[serde(flatten)]
    pub other: Other,
}

/// Tags of the form `piflow:key=value` (or `piflow:key` for a flag) carry what Fides has no
/// field for; Fides treats tags as opaque labels.
pub fn tag(key: &str, value: &str) -> String {
    format!("piflow:{key}={value}")
}

pub fn tag_value<'a>(tags: &'a [String], key: &str) -> Option<&'a str> {
    tags.iter().find_map(|t| t.strip_prefix("piflow:")?.strip_prefix(key)?.strip_prefix('='))
}
