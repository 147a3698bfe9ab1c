//! XML manifests: Maven `pom.xml` and Android `AndroidManifest.xml`, read with roxmltree, which
//! keeps each node's position.

use super::MarkerKind;
use super::locate::Text;
use super::walk::{ParseResult, Sink};

const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";

fn parse<'a>(t: &'a Text) -> Result<roxmltree::Document<'a>, (u32, String)> {
    roxmltree::Document::parse(t.text).map_err(|e| (e.pos().row, format!("invalid XML: {e}")))
}

fn line_of(t: &Text, node: roxmltree::Node) -> u32 {
    t.line_of(node.range().start)
}

fn child_text<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.children().find(|c| c.has_tag_name(name)).and_then(|c| c.text()).map(str::trim)
}

/// `pom.xml`: every `<dependency>` outside the `test` scope (including dependencyManagement:
/// a BOM import names the vendor too).
pub fn pom(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = parse(t)?;
    for dep in doc.descendants().filter(|n| n.has_tag_name("dependency")) {
        let (Some(g), Some(a)) = (child_text(dep, "groupId"), child_text(dep, "artifactId")) else {
            return Err((line_of(t, dep), "<dependency> without <groupId> and <artifactId>".into()));
        };
        if child_text(dep, "scope") == Some("test") {
            continue;
        }
        let line =
            dep.children().find(|c| c.has_tag_name("artifactId")).map_or_else(|| line_of(t, dep), |c| line_of(t, c));
        sink.package("maven", &format!("{g}:{a}"), child_text(dep, "version"), t.place(line));
    }
    Ok(())
}

/// `AndroidManifest.xml`: components (activity, service, receiver, provider), `meta-data` keys
/// (where SDKs take their app keys), permissions and the apps it queries (`<queries><package>`).
pub fn manifest(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = parse(t)?;
    for node in doc.descendants().filter(|n| n.is_element()) {
        let kind = match node.tag_name().name() {
            "activity" | "activity-alias" | "service" | "receiver" | "provider" => MarkerKind::Component,
            "meta-data" if node.parent().is_some_and(|p| p.has_tag_name("application")) => MarkerKind::MetaData,
            "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" => MarkerKind::Permission,
            "package" if node.parent().is_some_and(|p| p.has_tag_name("queries")) => MarkerKind::Query,
            _ => continue,
        };
        let Some(name) = node.attribute((ANDROID_NS, "name")) else {
            return Err((line_of(t, node), format!("<{}> without android:name", node.tag_name().name())));
        };
        sink.marker(kind, name, t.place(line_of(t, node)));
    }
    Ok(())
}
