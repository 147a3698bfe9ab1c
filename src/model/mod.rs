//! The inventory: what a company declares about the personal information it handles.
//!
//! These types are the format of `../shared/spec/inventory.md` and nothing more: they do no I/O and
//! judge nothing. Loading fills in each entity's [`Loc`] so that every later stage can point a
//! user at the line that declared it.

pub mod app_type;
mod countries;
mod date;
mod name;
pub mod taxonomy;

pub use app_type::{APP_TYPES, AppType, app_type};
pub use countries::{ADEQUACY, ADEQUACY_AS_OF, Adequacy, EEA, ISO_3166_ALPHA2, adequacy, is_country, is_eea};
pub use date::Date;
pub use name::{Name, NameMap, NameSet, name};

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;

/// Serde adapters that intern through [`name`] and size each list exactly once.
mod interned {
    use super::{Name, name};
    use serde::de::{Deserializer, SeqAccess, Visitor};
    use std::fmt;

    struct One;
    impl<'de> Visitor<'de> for One {
        type Value = Name;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Name, E> {
            Ok(name(v))
        }
    }

    pub fn one<'de, D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        d.deserialize_str(One)
    }

    struct Optional;
    impl<'de> Visitor<'de> for Optional {
        type Value = Option<Name>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string or null")
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Option<Name>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Name>, D::Error> {
            one(d).map(Some)
        }
    }

    pub fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Name>, D::Error> {
        d.deserialize_option(Optional)
    }

    /// A list of names, collected into `C` (a boxed slice, or a [`NameList`](super::NameList)).
    struct List<C>(std::marker::PhantomData<C>);
    impl<'de, C: FromIterator<Name>> Visitor<'de> for List<C> {
        type Value = C;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<C, A::Error> {
            // Most lists are short: gather them on the stack and allocate the exact size once.
            // Not `Name::default()`: that interns "" through the global table (a lock) each time.
            let mut head: [Option<Name>; 16] = [None; 16];
            let mut n = 0;
            let mut rest: Vec<Name> = Vec::new();
            while let Some(s) = seq.next_element_seed(Seed)? {
                if n < head.len() {
                    head[n] = Some(s);
                    n += 1;
                } else {
                    rest.push(s);
                }
            }
            Ok(head[..n].iter().flatten().copied().chain(rest).collect())
        }
    }

    struct Seed;
    impl<'de> serde::de::DeserializeSeed<'de> for Seed {
        type Value = Name;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Name, D::Error> {
            one(d)
        }
    }

    pub fn list<'de, D: Deserializer<'de>, C: FromIterator<Name>>(d: D) -> Result<C, D::Error> {
        d.deserialize_seq(List(std::marker::PhantomData))
    }
}

/// Where an entity was declared: file index into the loaded source files, byte offset, 1-based
/// line and column. `file == u32::MAX` means "not from a file" (e.g. built in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    pub file: u32,
    pub offset: u32,
    pub line: u32,
    pub col: u32,
}

impl Default for Loc {
    fn default() -> Self {
        Loc { file: u32::MAX, offset: 0, line: 0, col: 0 }
    }
}

impl Loc {
    pub fn is_known(&self) -> bool {
        self.file != u32::MAX
    }
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An enum of the inventory's vocabulary, written in kebab-case (`legal-obligation`): serde reads
/// and writes the words, strum gives them as `as_str` and parses them back, and a test holds the
/// two to the same words.
macro_rules! vocabulary {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[derive(strum::IntoStaticStr, strum::EnumString, strum::VariantArray)]
        #[serde(rename_all = "kebab-case")]
        #[strum(serialize_all = "kebab-case")]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
        }

        impl $name {
            /// The word the inventory writes.
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }
    };
}

/// The legal regimes piflow judges.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    JsonSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(serialize_all = "UPPERCASE", ascii_case_insensitive)]
pub enum Regime {
    #[serde(rename = "PIPL")]
    Pipl,
    #[serde(rename = "GDPR")]
    Gdpr,
}

impl Regime {
    pub const ALL: [Regime; 2] = [Regime::Pipl, Regime::Gdpr];
    pub fn as_str(self) -> &'static str {
        self.into()
    }
    /// `PIPL` or `GDPR`, in any case.
    pub fn parse(s: &str) -> Option<Regime> {
        s.parse().ok()
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One country code, or several (a subject group may live in several countries).
/// Serialized as a plain string when there is exactly one, as the spec's examples write it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Countries(pub Vec<String>);

impl Countries {
    pub fn contains(&self, cc: &str) -> bool {
        self.0.iter().any(|c| c == cc)
    }
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl Serialize for Countries {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.len() == 1 { self.0[0].serialize(s) } else { self.0.serialize(s) }
    }
}

impl<'de> Deserialize<'de> for Countries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Countries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a country code or a list of country codes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Countries, E> {
                Ok(Countries(vec![v.to_owned()]))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Countries, A::Error> {
                let mut out = Vec::new();
                while let Some(c) = seq.next_element::<String>()? {
                    out.push(c);
                }
                if out.is_empty() {
                    return Err(de::Error::invalid_length(0, &"at least one country code"));
                }
                Ok(Countries(out))
            }
        }
        d.deserialize_any(V)
    }
}

vocabulary! {
    /// A lawful basis. One vocabulary serves both regimes; each regime's rules say which it knows.
    pub enum Basis {
        Consent,
        Contract,
        LegalObligation,
        VitalInterests,
        PublicTask,
        LegitimateInterests,
        NewsReporting,
        PublicInformation,
        OtherLaw,
    }
}

impl Basis {
    pub fn parse(s: &str) -> Option<Basis> {
        s.parse().ok()
    }
}

/// `basis`: one basis for every regime, or one per regime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BasisSpec {
    All(Basis),
    PerRegime(ByRegime),
}

/// One basis per regime, each optional: two bytes, not a map (a million flows may carry one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ByRegime {
    pub pipl: Option<Basis>,
    pub gdpr: Option<Basis>,
}

impl ByRegime {
    pub fn get(&self, regime: Regime) -> Option<Basis> {
        match regime {
            Regime::Pipl => self.pipl,
            Regime::Gdpr => self.gdpr,
        }
    }

    /// Set the basis of `regime`, returning the one it replaces.
    pub fn insert(&mut self, regime: Regime, basis: Basis) -> Option<Basis> {
        let slot = match regime {
            Regime::Pipl => &mut self.pipl,
            Regime::Gdpr => &mut self.gdpr,
        };
        slot.replace(basis)
    }

    /// The regimes given a basis, in regime order.
    pub fn iter(&self) -> impl Iterator<Item = (Regime, Basis)> + '_ {
        Regime::ALL.into_iter().filter_map(|r| self.get(r).map(|b| (r, b)))
    }
}

impl Serialize for ByRegime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.iter().count()))?;
        for (r, b) in self.iter() {
            map.serialize_entry(&r, &b)?;
        }
        map.end()
    }
}

impl BasisSpec {
    /// The basis this spec gives under `regime`, if any.
    pub fn for_regime(&self, regime: Regime) -> Option<Basis> {
        match self {
            BasisSpec::All(b) => Some(*b),
            BasisSpec::PerRegime(m) => m.get(regime),
        }
    }
}

impl Serialize for BasisSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            BasisSpec::All(b) => b.serialize(s),
            BasisSpec::PerRegime(m) => m.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for BasisSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BasisSpec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(r#"a basis ("consent", "contract", …) or an object per regime ({"PIPL": …, "GDPR": …})"#)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<BasisSpec, E> {
                Basis::deserialize(de::value::StrDeserializer::<E>::new(v)).map(BasisSpec::All)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<BasisSpec, A::Error> {
                let mut out = ByRegime::default();
                while let Some(regime) = map.next_key::<Regime>()? {
                    let basis = map.next_value::<Basis>()?;
                    if out.insert(regime, basis).is_some() {
                        return Err(de::Error::custom(format_args!("duplicate field `{regime}`")));
                    }
                }
                Ok(BasisSpec::PerRegime(out))
            }
        }
        d.deserialize_any(V)
    }
}

vocabulary! {
    pub enum SystemKind {
        Web,
        App,
        MiniProgram,
        Service,
        Database,
        Saas,
        File,
        Other,
    }
}

vocabulary! {
    /// What an outside party is to us.
    pub enum Role {
        /// Acts on our instructions (PIPL "entrusted party", GDPR processor).
        Processor,
        /// Decides its own purposes (PIPL "other handler", GDPR controller).
        Controller,
        Authority,
        Public,
    }
}

vocabulary! {
    pub enum ConsentKind {
        General,
        /// PIPL 单独同意.
        Separate,
        /// GDPR explicit consent.
        Explicit,
        /// Given by a parent or guardian.
        Guardian,
    }
}

vocabulary! {
    /// What a consent is given for (`for`).
    pub enum Requirement {
        Processing,
        Sensitive,
        Provide,
        Disclose,
        CrossBorder,
        Children,
    }
}

vocabulary! {
    pub enum MechanismKind {
        CnSecurityAssessment,
        CnStandardContract,
        CnCertification,
        EuScc,
        EuBcr,
        EuDerogation,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    pub id: String,
    pub name: String,
    #[schemars(schema_with = "country_schema")]
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub representative: Option<String>,
    /// Absent is not stated (reports say so), never "no"; the CAC tiers treat only `true` as a CIIO.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ciio: Option<bool>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regimes: Vec<Regime>,
    /// 1.1: the date of the last completed PI protection compliance audit (PIPL Art. 54).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_audit: Option<Date>,
    /// 1.1: filings made with the CAC (the officer's, face recognition's).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filings: Vec<Filing>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

impl Organization {
    /// Declared a critical information infrastructure operator.
    pub fn is_ciio(&self) -> bool {
        self.ciio == Some(true)
    }

    /// Whether a filing of this kind is recorded.
    pub fn has_filing(&self, kind: FilingKind) -> bool {
        self.filings.iter().any(|f| f.kind == kind)
    }
}

vocabulary! {
    /// What a filing with the CAC was about (1.1).
    pub enum FilingKind {
        /// The PI protection officer's details (CAC announcement of 2025-07-18).
        Officer,
        /// Use of face recognition technology (CAC/MPS Order 19, Art. 15).
        FaceRecognition,
    }
}

impl FilingKind {
    pub fn parse(s: &str) -> Option<FilingKind> {
        s.parse().ok()
    }
}

/// A filing made with the CAC (1.1): what it was about, when, and its reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Filing {
    pub kind: FilingKind,
    pub date: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub id: String,
    pub name: String,
    pub country: Countries,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<u64>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub children: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub name: String,
    /// A key of the built-in taxonomy (`piflow explain categories`).
    #[schemars(schema_with = "category_schema")]
    pub category: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sensitive: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    /// 1.1: the authorities have notified or published it as important data (重要数据).
    #[serde(default, skip_serializing_if = "is_false")]
    pub important: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct System {
    pub id: String,
    pub name: String,
    #[schemars(schema_with = "country_schema")]
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<SystemKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security: Vec<String>,
    /// 1.1: for an app or mini-program, a key of the necessary-PI table ([`APP_TYPES`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "app_type_schema")]
    pub app_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: String,
    pub name: String,
    #[schemars(schema_with = "country_schema")]
    pub country: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "is_false")]
    pub affiliate: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract: Option<String>,
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub subprocessors: Box<[Name]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub id: String,
    pub name: String,
    pub basis: BasisSpec,
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub consents: Box<[Name]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_condition: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    pub automated_decision: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assessment: Option<String>,
    /// 1.1: the app's basic function service (基本功能服务).
    #[serde(default, skip_serializing_if = "is_false")]
    pub basic: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub id: String,
    pub name: String,
    pub kind: ConsentKind,
    #[serde(rename = "for")]
    pub covers: Vec<Requirement>,
    /// Limits the consent to these fields; empty = no limit.
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub fields: Box<[Name]>,
    /// Limits `provide`, `disclose` and `cross-border` to these recipients; empty = no limit.
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub recipients: Box<[Name]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mechanism {
    pub id: String,
    pub kind: MechanismKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to: Vec<String>,
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub recipients: Box<[Name]>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sdk {
    pub id: String,
    pub name: String,
    #[serde(deserialize_with = "interned::one")]
    #[schemars(with = "String")]
    pub vendor: Name,
    #[serde(rename = "in", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub in_systems: Box<[Name]>,
    #[serde(deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub fields: Box<[Name]>,
    #[serde(deserialize_with = "interned::one")]
    #[schemars(with = "String")]
    pub purpose: Name,
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub consents: Box<[Name]>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "interned::optional")]
    #[schemars(with = "Option<String>")]
    pub mechanism: Option<Name>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packages: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hosts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = flow_description_schema)]
pub struct Flow {
    /// Declared id; when absent the loader assigns `<from>-><to>#<n>` and leaves `id_declared` false.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub id: Box<str>,
    // References are interned: a million flows name a few thousand entities, so each name is
    // stored once, compared by pointer and hashed once (see `Name`).
    #[serde(deserialize_with = "interned::one")]
    #[schemars(with = "String")]
    pub from: Name,
    #[serde(deserialize_with = "interned::one")]
    #[schemars(with = "String")]
    pub to: Name,
    #[serde(deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub fields: Box<[Name]>,
    #[serde(deserialize_with = "interned::one")]
    #[schemars(with = "String")]
    pub purpose: Name,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basis: Option<BasisSpec>,
    // Thin lists (8 bytes, nothing allocated when empty): most flows name no consents and no
    // subjects, and a million flows would each hold the room for two slices.
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub consents: NameList,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "interned::optional")]
    #[schemars(with = "Option<String>")]
    pub mechanism: Option<Name>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume: Option<u64>,
    #[serde(default, skip_serializing_if = "<[Name]>::is_empty", deserialize_with = "interned::list")]
    #[schemars(with = "Vec<String>")]
    pub subjects: NameList,
    // Boxed twice (8 bytes, not 16): notes are rare, and a million flows would each hold the
    // room for one. 1.1 gives every entity a `description`; a flow's is its `note`, so either
    // key is read (both at once is a duplicate) and `note` is written.
    #[serde(default, skip_serializing_if = "Option::is_none", alias = "description")]
    #[schemars(with = "Option<String>")]
    pub note: Option<Box<Box<str>>>,
    #[serde(skip)]
    pub id_declared: bool,
    #[serde(skip)]
    pub loc: Loc,
}

// A million flows are held through a whole check: the size is part of its memory budget.
const _: () = assert!(std::mem::size_of::<Flow>() == 128);

/// A list of names held in 8 bytes, allocating nothing when empty (see [`Flow::consents`]).
pub type NameList = thin_vec::ThinVec<Name>;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Waiver {
    pub rule: String,
    pub target: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip)]
    pub loc: Loc,
}

/// The loader reads a flow's `description` as its `note` (serde's alias, which schemars does not
/// see) and refuses both at once: the schema says the same, so an editor accepts what `check` does.
fn flow_description_schema(schema: &mut Schema) {
    let text = "1.1: a flow's `note` (where the fact comes from, assumptions)";
    if let Some(props) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut) {
        props.insert("description".to_owned(), serde_json::json!({"description": format!("{text}; the same as `note`, give one of the two"), "type": ["string", "null"]}));
        if let Some(note) = props.get_mut("note").and_then(serde_json::Value::as_object_mut) {
            note.insert("description".to_owned(), serde_json::json!(text));
        }
    }
    schema.insert("not".to_owned(), serde_json::json!({"required": ["note", "description"]}));
}

/// ISO 3166-1 alpha-2 codes, for editors' completion and validation.
fn country_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "enum": ISO_3166_ALPHA2, "description": "ISO 3166-1 alpha-2 country code, upper case (CN is mainland China; HK, MO, TW are separate)"})
}

fn app_type_schema(_: &mut SchemaGenerator) -> Schema {
    let keys: Vec<&str> = APP_TYPES.iter().map(|t| t.key).collect();
    json_schema!({"type": "string", "enum": keys, "description": "the app's type in the 2021 Provisions on necessary PI (rules.md)"})
}

fn category_schema(_: &mut SchemaGenerator) -> Schema {
    let keys: Vec<&str> = taxonomy::CATEGORIES.iter().map(|c| c.key).collect();
    json_schema!({"type": "string", "enum": keys})
}

impl JsonSchema for Countries {
    fn schema_name() -> Cow<'static, str> {
        "Countries".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = country_schema(generator);
        json_schema!({"oneOf": [one.clone(), {"type": "array", "items": one, "minItems": 1}]})
    }
}

impl JsonSchema for BasisSpec {
    fn schema_name() -> Cow<'static, str> {
        "BasisSpec".into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let basis = generator.subschema_for::<Basis>();
        json_schema!({
            "description": "One basis for every regime, or an object per regime",
            "oneOf": [basis.clone(), {"type": "object", "properties": {"PIPL": basis.clone(), "GDPR": basis}, "additionalProperties": false}]
        })
    }
}

/// One inventory part as written in a `.json` file: the format's JSON Schema is generated from
/// this type, so it cannot drift from what the loader accepts.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "piflow inventory part, format version 1")]
pub struct Part {
    /// The format version: always 1.
    #[schemars(range(min = 1, max = 1))]
    pub piflow: u32,
    /// Exactly one part of an inventory holds the organization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    #[serde(default)]
    pub subjects: Vec<Subject>,
    #[serde(default)]
    pub fields: Vec<Field>,
    #[serde(default)]
    pub systems: Vec<System>,
    #[serde(default)]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub purposes: Vec<Purpose>,
    #[serde(default)]
    pub consents: Vec<Consent>,
    #[serde(default)]
    pub mechanisms: Vec<Mechanism>,
    #[serde(default)]
    pub sdks: Vec<Sdk>,
    #[serde(default)]
    pub flows: Vec<Flow>,
    #[serde(default)]
    pub waivers: Vec<Waiver>,
}

/// A whole inventory, merged from all its parts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Inventory {
    pub organization: Organization,
    pub subjects: Vec<Subject>,
    pub fields: Vec<Field>,
    pub systems: Vec<System>,
    pub parties: Vec<Party>,
    pub purposes: Vec<Purpose>,
    pub consents: Vec<Consent>,
    pub mechanisms: Vec<Mechanism>,
    pub sdks: Vec<Sdk>,
    pub flows: Vec<Flow>,
    pub waivers: Vec<Waiver>,
}

/// The names of the arrays of an inventory, in the order parts and sheets are written.
pub const ARRAYS: [&str; 10] =
    ["subjects", "fields", "systems", "parties", "purposes", "consents", "mechanisms", "sdks", "flows", "waivers"];

impl Field {
    /// PIPL-sensitive (Art. 28): the explicit flag, else the category's default.
    pub fn is_sensitive(&self) -> bool {
        self.sensitive.unwrap_or_else(|| taxonomy::category(&self.category).is_some_and(|c| c.sensitive))
    }
    /// GDPR Art. 9 special category, by category.
    pub fn is_special(&self) -> bool {
        taxonomy::category(&self.category).is_some_and(|c| c.special)
    }
    /// GDPR Art. 10 criminal-offence data, by category.
    pub fn is_criminal(&self) -> bool {
        self.category.starts_with("criminal.")
    }
}

impl Flow {
    /// The flow's basis under `regime`: its own, else its purpose's.
    pub fn basis_for(&self, purpose: &Purpose, regime: Regime) -> Option<Basis> {
        // A per-regime override on the flow that does not name this regime falls back to the
        // purpose: the flow only overrides what it says.
        self.basis.as_ref().and_then(|spec| spec.for_regime(regime)).or_else(|| purpose.basis.for_regime(regime))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::VariantArray;

    /// strum's names (as_str, parse) are the names serde reads and writes, for every variant.
    fn same_names<T>()
    where
        T: VariantArray + Copy + Serialize + std::fmt::Debug + PartialEq + Into<&'static str> + std::str::FromStr,
    {
        for &v in T::VARIANTS {
            let text: &'static str = v.into();
            assert_eq!(serde_json::to_value(v).unwrap(), serde_json::Value::from(text), "{v:?}");
            assert!(text.parse::<T>().ok() == Some(v), "{text} parses back");
        }
    }

    #[test]
    fn enum_names_agree_with_serde() {
        same_names::<Regime>();
        same_names::<Basis>();
        same_names::<SystemKind>();
        same_names::<Role>();
        same_names::<ConsentKind>();
        same_names::<Requirement>();
        same_names::<MechanismKind>();
        same_names::<FilingKind>();
        assert_eq!(Regime::parse("pipl"), Some(Regime::Pipl));
        assert_eq!(Basis::parse("Consent"), None, "bases are exact");
    }

    fn flow(json: &str) -> Flow {
        serde_json::from_str(json).expect("a valid flow")
    }

    #[test]
    fn flow_references_are_interned_in_order_whatever_the_list_length() {
        let ids: Vec<String> = (0..40).map(|i| format!("f-{i}")).collect();
        let json = format!(r#"{{"from": "a", "to": "b", "purpose": "p", "fields": {}}}"#, serde_json::json!(ids));
        let f = flow(&json);
        assert_eq!(f.fields.iter().map(|n| n.as_str()).collect::<Vec<_>>(), ids);
        assert_eq!(f.from, name("a"));
        assert_eq!(flow(r#"{"from": "a", "to": "b", "purpose": "p", "fields": []}"#).fields.len(), 0);
    }

    #[test]
    fn an_absent_or_null_mechanism_is_none_and_a_number_is_an_error() {
        let base = r#""from": "a", "to": "b", "purpose": "p", "fields": ["x"]"#;
        assert_eq!(flow(&format!("{{{base}}}")).mechanism, None);
        assert_eq!(flow(&format!(r#"{{{base}, "mechanism": null}}"#)).mechanism, None);
        assert_eq!(flow(&format!(r#"{{{base}, "mechanism": "m"}}"#)).mechanism, Some(name("m")));
        assert!(serde_json::from_str::<Flow>(&format!(r#"{{{base}, "mechanism": 5}}"#)).is_err());
        assert!(serde_json::from_str::<Flow>(&format!(r#"{{{base}, "consents": "c"}}"#)).is_err());
    }

    #[test]
    fn a_per_regime_basis_round_trips_in_regime_order() {
        let spec: BasisSpec = serde_json::from_str(r#"{"GDPR": "contract", "PIPL": "consent"}"#).expect("valid");
        assert_eq!(spec.for_regime(Regime::Pipl), Some(Basis::Consent));
        assert_eq!(spec.for_regime(Regime::Gdpr), Some(Basis::Contract));
        assert_eq!(serde_json::to_string(&spec).expect("serializes"), r#"{"PIPL":"consent","GDPR":"contract"}"#);
        let only: BasisSpec = serde_json::from_str(r#"{"GDPR": "contract"}"#).expect("valid");
        assert_eq!(only.for_regime(Regime::Pipl), None);
        assert!(serde_json::from_str::<BasisSpec>(r#"{"PIPL": "consent", "PIPL": "contract"}"#).is_err());
    }
}
