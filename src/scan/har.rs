//! HAR 1.2 captures (browser devtools, Charles, mitmproxy): the hosts requests went to, and the
//! request parameters (query, form, JSON body) whose values look like personal data.

use super::locate::Text;
use super::walk::{ParseResult, Sink};
use super::{HostUse, PersonalData, personal};
use rustc_hash::FxHashMap;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The parts of a HAR capture the scan reads. Everything else — headers, cookies, responses and
/// their bodies, timings — is skipped while parsing, never held: a capture's responses are most
/// of its size, and a tree of `Value`s of a 100 MB capture took ten times that in memory. Strings
/// are borrowed from the file's text where they have no escapes.
#[derive(Deserialize)]
struct Har<'a> {
    #[serde(borrow)]
    log: Option<Log<'a>>,
}

#[derive(Deserialize)]
struct Log<'a> {
    #[serde(borrow, default)]
    pages: Vec<Page<'a>>,
    #[serde(borrow)]
    entries: Option<Vec<Entry<'a>>>,
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    title: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(borrow)]
    request: Option<Request<'a>>,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow)]
    url: Option<Cow<'a, str>>,
    #[serde(borrow, default, rename = "queryString")]
    query_string: Vec<NameValue<'a>>,
    #[serde(borrow, rename = "postData")]
    post_data: Option<PostData<'a>>,
}

#[derive(Deserialize)]
struct PostData<'a> {
    #[serde(borrow, rename = "mimeType")]
    mime_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    text: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    params: Vec<NameValue<'a>>,
}

#[derive(Deserialize)]
struct NameValue<'a> {
    #[serde(borrow)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    value: Option<Cow<'a, str>>,
}

/// The registrable domain of a host by the Public Suffix List, private suffixes included: the
/// tenants of `*.github.io` or `*.azurewebsites.net` are different sites, and `x.example.com.cn`
/// belongs to `example.com.cn`. A host with no known suffix (an intranet name, an IP address)
/// stands for itself.
fn registrable(host: &str) -> String {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match psl::domain_str(&host) {
        Some(domain) => domain.to_owned(),
        None => host,
    }
}

/// Host of a URL, lower case (IDNA names as punycode), without port or credentials; `None` for
/// what is not an absolute URL with a host.
fn host_of(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = match parsed.host()? {
        url::Host::Domain(d) => d.to_owned(),
        url::Host::Ipv4(ip) => ip.to_string(),
        url::Host::Ipv6(ip) => ip.to_string(),
    };
    (!host.is_empty()).then_some(host)
}

/// Percent-decoding of a query component (`+` is a space in forms).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or(""), 16) {
                Ok(v) => {
                    out.push(v);
                    i += 2;
                }
                Err(_) => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn form_pairs(s: &str) -> Vec<(String, String)> {
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (decode(k), decode(v)),
            None => (decode(p), String::new()),
        })
        .collect()
}

/// Leaf values of a JSON body with their key paths (`user.phone`, `items[0].lat`).
fn json_leaves(v: &Value, path: &str, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                json_leaves(x, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                json_leaves(x, &format!("{path}[{i}]"), out);
            }
        }
        Value::String(s) => out.push((path.to_owned(), s.clone())),
        Value::Number(n) => out.push((path.to_owned(), n.to_string())),
        _ => {}
    }
}

/// Every (parameter, value) a request carries.
fn parameters(req: &Request) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let url = req.url.as_deref().unwrap_or("");
    if let Some((_, q)) = url.split_once('?') {
        out.extend(form_pairs(q.split('#').next().unwrap_or(q)));
    }
    let named = |list: &[NameValue]| -> Vec<(String, String)> {
        list.iter()
            .filter_map(|p| Some((p.name.as_deref()?.to_owned(), p.value.as_deref().unwrap_or("").to_owned())))
            .collect()
    };
    out.extend(named(&req.query_string));
    if let Some(post) = &req.post_data {
        out.extend(named(&post.params));
        let text = post.text.as_deref().unwrap_or("");
        let mime = post.mime_type.as_deref().unwrap_or("");
        if mime.contains("json") || text.trim_start().starts_with(['{', '[']) {
            if let Ok(body) = serde_json::from_str::<Value>(text) {
                json_leaves(&body, "", &mut out);
            }
        } else if mime.contains("x-www-form-urlencoded") {
            out.extend(form_pairs(text));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Where each `"url"` value is written, by its decoded text: read once, so that finding an
/// entry's line is a look-up, not a search of the rest of the capture (which, when the URL is
/// written otherwise than serde_json writes it — `\/` for `/`, no space after the colon — ran
/// to the end of the file for every entry).
struct UrlPlaces(FxHashMap<String, Vec<usize>>);

impl UrlPlaces {
    fn new(text: &str) -> UrlPlaces {
        let mut map: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for key in memchr::memmem::find_iter(text.as_bytes(), b"\"url\"") {
            let rest = &text[key + 5..];
            let value = rest.trim_start();
            let Some(value) = value.strip_prefix(':').map(str::trim_start) else { continue };
            let at = text.len() - value.len();
            if let Some(url) = json_string(value) {
                map.entry(url).or_default().push(at);
            }
        }
        UrlPlaces(map)
    }

    /// The line of `url`'s first place at or after `cursor`, and the cursor for the next entry.
    fn line(&self, t: &Text, url: &str, cursor: usize) -> (u32, usize) {
        let places = self.0.get(url).map_or(&[][..], Vec::as_slice);
        match places.get(places.partition_point(|&p| p < cursor)) {
            Some(&at) => (t.line_of(at), at + 1),
            None => (t.line_of(cursor), cursor),
        }
    }
}

/// The JSON string `text` starts with, decoded; `None` when it starts with something else.
fn json_string(text: &str) -> Option<String> {
    let body = text.strip_prefix('"')?;
    let mut escaped = false;
    let end = body.char_indices().find_map(|(i, c)| {
        let end = !escaped && c == '"';
        escaped = !escaped && c == '\\';
        end.then_some(i)
    })?;
    serde_json::from_str(&text[..end + 2]).ok()
}

pub fn read(t: &Text, first_party: &[String], sink: &mut Sink) -> ParseResult {
    let doc: Har = serde_json::from_str(t.text).map_err(|e| {
        let what = if e.is_data() { "not a HAR capture" } else { "invalid JSON" };
        (e.line() as u32, format!("{what}: {e}"))
    })?;
    let Some(Log { pages, entries: Some(entries) }) = doc.log else {
        return Err((1, "no `log.entries`: is this a HAR file?".into()));
    };
    // The site the capture was made on is first party: the pages' hosts, plus `--first-party`.
    let mut own: Vec<String> = first_party.iter().map(|d| registrable(d.trim_start_matches("*.").trim())).collect();
    for page in &pages {
        if let Some(h) = page.title.as_deref().and_then(host_of) {
            own.push(registrable(&h));
        }
    }
    let mut hosts: BTreeMap<String, HostUse> = BTreeMap::new();
    let places = UrlPlaces::new(t.text);
    let mut cursor = 0;
    for entry in &entries {
        let Some(req) = &entry.request else { continue };
        let Some(url) = req.url.as_deref() else { continue };
        let (line, next) = places.line(t, url, cursor);
        cursor = next;
        let Some(host) = host_of(url) else { continue };
        let mut place = t.place(line);
        // The quoted line must not carry the personal data this scan looks for: cut the query.
        if let Some(q) = place.text.find('?') {
            place.text.truncate(q);
            place.text.push_str("?…");
        }
        hosts.entry(host.clone()).and_modify(|h| h.requests += 1).or_insert_with(|| HostUse {
            host: host.clone(),
            requests: 1,
            first_party: own.contains(&registrable(&host)),
            sdk: sink.db.by_host(&host).first().map(|s| s.id.clone()),
            place: place.clone(),
        });
        for (key, value) in parameters(req) {
            if let Some((category, evidence)) = personal::classify(&key, &value) {
                sink.obs.personal_data.push(PersonalData {
                    host: host.clone(),
                    parameter: key,
                    category: category.to_owned(),
                    evidence: evidence.to_owned(),
                    place: place.clone(),
                });
            }
        }
    }
    sink.obs.hosts.extend(hosts.into_values());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_and_registrable_domains() {
        assert_eq!(host_of("https://u:p@API.Example.com:8443/x?y").as_deref(), Some("api.example.com"));
        assert_eq!(registrable("a.b.example.com.cn"), "example.com.cn");
        assert_eq!(registrable("alog.umeng.com"), "umeng.com");
        // Private suffixes: two GitHub Pages sites are two sites, not one first party.
        assert_eq!(registrable("alice.github.io"), "alice.github.io");
        assert_ne!(registrable("alice.github.io"), registrable("mallory.github.io"));
        assert_eq!(registrable("www.example.co.uk"), "example.co.uk");
        assert_eq!(registrable("localhost"), "localhost");
        assert_eq!(host_of("https://[::1]:8080/x").as_deref(), Some("::1"));
        assert_eq!(host_of("not a url"), None);
        assert_eq!(decode("a%40b.cn+x"), "a@b.cn x");
    }

    #[test]
    fn url_places_read_any_spelling() {
        let text = "{\"log\":{\"entries\":[\n{\"request\":{\"url\" : \"https:\\/\\/a.cn\\/x\"}},\n{\"request\":{\"url\":\"https://a.cn/x\"}},\n{\"request\":{\"url\":\"https://b.cn/\\u0079\"}}]}}";
        let t = Text::new("x.har", text);
        let places = UrlPlaces::new(text);
        let (line, cursor) = places.line(&t, "https://a.cn/x", 0);
        assert_eq!(line, 2);
        assert_eq!(places.line(&t, "https://a.cn/x", cursor).0, 3);
        assert_eq!(places.line(&t, "https://b.cn/y", 0).0, 4);
        // Not there: the cursor's line, and the cursor stays.
        assert_eq!(places.line(&t, "https://c.cn/", cursor), (2, cursor));
        assert_eq!(json_string("\"a\\\"b\" tail"), Some("a\"b".to_owned()));
        assert_eq!(json_string("nope"), None);
    }
}
