//! Android binary XML (AXML), the form `AndroidManifest.xml` takes inside an APK: a string pool,
//! a resource-id map and a stream of namespace/element chunks. No kept crate reads it without
//! pulling in a whole APK toolkit, and the format is small (AOSP `ResourceTypes.h`), so this is
//! our own reader: every offset is checked against the buffer, nothing is trusted, and a broken
//! file is an error with the byte offset, never a panic.

/// One start tag: its local name, nesting depth (the root is 0) and attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Element {
    pub name: String,
    pub depth: u32,
    pub attrs: Vec<Attr>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Namespace URI, empty when none.
    pub ns: String,
    pub name: String,
    /// The value as text: a string as written, a number in decimal, a reference as `@0x7f…`.
    pub value: String,
}

pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

impl Element {
    /// An attribute in the android namespace (or with no namespace, as some packers write it).
    pub fn android(&self, name: &str) -> Option<&str> {
        let hit = |a: &&Attr| a.name == name && (a.ns == ANDROID_NS || a.ns.is_empty());
        self.attrs.iter().find(hit).map(|a| a.value.as_str())
    }

    /// The tag as text, for quoting: `<uses-permission android:name="…">`.
    pub fn render(&self) -> String {
        let mut s = format!("<{}", self.name);
        for a in &self.attrs {
            let prefix = if a.ns == ANDROID_NS { "android:" } else { "" };
            s.push_str(&format!(" {prefix}{}=\"{}\"", a.name, a.value));
        }
        s.push('>');
        s
    }
}

const RES_XML: u16 = 0x0003;
const RES_STRING_POOL: u16 = 0x0001;
const RES_XML_RESOURCE_MAP: u16 = 0x0180;
const RES_XML_START_ELEMENT: u16 = 0x0102;
const RES_XML_END_ELEMENT: u16 = 0x0103;
const NO_INDEX: u32 = 0xFFFF_FFFF;
const UTF8_FLAG: u32 = 1 << 8;

/// Names of the framework attributes a manifest scan reads, by resource id: optimised builds
/// (R8 resource shrinking, some packers) blank the attribute name strings and keep only the id.
fn framework_attr(id: u32) -> Option<&'static str> {
    Some(match id {
        0x0101_0003 => "name",
        0x0101_0018 => "authorities",
        0x0101_0024 => "value",
        0x0101_0025 => "resource",
        0x0101_0271 => "maxSdkVersion",
        0x0101_020c => "minSdkVersion",
        0x0101_0270 => "targetSdkVersion",
        0x0101_021b => "versionCode",
        0x0101_021c => "versionName",
        _ => return None,
    })
}

struct Reader<'a> {
    b: &'a [u8],
}

impl Reader<'_> {
    fn u16(&self, at: usize) -> Result<u16, String> {
        self.b
            .get(at..at + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]))
            .ok_or_else(|| format!("truncated at byte {at} (file is {} bytes)", self.b.len()))
    }
    fn u32(&self, at: usize) -> Result<u32, String> {
        self.b
            .get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .ok_or_else(|| format!("truncated at byte {at} (file is {} bytes)", self.b.len()))
    }
}

/// Decode a binary XML document into its start tags, in document order.
pub fn decode(bytes: &[u8]) -> Result<Vec<Element>, String> {
    let r = Reader { b: bytes };
    if r.u16(0)? != RES_XML {
        return Err("not Android binary XML (no RES_XML header); is this a plain-text manifest?".into());
    }
    let header = r.u16(2)? as usize;
    let total = (r.u32(4)? as usize).min(bytes.len());
    let mut strings: Vec<String> = Vec::new();
    let mut ids: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    let mut depth: u32 = 0;
    let mut pos = header.max(8);
    while pos + 8 <= total {
        let kind = r.u16(pos)?;
        let head = r.u16(pos + 2)? as usize;
        let size = r.u32(pos + 4)? as usize;
        if size < 8 || head > size || pos + size > total {
            return Err(format!("chunk at byte {pos} has a bad size ({size} bytes, header {head})"));
        }
        let chunk = &bytes[pos..pos + size];
        match kind {
            RES_STRING_POOL => strings = string_pool(chunk).map_err(|e| format!("string pool at byte {pos}: {e}"))?,
            RES_XML_RESOURCE_MAP => {
                ids = chunk[head.max(8)..]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect();
            }
            RES_XML_START_ELEMENT => {
                let el = start_element(chunk, head, &strings, &ids, depth)
                    .map_err(|e| format!("element at byte {pos}: {e}"))?;
                out.push(el);
                depth += 1;
            }
            RES_XML_END_ELEMENT => depth = depth.saturating_sub(1),
            _ => {}
        }
        pos += size;
    }
    if out.is_empty() {
        return Err("no elements".into());
    }
    Ok(out)
}

fn string_pool(chunk: &[u8]) -> Result<Vec<String>, String> {
    let r = Reader { b: chunk };
    let head = r.u16(2)? as usize;
    let count = r.u32(8)? as usize;
    let flags = r.u32(16)?;
    let start = r.u32(20)? as usize;
    if count > chunk.len() / 4 {
        return Err(format!("{count} strings cannot fit in {} bytes", chunk.len()));
    }
    let utf8 = flags & UTF8_FLAG != 0;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let off = r.u32(head + i * 4)? as usize;
        let at = start.checked_add(off).ok_or("string offset overflows")?;
        out.push(if utf8 { utf8_string(&r, at)? } else { utf16_string(&r, at)? });
    }
    Ok(out)
}

fn utf16_string(r: &Reader, at: usize) -> Result<String, String> {
    let mut len = r.u16(at)? as usize;
    let mut p = at + 2;
    if len & 0x8000 != 0 {
        len = ((len & 0x7FFF) << 16) | r.u16(p)? as usize;
        p += 2;
    }
    let units = r.b.get(p..p + len * 2).ok_or_else(|| format!("string at byte {at} runs past the pool"))?;
    let units: Vec<u16> = units.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    Ok(String::from_utf16_lossy(&units))
}

fn utf8_string(r: &Reader, at: usize) -> Result<String, String> {
    // Two lengths, each one byte or two (high bit set): UTF-16 units, then UTF-8 bytes.
    let mut p = at;
    let len = |p: &mut usize| -> Result<usize, String> {
        let a = *r.b.get(*p).ok_or_else(|| format!("string at byte {at} runs past the pool"))? as usize;
        *p += 1;
        if a & 0x80 == 0 {
            return Ok(a);
        }
        let b = *r.b.get(*p).ok_or_else(|| format!("string at byte {at} runs past the pool"))? as usize;
        *p += 1;
        Ok(((a & 0x7F) << 8) | b)
    };
    let _units = len(&mut p)?;
    let n = len(&mut p)?;
    let bytes = r.b.get(p..p + n).ok_or_else(|| format!("string at byte {at} runs past the pool"))?;
    Ok(String::from_utf8_lossy(bytes).into_owned())
}

fn start_element(chunk: &[u8], head: usize, strings: &[String], ids: &[u32], depth: u32) -> Result<Element, String> {
    let r = Reader { b: chunk };
    let s = |i: u32| -> String {
        if i == NO_INDEX { String::new() } else { strings.get(i as usize).cloned().unwrap_or_default() }
    };
    let ext = head;
    let name = s(r.u32(ext + 4)?);
    let attr_start = r.u16(ext + 8)? as usize;
    let attr_size = (r.u16(ext + 10)? as usize).max(20);
    let attr_count = r.u16(ext + 12)? as usize;
    let mut attrs = Vec::with_capacity(attr_count.min(64));
    for i in 0..attr_count {
        let at = ext + attr_start + i * attr_size;
        let ns = s(r.u32(at)?);
        let name_index = r.u32(at + 4)?;
        let mut attr_name = s(name_index);
        if let Some(n) = ids.get(name_index as usize).copied().and_then(framework_attr) {
            attr_name = n.to_owned();
        }
        let raw = r.u32(at + 8)?;
        let data_type = *chunk.get(at + 15).ok_or("attribute runs past its element")?;
        let data = r.u32(at + 16)?;
        let value = if raw != NO_INDEX {
            s(raw)
        } else {
            match data_type {
                0x03 => s(data),
                0x10 => (data as i32).to_string(),
                0x11 => format!("0x{data:x}"),
                0x12 => (data != 0).to_string(),
                0x01 => format!("@0x{data:08x}"),
                _ => format!("(type 0x{data_type:x}) 0x{data:x}"),
            }
        };
        attrs.push(Attr { ns, name: attr_name, value });
    }
    Ok(Element { name, depth, attrs })
}

/// Decode the protobuf XML aapt2 writes into an app bundle (`base/manifest/AndroidManifest.xml`,
/// `XmlNode` of aapt2's `Resources.proto`) into the same start tags as [`decode`]. Only the fields
/// a manifest scan needs are read (element name and namespace, children, each attribute's
/// namespace, name and string value); the rest is skipped by its wire type. Nesting deeper than
/// [`MAX_PROTO_DEPTH`] is refused, so a hostile file cannot exhaust the stack.
pub fn decode_proto(bytes: &[u8]) -> Result<Vec<Element>, String> {
    let mut out = Vec::new();
    // XmlNode { XmlElement element = 1; string text = 2; … }
    for field in Fields::new(bytes, 0) {
        let (number, value) = field?;
        if let (1, Value::Bytes(el, at)) = (number, value) {
            proto_element(el, at, 0, &mut out)?;
        }
    }
    if out.is_empty() {
        return Err("no elements (is this aapt2 protobuf XML?)".into());
    }
    Ok(out)
}

/// Elements nest no deeper than this in a protobuf manifest (real ones: 4 or 5).
pub const MAX_PROTO_DEPTH: u32 = 64;

/// XmlElement { repeated XmlNamespace namespace_declaration = 1; string namespace_uri = 2;
/// string name = 3; repeated XmlAttribute attribute = 4; repeated XmlNode child = 5; }
fn proto_element(b: &[u8], base: usize, depth: u32, out: &mut Vec<Element>) -> Result<(), String> {
    if depth > MAX_PROTO_DEPTH {
        return Err(format!("elements nest deeper than {MAX_PROTO_DEPTH} at byte {base}"));
    }
    let index = out.len();
    out.push(Element { name: String::new(), depth, attrs: Vec::new() });
    let mut children: Vec<(&[u8], usize)> = Vec::new();
    for field in Fields::new(b, base) {
        match field? {
            (3, Value::Bytes(name, _)) => out[index].name = String::from_utf8_lossy(name).into_owned(),
            (4, Value::Bytes(attr, at)) => {
                let a = proto_attr(attr, at)?;
                out[index].attrs.push(a);
            }
            (5, Value::Bytes(node, at)) => children.push((node, at)),
            _ => {}
        }
    }
    // Children after the element's own attributes, in document order, like the binary form.
    for (node, at) in children {
        for field in Fields::new(node, at) {
            if let (1, Value::Bytes(el, at)) = field? {
                proto_element(el, at, depth + 1, out)?;
            }
        }
    }
    Ok(())
}

/// XmlAttribute { string namespace_uri = 1; string name = 2; string value = 3; … }
fn proto_attr(b: &[u8], base: usize) -> Result<Attr, String> {
    let mut a = Attr { ns: String::new(), name: String::new(), value: String::new() };
    for field in Fields::new(b, base) {
        let text = |v: &[u8]| String::from_utf8_lossy(v).into_owned();
        match field? {
            (1, Value::Bytes(v, _)) => a.ns = text(v),
            (2, Value::Bytes(v, _)) => a.name = text(v),
            (3, Value::Bytes(v, _)) => a.value = text(v),
            _ => {}
        }
    }
    Ok(a)
}

enum Value<'a> {
    /// A length-delimited field and the absolute offset it starts at (for error messages).
    Bytes(&'a [u8], usize),
    Other,
}

/// The fields of one protobuf message, as (field number, value); a malformed one ends the
/// iteration with an error naming its byte.
struct Fields<'a> {
    b: &'a [u8],
    pos: usize,
    base: usize,
    failed: bool,
}

impl<'a> Fields<'a> {
    fn new(b: &'a [u8], base: usize) -> Fields<'a> {
        Fields { b, pos: 0, base, failed: false }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = *self.b.get(self.pos).ok_or_else(|| format!("truncated at byte {}", self.base + self.pos))?;
            self.pos += 1;
            v |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(format!("a varint runs past 10 bytes at byte {}", self.base + self.pos))
    }

    fn skip(&mut self, n: u64) -> Result<usize, String> {
        let start = self.pos;
        let end = usize::try_from(n).ok().and_then(|n| start.checked_add(n)).filter(|&e| e <= self.b.len());
        let end = end.ok_or_else(|| format!("a field at byte {} runs past its message", self.base + start))?;
        self.pos = end;
        Ok(start)
    }
}

impl<'a> Iterator for Fields<'a> {
    type Item = Result<(u64, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.b.len() {
            return None;
        }
        let step = (|| {
            let key = self.varint()?;
            let value = match key & 7 {
                0 => {
                    self.varint()?;
                    Value::Other
                }
                1 => {
                    self.skip(8)?;
                    Value::Other
                }
                2 => {
                    let len = self.varint()?;
                    let start = self.skip(len)?;
                    Value::Bytes(&self.b[start..self.pos], self.base + start)
                }
                5 => {
                    self.skip(4)?;
                    Value::Other
                }
                t => return Err(format!("wire type {t} at byte {} is not protobuf XML", self.base + self.pos)),
            };
            Ok((key >> 3, value))
        })();
        self.failed = step.is_err();
        Some(step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!("{}/tests/fixtures/binary/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap()
    }

    #[test]
    fn real_manifest_decodes_with_permissions_in_order() {
        // Ground truth from `aapt dump permissions` on the APK this manifest came from.
        let els = decode(&fixture("sms-demo.AndroidManifest.xml")).unwrap();
        assert_eq!(els[0].name, "manifest");
        assert_eq!(
            els[0].attrs.iter().find(|a| a.name == "package").map(|a| a.value.as_str()),
            Some("com.readboy.smsdemo")
        );
        let perms: Vec<&str> =
            els.iter().filter(|e| e.name == "uses-permission").filter_map(|e| e.android("name")).collect();
        assert_eq!(
            perms,
            [
                "android.permission.READ_CALL_LOG",
                "android.permission.READ_CONTACTS",
                "android.permission.READ_SMS",
                "android.permission.READ_PHONE_STATE",
                "android.permission.INTERNET",
                "android.permission.ACCESS_NETWORK_STATE",
                "android.permission.ACCESS_WIFI_STATE",
                "android.permission.WRITE_EXTERNAL_STORAGE",
            ]
        );
        let app = els.iter().find(|e| e.name == "application").unwrap();
        assert_eq!(app.depth, 1);
        assert_eq!(app.android("name"), Some("com.readboy.smsdemo.APP"));
    }

    #[test]
    fn damaged_manifest_is_an_error_not_a_panic() {
        let bytes = fixture("sms-demo.AndroidManifest.xml");
        for cut in [0, 3, 8, 100, 700, bytes.len() - 1] {
            let _ = decode(&bytes[..cut]);
        }
        let mut flipped = bytes.clone();
        for i in (8..flipped.len()).step_by(7) {
            flipped[i] ^= 0xA5;
            let _ = decode(&flipped);
        }
        assert!(decode(b"<manifest/>").unwrap_err().contains("not Android binary XML"));
    }

    fn bundle_manifest() -> Vec<u8> {
        crate::scan::dex::tests::entry("stopwatch.aab", "base/manifest/AndroidManifest.xml")
    }

    #[test]
    fn real_bundle_manifest_decodes_like_its_apk() {
        let els = decode_proto(&bundle_manifest()).unwrap();
        assert_eq!(els[0].name, "manifest");
        assert_eq!(
            els[0].attrs.iter().find(|a| a.name == "package").map(|a| a.value.as_str()),
            Some("com.mycompany.stopwatch")
        );
        let perms: Vec<&str> =
            els.iter().filter(|e| e.name == "uses-permission").filter_map(|e| e.android("name")).collect();
        assert_eq!(
            perms,
            [
                "android.permission.INTERNET",
                "android.permission.ACCESS_NETWORK_STATE",
                "android.permission.POST_NOTIFICATIONS",
                "com.mycompany.stopwatch.DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION",
            ]
        );
        let app = els.iter().find(|e| e.name == "application").unwrap();
        assert_eq!(app.depth, 1);
    }

    #[test]
    fn damaged_bundle_manifest_is_an_error_not_a_panic() {
        let bytes = bundle_manifest();
        for cut in [0, 1, 2, 7, 100, bytes.len() / 2, bytes.len() - 1] {
            let _ = decode_proto(&bytes[..cut]);
        }
        let mut flipped = bytes.clone();
        for i in (0..flipped.len()).step_by(5) {
            flipped[i] ^= 0x3C;
            let _ = decode_proto(&flipped);
        }
        // 10,000 nested elements: refused at the depth limit, not a stack overflow.
        let mut deep: Vec<u8> = Vec::new();
        for _ in 0..10_000 {
            // XmlNode { element: XmlElement { child: <previous> } }
            let mut el = vec![0x2a];
            push_len(&mut el, deep.len());
            el.extend_from_slice(&deep);
            let mut node = vec![0x0a];
            push_len(&mut node, el.len());
            node.extend_from_slice(&el);
            deep = node;
        }
        assert!(decode_proto(&deep).unwrap_err().contains("nest deeper"));
        assert!(decode_proto(b"").is_err());
    }

    fn push_len(out: &mut Vec<u8>, mut n: usize) {
        loop {
            let b = (n & 0x7F) as u8;
            n >>= 7;
            if n == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
}
