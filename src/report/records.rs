//! The DPO document: [`build`] assembles the record of processing (`ropa`) and the lists
//! (`lists`) into one [`Document`], each table read from the same [`Ctx`].

use super::context::Ctx;
use super::table::{Cover, Document, Lang, Table};
use super::{lists, ropa};
use crate::finding::Finding;
use crate::graph::FlowGraph;
use crate::model::Date;

/// Build the whole DPO document: organization, RoPA per regime, the two lists and the SDK list.
pub fn build(g: &FlowGraph, findings: &[Finding], as_of: Date, lang: Lang, inventory: &str) -> Document {
    let ctx = Ctx::new(g, findings, as_of, lang);
    // The tables are independent readings of the same graph: built side by side, in this order.
    let builders: Vec<fn(&Ctx) -> Table> =
        vec![ropa::organization, ropa::gdpr, ropa::pipl, lists::collected, lists::shared, lists::sdks];
    let tables: Vec<Table> = crate::parallel::in_parallel(builders, |build| build(&ctx));
    Document {
        lang,
        organization: g.inv.organization.name.clone(),
        as_of: as_of.to_string(),
        inventory: inventory.to_owned(),
        cover: Cover::default(),
        tables,
    }
}
