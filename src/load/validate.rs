//! Checks that need the whole merged inventory: one organization, id syntax, unique ids, known
//! countries and categories, and references that name something of the right kind.

use super::error::{LoadCode, LoadError, did_you_mean};
use super::spans;
use super::{Collected, LoadOptions, Sources};
use crate::model::*;
use rustc_hash::FxHashMap as HashMap;

fn valid_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-'))
}

/// The position of `key` (and of its `index`-th list item) inside the JSON object at `loc`;
/// the object itself when it cannot be narrowed (CSV rows, absent keys).
fn locate(sources: &Sources, loc: Loc, key: &str, index: Option<usize>) -> Loc {
    let Some(src) = sources.files.get(loc.file as usize) else { return loc };
    let text = &*src.text;
    let start = loc.offset as usize;
    if text.as_bytes().get(start) != Some(&b'{') {
        return loc;
    }
    let Some(m) = spans::find_member(text, start..text.len(), key) else { return loc };
    let offset = match index {
        Some(i) => spans::array_items(text, m.value.clone())
            .ok()
            .and_then(|items| items.get(i).map(|r| r.start))
            .unwrap_or(m.value.start),
        None => m.value.start,
    };
    src.loc(loc.file, offset)
}

/// A load error at a byte offset of a file.
pub(crate) fn error_at_offset(
    sources: &Sources,
    code: LoadCode,
    file: u32,
    offset: usize,
    message: String,
    help: Option<String>,
) -> LoadError {
    let src = &sources.files[file as usize];
    let (line, column) = src.lines.line_col(&src.text, offset.min(src.text.len()));
    LoadError { code, file: Some(src.path.clone()), file_index: Some(file), offset, line, column, message, help }
}

pub(crate) fn make_error(
    sources: &Sources,
    code: LoadCode,
    loc: Loc,
    message: String,
    help: Option<String>,
) -> LoadError {
    match sources.files.get(loc.file as usize) {
        Some(src) if loc.is_known() => LoadError {
            code,
            file: Some(src.path.clone()),
            file_index: Some(loc.file),
            offset: loc.offset as usize,
            line: loc.line as usize,
            column: loc.col as usize,
            message,
            help,
        },
        _ => LoadError { code, file: None, file_index: None, offset: 0, line: 0, column: 0, message, help },
    }
}

struct Errors<'a> {
    sources: &'a Sources,
    out: Vec<LoadError>,
    /// Ids of items already reported as unreadable.
    unreadable: rustc_hash::FxHashSet<&'a str>,
    /// A whole file could not be read: references into it cannot be judged.
    incomplete: bool,
}

impl<'a> Errors<'a> {
    /// An empty list of errors judged the same way, for work done on another core.
    fn fork(&self) -> Errors<'a> {
        Errors {
            sources: self.sources,
            out: Vec::new(),
            unreadable: self.unreadable.clone(),
            incomplete: self.incomplete,
        }
    }

    /// Whether a reference to `id` that resolves to nothing is already explained by another
    /// error (its item, or its whole file, could not be read).
    fn excused(&self, id: &str) -> bool {
        self.incomplete || self.unreadable.contains(id)
    }
}

impl Errors<'_> {
    fn at(&mut self, code: LoadCode, loc: Loc, key: &str, index: Option<usize>, message: String, help: Option<String>) {
        let loc = locate(self.sources, loc, key, index);
        self.out.push(make_error(self.sources, code, loc, message, help));
    }
}

fn mean(s: Option<String>) -> Option<String> {
    s.map(|s| format!("did you mean `{s}`?"))
}

fn check_country(e: &mut Errors, loc: Loc, key: &str, index: Option<usize>, cc: &str, what: &str) {
    if is_country(cc) {
        return;
    }
    let help = match cc.to_ascii_uppercase().as_str() {
        "UK" => Some("did you mean `GB`? (ISO 3166 code of the United Kingdom)".to_owned()),
        "EU" => Some("name a country: the EU is not one (the EEA is a built-in set)".to_owned()),
        up if is_country(up) => Some(format!("did you mean `{up}`? (codes are upper case)")),
        _ => mean(did_you_mean(cc, ISO_3166_ALPHA2.iter().copied())),
    };
    e.at(
        LoadCode::BadValue,
        loc,
        key,
        index,
        format!("`{cc}` is not an ISO 3166-1 alpha-2 country code ({what})"),
        help.or_else(|| Some("write a two-letter code such as CN, HK, DE, US".into())),
    );
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum NodeKind {
    Subject,
    System,
    Party,
}

/// One id namespace: id → where it was declared.
struct Namespace<'a> {
    what: &'static str,
    ids: HashMap<&'a str, Loc>,
    /// The flows' namespace instead of `ids` (see [`Namespace::of_flows`]).
    flows: Option<FlowIds<'a>>,
    /// The same ids interned, so a flow's references (a million of them) are found by pointer.
    /// Empty for the flows' own namespace: nothing refers to a flow by interned name, and a
    /// million unique ids need not be interned.
    names: NameSet,
}

impl<'a> Namespace<'a> {
    /// A namespace of entities that flows may refer to.
    fn new(what: &'static str, cap: usize) -> Self {
        let ids = HashMap::with_capacity_and_hasher(cap, Default::default());
        Namespace { what, ids, flows: None, names: Default::default() }
    }

    /// The namespace of flow ids, declared on all cores. A million ids in one table would make
    /// every insertion a cache miss, so they are first sorted by a few bits of their hash into
    /// partitions (a stable counting sort: each keeps flow order) and each partition gets a
    /// table small enough to stay in cache. Within a partition flows are declared in order, so
    /// "declared twice" names the same first declaration a single pass would. A table holds flow
    /// indices only (4 bytes each, where an id and a location would take 32), and flow ids are
    /// not interned: nothing refers to a flow by interned name.
    ///
    /// `check` judges each flow's references in the same pass over the flows (a million of
    /// them are read once, not twice).
    fn of_flows(e: &mut Errors<'a>, flows: &'a [Flow], check: &(dyn Fn(&mut Errors, &Flow) + Sync)) -> Self {
        let bits = (flows.len() >> 12).max(1).ilog2().min(12);
        let parts = 1usize << bits;
        // Hashes (and the syntax of declared ids, and references) in flow order, on all cores.
        let mut hashes: Vec<u64> = Vec::with_capacity(flows.len());
        for (mut run, mut errors) in crate::parallel::in_parallel(crate::parallel::runs(flows.len()), |run| {
            let mut errors = e.fork();
            let hashes: Vec<u64> = flows[run]
                .iter()
                .map(|f| {
                    if f.id_declared {
                        check_id_syntax(&mut errors, &f.id, f.loc, "a flow");
                    }
                    check(&mut errors, f);
                    hash_id(&f.id)
                })
                .collect();
            (hashes, errors.out)
        }) {
            hashes.append(&mut run);
            e.out.append(&mut errors);
        }
        // (hash, flow index) grouped by partition, each group in flow order, so a partition is
        // read straight through; a flow itself is looked at only when its hash matches another's.
        let mut start = vec![0u32; parts + 1];
        for &h in &hashes {
            start[partition(h, bits) + 1] += 1;
        }
        for k in 0..parts {
            start[k + 1] += start[k];
        }
        let mut order = vec![(0u64, 0u32); flows.len()];
        let mut fill = start.clone();
        for (i, &h) in hashes.iter().enumerate() {
            let k = partition(h, bits);
            order[fill[k] as usize] = (h, i as u32);
            fill[k] += 1;
        }
        let declare = |k: usize| {
            let members = &order[start[k] as usize..start[k + 1] as usize];
            let mut table = hashbrown::HashTable::with_capacity(members.len());
            let mut errors = e.fork();
            for &(hash, i) in members {
                let id = |j: u32| &flows[j as usize].id;
                match table.find(hash, |&j: &u32| id(j) == id(i)) {
                    Some(&first) => {
                        let f = &flows[i as usize];
                        duplicate(&mut errors, &f.id, f.loc, flows[first as usize].loc, "a flow");
                    }
                    None => {
                        table.insert_unique(hash, i, |&j| hashes[j as usize]);
                    }
                }
            }
            (table, errors.out)
        };
        let mut ids = FlowIds { flows, bits, parts: Vec::with_capacity(parts) };
        for (table, mut errors) in crate::parallel::in_parallel((0..parts).collect(), declare) {
            ids.parts.push(table);
            e.out.append(&mut errors);
        }
        Namespace { flows: Some(ids), ..Namespace::new("a flow", 0) }
    }

    /// Where `id` was declared.
    fn get(&self, id: &str) -> Option<&Loc> {
        match &self.flows {
            None => self.ids.get(id),
            Some(ids) => {
                let hash = hash_id(id);
                let part = &ids.parts[partition(hash, ids.bits)];
                part.find(hash, |&i| *ids.flows[i as usize].id == *id).map(|&i| &ids.flows[i as usize].loc)
            }
        }
    }

    fn keys(&self) -> impl Iterator<Item = &'a str> + '_ {
        let flows = self.flows.iter().flat_map(|ids| ids.parts.iter().flatten().map(|&i| &*ids.flows[i as usize].id));
        self.ids.keys().copied().chain(flows)
    }

    /// A namespace of entities already declared elsewhere (no duplicate checks).
    fn of(what: &'static str, entities: impl Iterator<Item = (&'a str, Loc)>) -> Self {
        let ids: HashMap<&'a str, Loc> = entities.collect();
        let names = ids.keys().map(|id| (name(id), ())).collect();
        Namespace { what, ids, flows: None, names }
    }

    fn declare(&mut self, e: &mut Errors, id: &'a str, loc: Loc, check_syntax: bool) {
        if check_syntax {
            check_id_syntax(e, id, loc, self.what);
        }
        if let Some(&first) = self.ids.get(id) {
            duplicate(e, id, loc, first, self.what);
        } else {
            self.ids.insert(id, loc);
            self.names.insert(name(id), ());
        }
    }

    fn has(&self, id: &str) -> bool {
        self.get(id).is_some()
    }

    fn suggest(&self, id: &str) -> Option<String> {
        // Sorted so the suggestion does not depend on hash order.
        let mut keys: Vec<&str> = self.keys().collect();
        keys.sort_unstable();
        did_you_mean(id, keys)
    }
}

/// Flow ids in partitions by hash, each partition a table of flow indices.
struct FlowIds<'a> {
    flows: &'a [Flow],
    /// `parts.len() == 1 << bits`.
    bits: u32,
    parts: Vec<hashbrown::HashTable<u32>>,
}

/// The partition of a hash: bits from its middle, since the tables themselves use its lowest
/// bits (the bucket) and highest (the tag).
fn partition(hash: u64, bits: u32) -> usize {
    ((hash >> 32) & ((1 << bits) - 1)) as usize
}

fn hash_id(id: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(id)
}

fn check_id_syntax(e: &mut Errors, id: &str, loc: Loc, what: &str) {
    if !valid_id(id) {
        e.at(
            LoadCode::BadValue,
            loc,
            "id",
            None,
            format!("`{id}` is not a valid id ({what})"),
            Some("ids start with a letter or digit and use only A-Z a-z 0-9 . _ -".into()),
        );
    }
}

/// `id`, declared at `loc`, was declared before at `first`.
fn duplicate(e: &mut Errors, id: &str, loc: Loc, first: Loc, what: &str) {
    let first_at =
        e.sources.files.get(first.file as usize).map(|f| format!("{}:{}", f.path, first.line)).unwrap_or_default();
    e.at(
        LoadCode::DuplicateId,
        loc,
        "id",
        None,
        format!("id `{id}` is declared twice ({what}); the first is at {first_at}"),
        Some("give each one its own id".into()),
    );
}

/// A reference from an entity's `key` (item `index` when it is a list) to a namespace.
struct Ref<'r> {
    loc: Loc,
    key: &'r str,
    index: Option<usize>,
    owner: Owner<'r>,
}

/// "flow `x`": who holds a reference, formatted only when an error needs it (a million flows
/// must not cost a million strings).
#[derive(Clone, Copy)]
struct Owner<'a>(&'static str, &'a str);

impl std::fmt::Display for Owner<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.0, self.1)
    }
}

/// References are interned names, so each is found by pointer.
fn check_ref(e: &mut Errors, ns: &Namespace, r: Ref, id: &Name) {
    if ns.names.contains(*id) {
        return;
    }
    let id = id.as_str();
    if !e.excused(id) {
        e.at(
            LoadCode::DanglingRef,
            r.loc,
            r.key,
            r.index,
            format!("{}: `{}` names `{id}`, which is not {} of this inventory", r.owner, r.key, ns.what),
            mean(ns.suggest(id)).or_else(|| Some(format!("declare it, or name an existing one ({})", ns.what))),
        );
    }
}

fn check_list(e: &mut Errors, ns: &Namespace, loc: Loc, key: &str, owner: Owner, ids: &[Name]) {
    for (i, id) in ids.iter().enumerate() {
        check_ref(e, ns, Ref { loc, key, index: Some(i), owner }, id);
    }
}

/// The namespaces a flow refers to.
struct References<'n, 'a> {
    nodes: &'n Namespace<'a>,
    node_kind: &'n NameMap<NodeKind>,
    fields: &'n Namespace<'a>,
    purposes: &'n Namespace<'a>,
    consents: &'n Namespace<'a>,
    mechanisms: &'n Namespace<'a>,
    subjects: &'n Namespace<'a>,
}

impl References<'_, '_> {
    fn check_flow(&self, e: &mut Errors, f: &Flow) {
        let owner = Owner("flow", &f.id);
        check_ref(e, self.nodes, Ref { loc: f.loc, key: "from", index: None, owner }, &f.from);
        match self.node_kind.get(f.to) {
            Some(NodeKind::Subject) => e.at(
                LoadCode::DanglingRef,
                f.loc,
                "to",
                None,
                format!("{owner}: `to` names `{}`, which is a subject; flows go to a system or a party", f.to),
                Some("data given back to the person is not a flow to map; remove it or name a system".into()),
            ),
            Some(_) => {}
            None => check_ref(e, self.nodes, Ref { loc: f.loc, key: "to", index: None, owner }, &f.to),
        }
        if f.from == f.to && self.node_kind.contains(f.from) {
            e.at(
                LoadCode::BadValue,
                f.loc,
                "to",
                None,
                format!("{owner} goes from `{}` to itself", f.from),
                Some("a flow connects two different nodes".into()),
            );
        }
        if f.fields.is_empty() {
            e.at(
                LoadCode::BadValue,
                f.loc,
                "fields",
                None,
                format!("{owner} carries no fields"),
                Some("list the field ids it carries".into()),
            );
        }
        check_list(e, self.fields, f.loc, "fields", owner, &f.fields);
        check_ref(e, self.purposes, Ref { loc: f.loc, key: "purpose", index: None, owner }, &f.purpose);
        check_list(e, self.consents, f.loc, "consents", owner, &f.consents);
        if let Some(m) = &f.mechanism {
            check_ref(e, self.mechanisms, Ref { loc: f.loc, key: "mechanism", index: None, owner }, m);
        }
        check_list(e, self.subjects, f.loc, "subjects", owner, &f.subjects);
    }
}

/// Give undeclared flow ids their default `<from>-><to>#<n>`. `n` counts the flows between the
/// same two nodes in the order of their content, not of the files, so that reordering parts or
/// arrays does not rename flows (waivers and CI diffs key on these ids).
pub(super) fn default_flow_ids(flows: &mut [Flow]) {
    // Which flows declare an id, marked on all cores: a million flows are 128 MB to go through.
    let per = flows.len().div_ceil(crate::parallel::threads()).max(1);
    let undeclared = crate::parallel::in_parallel(flows.chunks_mut(per).enumerate().collect(), |(k, run)| {
        let mut undeclared = Vec::new();
        for (i, f) in run.iter_mut().enumerate() {
            f.id_declared = !f.id.is_empty();
            if !f.id_declared {
                undeclared.push(k * per + i);
            }
        }
        undeclared
    });
    let mut groups: HashMap<(Name, Name), Vec<usize>> = HashMap::default();
    for i in undeclared.into_iter().flatten() {
        groups.entry((flows[i].from, flows[i].to)).or_default().push(i);
    }
    for ((from, to), mut members) in groups {
        members.sort_by(|&a, &b| {
            let (x, y) = (&flows[a], &flows[b]);
            (&x.purpose, &x.fields, &x.subjects, &x.consents, &x.mechanism, x.volume, &x.note)
                .cmp(&(&y.purpose, &y.fields, &y.subjects, &y.consents, &y.mechanism, y.volume, &y.note))
                .then(a.cmp(&b))
        });
        for (n, i) in members.into_iter().enumerate() {
            flows[i].id = format!("{from}->{to}#{}", n + 1).into();
        }
    }
}

/// A system's `app_type` must be a key of the necessary-PI table, on an app or mini-program
/// (the only systems `cn-app-necessary` judges: elsewhere the key would silently do nothing).
fn check_app_type(e: &mut Errors, s: &System, t: &str) {
    if app_type(t).is_none() {
        let help = mean(did_you_mean(t, APP_TYPES.iter().map(|a| a.key)))
            .or_else(|| Some("see the 39 app types in `piflow explain cn-app-necessary`".into()));
        e.at(
            LoadCode::BadValue,
            s.loc,
            "app_type",
            None,
            format!("system `{}`: `{t}` is not an app type of the necessary-PI table", s.id),
            help,
        );
    } else if !matches!(s.kind, Some(SystemKind::App | SystemKind::MiniProgram)) {
        e.at(
            LoadCode::BadValue,
            s.loc,
            "app_type",
            None,
            format!("system `{}` has an `app_type` but is not an app or mini-program", s.id),
            Some("set `kind` to `app` or `mini-program`, or remove `app_type`".into()),
        );
    }
}

/// Judge the collected inventory, adding what is wrong to `c.errors`. Changes nothing else in
/// `c` (beyond naming the organization), so it may run again once texts are back.
pub(super) fn validate(c: &mut Collected, opts: &LoadOptions) {
    let mut e = Errors {
        sources: &c.sources,
        out: Vec::new(),
        unreadable: c.unreadable.iter().map(String::as_str).collect(),
        incomplete: c.incomplete,
    };

    // Exactly one organization.
    match c.organizations.len() {
        // The organization may be in the file that could not be read.
        0 if c.incomplete || c.organization_unreadable => {}
        0 => e.out.push(LoadError {
            code: LoadCode::Organization,
            file: c.sources.files.first().map(|f| f.path.clone()),
            file_index: None,
            offset: 0,
            line: 0,
            column: 0,
            message: "no part declares the `organization`".into(),
            help: Some(r#"add "organization": {"id": …, "name": …, "country": …} to one part"#.into()),
        }),
        _ => {
            let first = c.organizations[0].loc;
            for org in &c.organizations[1..] {
                let first_at = e.sources.files.get(first.file as usize).map(|f| format!("{}:{}", f.path, first.line));
                e.at(
                    LoadCode::Organization,
                    org.loc,
                    "id",
                    None,
                    format!("a second `organization`; the first is at {}", first_at.unwrap_or_default()),
                    Some("keep the organization in exactly one part".into()),
                );
            }
        }
    }
    let inv = &c.inventory;
    let org = c.organizations.first();
    if let Some(org) = org {
        if !valid_id(&org.id) {
            e.at(
                LoadCode::BadValue,
                org.loc,
                "id",
                None,
                format!("`{}` is not a valid id (organization)", org.id),
                None,
            );
        }
        check_country(&mut e, org.loc, "country", None, &org.country, "organization");
    }

    // Namespaces.
    let mut nodes =
        Namespace::new("a subject, system or party", inv.subjects.len() + inv.systems.len() + inv.parties.len());
    let mut node_kind: NameMap<NodeKind> = Default::default();
    for s in &inv.subjects {
        nodes.declare(&mut e, &s.id, s.loc, true);
        node_kind.get_or_insert(name(&s.id), NodeKind::Subject);
        for (i, cc) in s.country.iter().enumerate() {
            let index = (s.country.0.len() > 1).then_some(i);
            check_country(&mut e, s.loc, "country", index, cc, "subject");
        }
    }
    for s in &inv.systems {
        nodes.declare(&mut e, &s.id, s.loc, true);
        node_kind.get_or_insert(name(&s.id), NodeKind::System);
        check_country(&mut e, s.loc, "country", None, &s.country, "system");
        if let Some(t) = &s.app_type {
            check_app_type(&mut e, s, t);
        }
    }
    for p in &inv.parties {
        nodes.declare(&mut e, &p.id, p.loc, true);
        node_kind.get_or_insert(name(&p.id), NodeKind::Party);
        check_country(&mut e, p.loc, "country", None, &p.country, "party");
    }
    let mut fields = Namespace::new("a field", inv.fields.len());
    for f in &inv.fields {
        fields.declare(&mut e, &f.id, f.loc, true);
        if taxonomy::category(&f.category).is_none() {
            let help = mean(did_you_mean(&f.category, taxonomy::CATEGORIES.iter().map(|c| c.key)))
                .or_else(|| Some("see the taxonomy in `piflow explain categories`".into()));
            e.at(
                LoadCode::BadValue,
                f.loc,
                "category",
                None,
                format!("field `{}`: `{}` is not a category of the built-in taxonomy", f.id, f.category),
                help,
            );
        }
    }
    let mut purposes = Namespace::new("a purpose", inv.purposes.len());
    for p in &inv.purposes {
        purposes.declare(&mut e, &p.id, p.loc, true);
        if let Some(letter) = &p.special_condition
            && !matches!(letter.as_str(), "a" | "b" | "c" | "d" | "e" | "f" | "g" | "h" | "i" | "j")
        {
            e.at(
                LoadCode::BadValue,
                p.loc,
                "special_condition",
                None,
                format!("purpose `{}`: `{letter}` is not a letter of GDPR Art. 9(2)", p.id),
                Some("write one letter from a to j, e.g. \"a\" (explicit consent) or \"b\" (employment)".into()),
            );
        }
    }
    let mut consents = Namespace::new("a consent", inv.consents.len());
    for k in &inv.consents {
        consents.declare(&mut e, &k.id, k.loc, true);
        if k.covers.is_empty() {
            e.at(
                LoadCode::BadValue,
                k.loc,
                "for",
                None,
                format!("consent `{}` covers nothing: `for` is empty", k.id),
                Some("list what it is for: processing, sensitive, provide, disclose, cross-border, children".into()),
            );
        }
    }
    let mut mechanisms = Namespace::new("a mechanism", inv.mechanisms.len());
    for m in &inv.mechanisms {
        mechanisms.declare(&mut e, &m.id, m.loc, true);
        for (i, cc) in m.to.iter().enumerate() {
            check_country(&mut e, m.loc, "to", Some(i), cc, "mechanism destination");
        }
    }
    let mut sdks = Namespace::new("an sdk", inv.sdks.len());
    for s in &inv.sdks {
        sdks.declare(&mut e, &s.id, s.loc, true);
    }
    let parties = Namespace::of("a party", inv.parties.iter().map(|p| (p.id.as_str(), p.loc)));
    let systems = Namespace::of("a system", inv.systems.iter().map(|s| (s.id.as_str(), s.loc)));
    let subjects = Namespace::of("a subject", inv.subjects.iter().map(|s| (s.id.as_str(), s.loc)));
    // A million flows' references, judged on all cores as the flow ids are declared; errors are
    // sorted later.
    let refs = References {
        nodes: &nodes,
        node_kind: &node_kind,
        fields: &fields,
        purposes: &purposes,
        consents: &consents,
        mechanisms: &mechanisms,
        subjects: &subjects,
    };
    let flows = Namespace::of_flows(&mut e, &inv.flows, &|errors, f| refs.check_flow(errors, f));

    // References.
    for p in &inv.parties {
        let owner = Owner("party", &p.id);
        check_list(&mut e, &parties, p.loc, "subprocessors", owner, &p.subprocessors);
    }
    for p in &inv.purposes {
        let owner = Owner("purpose", &p.id);
        check_list(&mut e, &consents, p.loc, "consents", owner, &p.consents);
    }
    for k in &inv.consents {
        let owner = Owner("consent", &k.id);
        check_list(&mut e, &fields, k.loc, "fields", owner, &k.fields);
        check_list(&mut e, &parties, k.loc, "recipients", owner, &k.recipients);
    }
    for m in &inv.mechanisms {
        let owner = Owner("mechanism", &m.id);
        check_list(&mut e, &parties, m.loc, "recipients", owner, &m.recipients);
    }
    for s in &inv.sdks {
        let owner = Owner("sdk", &s.id);
        check_ref(&mut e, &parties, Ref { loc: s.loc, key: "vendor", index: None, owner }, &s.vendor);
        check_list(&mut e, &systems, s.loc, "in", owner, &s.in_systems);
        check_list(&mut e, &fields, s.loc, "fields", owner, &s.fields);
        check_ref(&mut e, &purposes, Ref { loc: s.loc, key: "purpose", index: None, owner }, &s.purpose);
        check_list(&mut e, &consents, s.loc, "consents", owner, &s.consents);
        if let Some(m) = &s.mechanism {
            check_ref(&mut e, &mechanisms, Ref { loc: s.loc, key: "mechanism", index: None, owner }, m);
        }
        for (key, empty) in [("in", s.in_systems.is_empty()), ("fields", s.fields.is_empty())] {
            if empty {
                e.at(LoadCode::BadValue, s.loc, key, None, format!("{owner}: `{key}` is empty"), None);
            }
        }
    }

    // Waivers name a rule code and any id.
    for w in &inv.waivers {
        if !opts.rule_codes.is_empty() && !opts.rule_codes.contains(&w.rule.as_str()) {
            e.at(
                LoadCode::BadValue,
                w.loc,
                "rule",
                None,
                format!("waiver: `{}` is not a rule code", w.rule),
                mean(did_you_mean(&w.rule, opts.rule_codes.iter().copied()))
                    .or_else(|| Some("`piflow explain` lists the codes".into())),
            );
        }
        // Declared-vs-observed findings target what a scan saw (a package coordinate or a host),
        // which no inventory id names.
        let observed_target = w.rule.starts_with("decl-");
        let known = observed_target
            || e.excused(&w.target)
            || org.is_some_and(|o| o.id == w.target)
            || [&nodes, &fields, &purposes, &consents, &mechanisms, &sdks, &flows].iter().any(|ns| ns.has(&w.target));
        if !known {
            let mut all: Vec<&str> = [&nodes, &fields, &purposes, &consents, &mechanisms, &sdks, &flows]
                .iter()
                .flat_map(|ns| ns.keys())
                .chain(org.map(|o| o.id.as_str()))
                .collect();
            all.sort_unstable();
            e.at(
                LoadCode::DanglingRef,
                w.loc,
                "target",
                None,
                format!("waiver: target `{}` names nothing in this inventory", w.target),
                mean(did_you_mean(&w.target, all)),
            );
        }
    }

    let mut out = e.out;
    c.errors.append(&mut out);
    if let Some(org) = c.organizations.first().cloned() {
        c.inventory.organization = org;
    }
}
