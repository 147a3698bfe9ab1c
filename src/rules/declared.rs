//! Declared against observed: what `piflow scan` found in code and traffic that the inventory does
//! not declare, and what the inventory declares that the scan did not find.
//!
//! An inventory sdk *declares* a signature-database SDK when it has the database id as its id or
//! shares a package coordinate with it; it then also owns that SDK's database hosts. Its own
//! `packages` and `hosts` extend the database (a vendor the database lacks is still recognised).

use super::Context;
pub use super::catalogue::declared::*;
use crate::finding::Finding;
use crate::graph::{Edge, FlowGraph, FlowKind, Node, Origin};
use crate::model::{Inventory, Sdk, SystemKind, taxonomy};
use crate::scan::db::{host_matches, normalize};
use crate::scan::permissions::{self, Platform};
use crate::scan::{Database, Evidence, HostUse, Marker, MarkerKind, PackageUse, Place, Signature};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// What the inventory declares, with the database SDKs each sdk stands for.
pub struct Declared<'a> {
    db: &'a Database,
    /// Normalised coordinate → inventory sdk indexes.
    own_packages: BTreeMap<String, Vec<usize>>,
    /// Database sdk id → inventory sdk indexes that declare it.
    by_signature: BTreeMap<&'a str, Vec<usize>>,
    sdks: &'a [Sdk],
    inv: &'a Inventory,
}

impl<'a> Declared<'a> {
    pub fn new(inv: &'a Inventory, db: &'a Database) -> Declared<'a> {
        let mut own_packages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_signature: BTreeMap<&'a str, Vec<usize>> = BTreeMap::new();
        for (i, s) in inv.sdks.iter().enumerate() {
            if let Some(sig) = db.get(&s.id) {
                by_signature.entry(sig.id.as_str()).or_default().push(i);
            }
            for p in &s.packages {
                own_packages.entry(normalize(p)).or_default().push(i);
                for sig in db.by_package(p) {
                    by_signature.entry(sig.id.as_str()).or_default().push(i);
                }
            }
        }
        // A part (`part_of`: a push SDK's vendor-channel adapter, its bundled Alibaba channel) is
        // declared with the product that carries it.
        for sig in &db.sdks {
            let carried: Vec<usize> =
                sig.part_of.iter().filter_map(|p| by_signature.get(p.as_str())).flatten().copied().collect();
            if !carried.is_empty() {
                by_signature.entry(sig.id.as_str()).or_default().extend(carried);
            }
        }
        for v in by_signature.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        Declared { db, own_packages, by_signature, sdks: &inv.sdks, inv }
    }

    /// The inventory sdks that declare a coordinate, and the database SDKs it belongs to.
    fn package(&self, coordinate: &str) -> (Vec<usize>, Vec<&'a Signature>) {
        let sigs = self.db.by_package(coordinate);
        let mut by: Vec<usize> = self.own_packages.get(&normalize(coordinate)).cloned().unwrap_or_default();
        for s in &sigs {
            by.extend(self.by_signature.get(s.id.as_str()).into_iter().flatten());
        }
        by.sort_unstable();
        by.dedup();
        (by, sigs)
    }

    fn signature_declared(&self, id: &str) -> bool {
        self.by_signature.contains_key(id)
    }

    /// Whether any sdk or party declares the host (an sdk's database hosts included).
    fn host_declared(&self, host: &str) -> bool {
        let m = |patterns: &[String]| patterns.iter().any(|p| host_matches(p, host));
        self.inv.parties.iter().any(|p| m(&p.hosts))
            || self.sdks.iter().any(|s| m(&s.hosts))
            || self.by_signature.keys().filter_map(|id| self.db.get(id)).any(|sig| m(&sig.hosts))
    }
}

/// A database SDK the scan found and no inventory sdk declares, with where it was seen.
pub struct Undeclared<'a> {
    pub signature: &'a Signature,
    pub packages: Vec<&'a PackageUse>,
}

/// Database SDKs found by package coordinate that the inventory does not declare, in id order.
pub fn undeclared_signatures<'a>(
    inv: &'a Inventory,
    observed: &'a crate::scan::Observed,
    db: &'a Database,
) -> Vec<Undeclared<'a>> {
    let declared = Declared::new(inv, db);
    let mut out: BTreeMap<&str, Undeclared> = BTreeMap::new();
    for p in &observed.packages {
        let (by, sigs) = declared.package(&p.coordinate);
        if !by.is_empty() {
            continue;
        }
        if let Some(sig) = sigs.first() {
            out.entry(sig.id.as_str())
                .or_insert_with(|| Undeclared { signature: sig, packages: Vec::new() })
                .packages
                .push(p);
        }
    }
    out.into_values().collect()
}

/// The database SDKs the observations reveal on their own evidence (before parts are counted for
/// their carriers).
fn present_signatures<'a>(obs: &crate::scan::Observed, db: &'a Database) -> BTreeSet<&'a str> {
    let packages = obs.packages.iter().filter_map(|p| db.by_package(&p.coordinate).first().copied());
    let markers = obs.markers.iter().filter_map(|m| db.by_marker(&m.name).first().copied());
    let hosts = obs.hosts.iter().filter_map(|h| db.by_host(&h.host).first().copied());
    packages.chain(markers).chain(hosts).map(|s| s.id.as_str()).collect()
}

fn places_json(places: &[&Place]) -> serde_json::Value {
    json!(places.iter().map(|p| format!("{}:{}", p.file, p.line)).collect::<Vec<_>>())
}

pub fn check(g: &FlowGraph, _ctx: &Context, ev: &Evidence, out: &mut Vec<Finding>) {
    let inv = g.inv;
    let db = Database::bundled();
    let declared = Declared::new(inv, db);
    let obs = &ev.observed;

    // Undeclared packages: one finding per coordinate, at its first place.
    let mut by_coordinate: BTreeMap<String, Vec<&PackageUse>> = BTreeMap::new();
    for p in &obs.packages {
        by_coordinate.entry(normalize(&p.coordinate)).or_default().push(p);
    }
    let present = present_signatures(obs, db);
    let mut seen_signatures: BTreeSet<&str> = BTreeSet::new();
    for uses in by_coordinate.values() {
        let first = uses[0];
        let (by, sigs) = declared.package(&first.coordinate);
        seen_signatures.extend(sigs.iter().map(|s| s.id.as_str()));
        if !by.is_empty() || sigs.is_empty() {
            continue;
        }
        let sig = db.product(sigs[0], &present);
        let places: Vec<&Place> = uses.iter().map(|u| &u.place).collect();
        let also = if uses.len() > 1 { format!(" (and {} more places)", uses.len() - 1) } else { String::new() };
        out.push(
            Finding::new(
                &UNDECLARED_SDK,
                first.coordinate.clone(),
                ev.loc(&first.place),
                format!(
                    "`{}` in {}:{}{also} is the {} of {} ({}), and no inventory sdk declares it; \
                     declare sdk `{}` with its vendor, or add the coordinate to the `packages` of the sdk that is it",
                    first.coordinate,
                    first.place.file,
                    first.place.line,
                    sig.name.en,
                    sig.vendor.en,
                    sig.vendor.country,
                    sig.id
                ),
            )
            .with("sdk", sig.id.clone())
            .with("vendor", sig.vendor.en.clone())
            .with("country", sig.vendor.country.clone())
            .with("collects", json!(sig.fields))
            .with("places", places_json(&places)),
        );
    }

    // Android markers reveal SDKs shipped as bare AARs/JARs: report the SDK when no package of it
    // was seen (else the package finding already says it).
    let mut marker_hits: BTreeMap<&str, Vec<&Place>> = BTreeMap::new();
    for m in obs.markers.iter().filter(|m| !matches!(m.kind, MarkerKind::Permission | MarkerKind::App)) {
        let sigs = db.by_marker(&m.name);
        let Some(product) = sigs.first().map(|s| db.product(s, &present)) else { continue };
        let known = |id: &str| declared.signature_declared(id) || seen_signatures.contains(id);
        if known(&product.id) || sigs.iter().any(|s| known(&s.id)) {
            continue;
        }
        marker_hits.entry(product.id.as_str()).or_default().push(&m.place);
    }
    for (id, places) in marker_hits {
        let Some(sig) = db.get(id) else { continue };
        out.push(
            Finding::new(
                &UNDECLARED_SDK,
                id,
                ev.loc(places[0]),
                format!(
                    "AndroidManifest.xml entries in {}:{} belong to the {} of {} ({}), and no inventory sdk declares it",
                    places[0].file, places[0].line, sig.name.en, sig.vendor.en, sig.vendor.country
                ),
            )
            .with("sdk", sig.id.clone())
            .with("vendor", sig.vendor.en.clone())
            .with("country", sig.vendor.country.clone())
            .with("collects", json!(sig.fields))
            .with("places", places_json(&places)),
        );
    }

    // Hosts: third-party traffic to a host nobody declares.
    let mut personal_by_host: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in &obs.personal_data {
        personal_by_host.entry(&p.host).or_default().insert(&p.category);
    }
    for h in obs.hosts.iter().filter(|h| !h.first_party) {
        if declared.host_declared(&h.host) {
            continue;
        }
        out.push(host_finding(ev, h, db, personal_by_host.get(h.host.as_str())));
    }
    tracking_domains(ev, &declared, out);

    permission_unused(g, ev, out);
    permission_missing(g, ev, out);
    manifest_data(g, &declared, ev, out);

    // Declared sdks the scan did not find (only when the scan looked at code at all).
    if obs.packages.is_empty() && obs.markers.is_empty() && obs.hosts.is_empty() {
        return;
    }
    for (i, s) in inv.sdks.iter().enumerate() {
        let by_package = obs.packages.iter().any(|p| declared.package(&p.coordinate).0.contains(&i));
        let sigs: Vec<&str> = declared.by_signature.iter().filter(|(_, v)| v.contains(&i)).map(|(k, _)| *k).collect();
        let by_marker =
            obs.markers.iter().any(|m| db.by_marker(&m.name).iter().any(|sig| sigs.contains(&sig.id.as_str())));
        let own_hosts = sigs.iter().filter_map(|id| db.get(id)).flat_map(|sig| sig.hosts.iter()).chain(&s.hosts);
        let hosts: Vec<&String> = own_hosts.collect();
        let by_host = obs.hosts.iter().any(|h| hosts.iter().any(|p| host_matches(p, &h.host)));
        if by_package || by_marker || by_host {
            continue;
        }
        let how = if s.packages.is_empty() && s.hosts.is_empty() && sigs.is_empty() {
            "; it has no `packages` or `hosts` and its id is not in the signature database, so no scan can find it"
        } else {
            ""
        };
        out.push(
            Finding::new(
                &UNOBSERVED_SDK,
                s.id.clone(),
                s.loc,
                format!("sdk `{}` was not found in the scanned code or traffic{how}", s.id),
            )
            .with("packages", json!(s.packages))
            .with("signatures", json!(sigs)),
        );
    }
}

/// `decl-permission-unused`: each permission the scanned app requests whose personal-data
/// categories no collection of the inventory has — a flow from subjects into the organization's
/// systems, or an sdk's fields. One finding per permission, at its first place. A permission the
/// map does not know, or knows to give no personal data (`INTERNET`), is not judged.
fn permission_unused(g: &FlowGraph, ev: &Evidence, out: &mut Vec<Finding>) {
    let inv = g.inv;
    let mut collected: BTreeSet<&str> = BTreeSet::new();
    for e in g.edges.iter().filter(|e| e.kind == crate::graph::FlowKind::Collect) {
        collected.extend(g.fields(e).iter().map(|&f| inv.fields[f as usize].category.as_str()));
    }
    for s in &inv.sdks {
        let fields = s.fields.iter().filter_map(|f| g.field_of(f.as_str()));
        collected.extend(fields.map(|i| inv.fields[i as usize].category.as_str()));
    }
    let mut by_permission: BTreeMap<&str, (Vec<&Place>, &[String])> = BTreeMap::new();
    for m in ev.observed.markers.iter().filter(|m| m.kind == MarkerKind::Permission) {
        let Some(categories) = m.categories.as_deref().filter(|c| !c.is_empty()) else { continue };
        // A generic `device.id` field stands for the specific device identifiers a permission
        // exposes (IMEI, Android ID, OAID, IDFA, MAC): an inventory may not say which one it is.
        let served = |c: &str| {
            collected.contains(c)
                || (matches!(c, "device.imei" | "device.android-id" | "device.oaid" | "device.idfa" | "device.mac")
                    && collected.contains("device.id"))
        };
        if categories.iter().any(|c| served(c)) {
            continue;
        }
        by_permission.entry(&m.name).or_insert_with(|| (Vec::new(), categories)).0.push(&m.place);
    }
    for (permission, (places, categories)) in by_permission {
        let first = places[0];
        let also = if places.len() > 1 { format!(" (and {} more places)", places.len() - 1) } else { String::new() };
        let kinds: Vec<String> = categories.iter().map(|c| format!("`{c}`")).collect();
        out.push(
            Finding::new(
                &PERMISSION_UNUSED,
                permission,
                ev.loc(first),
                format!(
                    "`{permission}`, requested in {}:{}{also}, gives access to {}, and no flow or sdk of the inventory \
                     collects data of that kind (超范围申请权限): remove the permission, or declare the collection it serves",
                    first.file,
                    first.line,
                    kinds.join(", ")
                ),
            )
            .with("categories", json!(categories))
            .with("places", places_json(&places)),
        );
    }
}

fn host_finding(ev: &Evidence, h: &HostUse, db: &Database, personal: Option<&BTreeSet<&str>>) -> Finding {
    let sig = db.by_host(&h.host).into_iter().next();
    let who = match sig {
        Some(s) => format!(" It belongs to the {} of {} ({}).", s.name.en, s.vendor.en, s.vendor.country),
        None => String::new(),
    };
    let carried = match personal {
        Some(c) if !c.is_empty() => {
            format!(" Requests to it carry {}.", c.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", "))
        }
        _ => String::new(),
    };
    let mut f = Finding::new(
        &UNDECLARED_HOST,
        h.host.clone(),
        ev.loc(&h.place),
        format!(
            "{} request(s) went to `{}` (first at {}:{}), which matches the `hosts` of no sdk or party.{who}{carried}",
            h.requests, h.host, h.place.file, h.place.line
        ),
    )
    .with("requests", h.requests);
    if let Some(s) = sig {
        f = f.with("sdk", s.id.clone());
    }
    if let Some(c) = personal {
        f = f.with("personal_data", json!(c));
    }
    f
}

/// A privacy manifest's tracking domains are hosts its SDK sends tracking data to (iOS blocks
/// them until the user allows tracking): `decl-undeclared-host` when no sdk or party declares
/// one, as for a host seen in traffic. A host the traffic already reported is not reported again.
fn tracking_domains(ev: &Evidence, declared: &Declared, out: &mut Vec<Finding>) {
    let obs = &ev.observed;
    let mut seen: BTreeSet<String> = obs.hosts.iter().map(|h| h.host.to_ascii_lowercase()).collect();
    for m in obs.markers.iter().filter(|m| m.kind == MarkerKind::TrackingDomain) {
        let host = m.name.trim_end_matches('.').to_ascii_lowercase();
        if declared.host_declared(&host) || !seen.insert(host.clone()) {
            continue;
        }
        let of = m.sdk.as_deref().and_then(|id| declared.db.get(id));
        let who = match of {
            Some(s) => format!(" of the {} of {} ({})", s.name.en, s.vendor.en, s.vendor.country),
            None => String::new(),
        };
        let mut f = Finding::new(
            &UNDECLARED_HOST,
            host.clone(),
            ev.loc(&m.place),
            format!(
                "the privacy manifest{who} at {}:{} declares `{host}` a tracking domain, and it matches the `hosts` \
                 of no sdk or party",
                m.place.file, m.place.line
            ),
        )
        .with("source", "privacy manifest tracking domain");
        if let Some(s) = of {
            f = f.with("sdk", s.id.clone());
        }
        out.push(f);
    }
}

/// The archive an observation lies in: `app.apk` of `app.apk!AndroidManifest.xml`.
fn archive(file: &str) -> &str {
    file.split_once('!').map_or(file, |(a, _)| a)
}

/// A built app the scan read whole (an `app` marker) and the permissions its archive requests.
struct BuiltApp<'a> {
    marker: &'a Marker,
    platform: Platform,
    permissions: BTreeSet<&'a str>,
}

/// The built apps of a scan, by archive. Only these manifests are complete: a source tree's
/// `AndroidManifest.xml` lacks the permissions its libraries merge in at build time.
fn built_apps(obs: &crate::scan::Observed) -> BTreeMap<&str, BuiltApp<'_>> {
    let mut apps: BTreeMap<&str, BuiltApp> = BTreeMap::new();
    for m in obs.markers.iter().filter(|m| m.kind == MarkerKind::App) {
        let platform = if m.place.file.ends_with("Info.plist") { Platform::Ios } else { Platform::Android };
        apps.entry(archive(&m.place.file)).or_insert(BuiltApp { marker: m, platform, permissions: BTreeSet::new() });
    }
    for m in obs.markers.iter().filter(|m| m.kind == MarkerKind::Permission) {
        if let Some(app) = apps.get_mut(archive(&m.place.file)) {
            app.permissions.insert(&m.name);
        }
    }
    apps
}

/// The inventory's `app` systems.
fn app_systems(inv: &Inventory) -> Vec<u32> {
    let apps = inv.systems.iter().enumerate().filter(|(_, s)| s.kind == Some(SystemKind::App));
    apps.map(|(i, _)| i as u32).collect()
}

fn is_system_in(g: &FlowGraph, n: petgraph::graph::NodeIndex, systems: &[u32]) -> bool {
    matches!(g.graph[n], Node::System(s) if systems.contains(&s))
}

/// `decl-permission-missing`: a field the app system collects by its own flows (an sdk's `fields`
/// say what the SDK may take if the app lets it, not that it does) whose category an app can read
/// on the device only through a permission, while a built app the scan read requests none of the
/// permissions that give it. Judged only with a built app's manifest as evidence, and only when
/// the inventory has one `app` system (the scan cannot tell which of several a binary is). One
/// finding per field, at the first built app that lacks the permission.
fn permission_missing(g: &FlowGraph, ev: &Evidence, out: &mut Vec<Finding>) {
    let apps = built_apps(&ev.observed);
    let systems = app_systems(g.inv);
    if apps.is_empty() || systems.len() != 1 {
        return;
    }
    let own_collection = |e: &&Edge| e.kind == FlowKind::Collect && matches!(e.origin(), Origin::Flow(_));
    let mut collected: BTreeMap<u32, &str> = BTreeMap::new();
    for e in g.edges.iter().filter(own_collection).filter(|e| is_system_in(g, e.to, &systems)) {
        for &f in g.fields(e) {
            collected.entry(f).or_insert_with(|| g.edge_target(e));
        }
    }
    let system = &g.inv.systems[systems[0] as usize].id;
    for (f, flow) in collected {
        let field = &g.inv.fields[f as usize];
        let lacking: Vec<(&BuiltApp, Vec<&str>)> = apps
            .values()
            .filter_map(|app| {
                let givers = permissions::givers(&field.category, app.platform)?;
                (!givers.iter().any(|p| app.permissions.contains(p))).then_some((app, givers))
            })
            .collect();
        let Some((first, givers)) = lacking.first() else { continue };
        let at = &first.marker.place;
        let others = lacking.len() - 1;
        let also = if others > 0 { format!(" (nor do {others} more built apps)") } else { String::new() };
        let names: Vec<String> = givers.iter().map(|p| format!("`{p}`")).collect();
        out.push(
            Finding::new(
                &PERMISSION_MISSING,
                field.id.clone(),
                ev.loc(at),
                format!(
                    "`{}` ({}) is collected into app `{system}` by flow `{flow}`, and the built app {} (`{}`) requests \
                     none of the permissions that give it on the device{also}: {}. Read from the device, it needs one; \
                     typed by the user or sent by a server, it does not (say so, or waive this note)",
                    field.id,
                    field.category,
                    archive(&at.file),
                    first.marker.name,
                    names.join(", ")
                ),
            )
            .with("category", field.category.clone())
            .with("apps", json!(lacking.iter().map(|(a, _)| archive(&a.marker.place.file)).collect::<Vec<_>>()))
            .with("permissions", json!(givers)),
        );
    }
}

/// The categories of the fields a set of edges carries.
fn categories_of<'g, 'e>(g: &'g FlowGraph, edges: impl Iterator<Item = &'e Edge>) -> BTreeSet<&'g str> {
    edges.flat_map(|e| g.fields(e)).map(|&f| g.inv.fields[f as usize].category.as_str()).collect()
}

/// Whether a field of `category` is what a privacy manifest's data type (`NSPrivacyCollectedDataTypeX`)
/// speaks of: `store-labels` writes the category as that type (the one table both read), or the
/// scan's permission map gives the type that category. `None`: no category stands for the type
/// (crash and performance data), so it is not judged.
fn type_matches(data_type: &str, mapped: Option<&[String]>) -> Option<impl Fn(&str) -> bool> {
    let kind = data_type.strip_prefix("NSPrivacyCollectedDataType")?;
    let mapped: Vec<&str> = mapped.unwrap_or_default().iter().map(String::as_str).collect();
    let judged = !mapped.is_empty() || taxonomy::apple_categories(kind).next().is_some();
    let kind = kind.to_owned();
    judged.then_some(move |c: &str| taxonomy::store_types(c).1 == kind || mapped.contains(&c))
}

/// `decl-manifest-data-undeclared`: each data type a privacy manifest of the built app declares
/// that no field of the inventory of a matching category is collected where the manifest speaks
/// for. A manifest of an SDK the database knows (and an inventory sdk declares) is held to that
/// sdk's `fields` and the app's flows to its vendor; an SDK nobody declares is
/// `decl-undeclared-sdk`'s, not judged here. The app's own manifest, or one of a framework the
/// database does not know, is held to every field into or out of the inventory's `app` systems
/// (the whole inventory when it names none). One finding per manifest owner and type.
fn manifest_data(g: &FlowGraph, declared: &Declared, ev: &Evidence, out: &mut Vec<Finding>) {
    let inv = g.inv;
    let markers: Vec<&Marker> = ev.observed.markers.iter().filter(|m| m.kind == MarkerKind::CollectedData).collect();
    if markers.is_empty() {
        return;
    }
    let systems = app_systems(inv);
    let in_app = |e: &&Edge| systems.is_empty() || is_system_in(g, e.from, &systems) || is_system_in(g, e.to, &systems);
    let app_categories = categories_of(g, g.edges.iter().filter(in_app));
    // The categories the app's flows carry to each destination, gathered once: a vendor's are
    // looked up per manifest, not found again in every edge.
    let mut to_node: BTreeMap<petgraph::graph::NodeIndex, BTreeSet<&str>> = BTreeMap::new();
    for e in g.edges.iter().filter(in_app) {
        let categories = g.fields(e).iter().map(|&f| g.inv.fields[f as usize].category.as_str());
        to_node.entry(e.to).or_default().extend(categories);
    }
    let mut seen: BTreeSet<(String, &str)> = BTreeSet::new();
    for m in markers {
        let Some(matches) = type_matches(&m.name, m.categories.as_deref().or(permissions::data_type(&m.name))) else {
            continue;
        };
        // Who the manifest speaks for: an inventory sdk, else the bundle it sits in.
        let (owner, categories, whose) = match m.sdk.as_deref() {
            Some(id) => {
                let Some(sdks) = declared.by_signature.get(id) else { continue };
                let sdk = &inv.sdks[sdks[0]];
                let mut cats: BTreeSet<&str> = BTreeSet::new();
                for &i in sdks {
                    let s = &inv.sdks[i];
                    cats.extend(
                        s.fields
                            .iter()
                            .filter_map(|f| g.field_of(f.as_str()))
                            .map(|f| inv.fields[f as usize].category.as_str()),
                    );
                    if let Some(vendor) = g.node_of(&s.vendor).and_then(|v| to_node.get(&v)) {
                        cats.extend(vendor.iter().copied());
                    }
                }
                (sdk.id.clone(), cats, format!("sdk `{}`", sdk.id))
            }
            None => {
                let inner = m.place.file.split_once('!').map_or("", |(_, e)| e);
                let dir = inner.strip_suffix("/PrivacyInfo.xcprivacy").unwrap_or(inner);
                let bundle = dir.rsplit('/').next().unwrap_or(dir).to_owned();
                let whose = if systems.is_empty() { "the inventory".to_owned() } else { "the app's flows".to_owned() };
                (bundle, app_categories.clone(), whose)
            }
        };
        if categories.iter().any(|c| matches(c)) || !seen.insert((owner.clone(), &m.name)) {
            continue;
        }
        let stands_for: Vec<&str> = taxonomy::CATEGORIES.iter().map(|c| c.key).filter(|c| matches(c)).collect();
        out.push(
            Finding::new(
                &MANIFEST_DATA_UNDECLARED,
                format!("{owner}:{}", m.name),
                ev.loc(&m.place),
                format!(
                    "the privacy manifest at {}:{} declares `{}` collected, and no field of {whose} is of a category \
                     it stands for ({})",
                    m.place.file,
                    m.place.line,
                    m.name,
                    stands_for.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
                ),
            )
            .with("data_type", m.name.clone())
            .with("categories", json!(stands_for)),
        );
    }
}
