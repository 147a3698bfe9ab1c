//! Interoperability with Fides (Ethyca's privacy-as-code tool, fideslang 3.x manifests).
//!
//! `export` turns an inventory into one Fides manifest (organization, systems with privacy
//! declarations and egress/ingress, datasets for databases, custom taxonomy keys and a policy),
//! so `fides evaluate` can judge what piflow judges. `import` reads Fides manifests back into an
//! inventory and lists everything it could not map exactly. [`mapping`] is the table both use;
//! `docs/fides-mapping.md` is generated from it.

pub mod export;
pub mod import;
pub mod manifest;
pub mod mapping;

pub use export::{Exported, export, to_yaml};
pub use import::{ImportError, Imported, Options, Source, Unmapped, import, parse};
