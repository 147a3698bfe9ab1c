//! HAR 1.2 captures (browser devtools, Charles, mitmproxy): the hosts requests went to, and the
//! request parameters (query, form, JSON body) whose values look like personal data.

use super::locate::Text;
use super::walk::{ParseResult, Sink};
use super::{HostUse, PersonalData, personal};
use serde_json::Value;
use std::collections::BTreeMap;

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
fn parameters(req: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let url = req.get("url").and_then(Value::as_str).unwrap_or("");
    if let Some((_, q)) = url.split_once('?') {
        out.extend(form_pairs(q.split('#').next().unwrap_or(q)));
    }
    let named = |list: Option<&Value>| -> Vec<(String, String)> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some((
                    p.get("name")?.as_str()?.to_owned(),
                    p.get("value").and_then(Value::as_str).unwrap_or("").to_owned(),
                ))
            })
            .collect()
    };
    out.extend(named(req.get("queryString")));
    if let Some(post) = req.get("postData") {
        out.extend(named(post.get("params")));
        let text = post.get("text").and_then(Value::as_str).unwrap_or("");
        let mime = post.get("mimeType").and_then(Value::as_str).unwrap_or("");
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

/// Where an entry's request URL is written, searching forward from the previous entry.
fn url_line(t: &Text, url: &str, cursor: usize) -> (u32, usize) {
    let encoded = serde_json::to_string(url).unwrap_or_default();
    let hay = t.text.get(cursor..).unwrap_or("");
    let hit = ["\"url\": ", "\"url\":"]
        .iter()
        .filter_map(|k| hay.find(&format!("{k}{encoded}")))
        .min()
        .or_else(|| hay.find(&encoded));
    match hit {
        Some(i) => (t.line_of(cursor + i), cursor + i + 1),
        None => (t.line_of(cursor), cursor),
    }
}

pub fn read(t: &Text, first_party: &[String], sink: &mut Sink) -> ParseResult {
    let doc: Value = serde_json::from_str(t.text).map_err(|e| (e.line() as u32, format!("invalid JSON: {e}")))?;
    let Some(entries) = doc.pointer("/log/entries").and_then(Value::as_array) else {
        return Err((1, "no `log.entries`: is this a HAR file?".into()));
    };
    // The site the capture was made on is first party: the pages' hosts, plus `--first-party`.
    let mut own: Vec<String> = first_party.iter().map(|d| registrable(d.trim_start_matches("*.").trim())).collect();
    for page in doc.pointer("/log/pages").and_then(Value::as_array).into_iter().flatten() {
        if let Some(h) = page.get("title").and_then(Value::as_str).and_then(host_of) {
            own.push(registrable(&h));
        }
    }
    let mut hosts: BTreeMap<String, HostUse> = BTreeMap::new();
    let mut cursor = 0;
    for entry in entries {
        let Some(req) = entry.get("request") else { continue };
        let Some(url) = req.get("url").and_then(Value::as_str) else { continue };
        let (line, next) = url_line(t, url, cursor);
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
}
