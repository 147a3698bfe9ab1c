//! `piflow notice` and `piflow notice-check`: every `notice-*` code fires on a notice with a known
//! gap and stays silent on a near miss (a synonym, a field named in a table, a recipient named by
//! its Chinese or English name); the generated notice passes its own check (round trip).

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const INV: &str = "tests/fixtures/notice/inventory.json";
const COMPLETE: &str = "tests/fixtures/notice/complete.zh.txt";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("piflow").expect("binary").current_dir(root()).args(args).output().expect("run");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// notice-check a notice file against an inventory: (exit code, findings).
fn check_file(notice: &Path, inv: &str) -> (i32, Vec<Value>) {
    let (code, out, err) =
        run(&["notice-check", notice.to_str().expect("utf-8"), inv, "--format", "json", "--as-of", "2026-11-23"]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}\n{err}"));
    (code, report["findings"].as_array().expect("findings").clone())
}

/// notice-check a notice given as text (written to a temp file with this extension).
fn check_text(text: &str, ext: &str, inv: &str) -> Vec<Value> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(format!("notice.{ext}"));
    std::fs::write(&path, text).expect("write");
    check_file(&path, inv).1
}

fn complete() -> String {
    std::fs::read_to_string(root().join(COMPLETE)).expect("fixture")
}

fn hits<'a>(findings: &'a [Value], code: &str) -> Vec<&'a Value> {
    findings.iter().filter(|f| f["code"] == code).collect()
}

fn targets(findings: &[Value], code: &str) -> Vec<String> {
    hits(findings, code).iter().map(|f| f["target"].as_str().unwrap_or("").to_owned()).collect()
}

/// The fixture inventory with one change, written to a temp dir that lives as long as the guard.
fn inventory_with(edit: impl FnOnce(&mut Value)) -> (tempfile::TempDir, String) {
    let mut inv: Value = serde_json::from_str(&std::fs::read_to_string(root().join(INV)).expect("read")).expect("json");
    edit(&mut inv);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string_pretty(&inv).expect("json")).expect("write");
    let shown = path.to_str().expect("utf-8").to_owned();
    (dir, shown)
}

#[test]
fn complete_notice_has_no_finding() {
    let (code, findings) = check_file(&root().join(COMPLETE), INV);
    assert_eq!(findings, Vec::<Value>::new());
    assert_eq!(code, 0);
}

/// Every inventory the project ships: the notice fixture, the report fixtures and the five seeds.
fn all_inventories() -> Vec<String> {
    let mut invs = vec![
        INV.to_owned(),
        "tests/fixtures/report-basic/inventory.json".to_owned(),
        "tests/fixtures/injection/inventory.json".to_owned(),
    ];
    let mut seeds: Vec<String> = std::fs::read_dir(root().join("inventory"))
        .expect("inventory/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| format!("inventory/{}", e.file_name().to_string_lossy()))
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 5, "{seeds:?}");
    invs.extend(seeds);
    invs
}

#[test]
fn generated_notice_round_trips_in_both_languages_and_formats() {
    for inv in all_inventories() {
        for lang in ["zh", "en"] {
            for format in ["md", "html"] {
                let dir = tempfile::tempdir().expect("tempdir");
                let out = dir.path().join(format!("notice.{format}"));
                let (code, _, err) =
                    run(&["notice", &inv, "--lang", lang, "--format", format, "-o", out.to_str().expect("utf-8")]);
                assert_eq!(code, 0, "{inv}: {err}");
                let (code, findings) = check_file(&out, &inv);
                assert_eq!(findings, Vec::<Value>::new(), "{inv} {lang} {format}");
                assert_eq!(code, 0);
            }
        }
    }
}

/// The numbers of a notice's `## ` headings, in order.
fn section_numbers(md: &str, zh: bool) -> Vec<usize> {
    const ZH: [&str; 12] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"];
    md.lines()
        .filter_map(|l| l.strip_prefix("## "))
        .map(|h| {
            if zh {
                let n = h.split('、').next().unwrap_or("");
                ZH.iter().position(|z| *z == n).map(|i| i + 1).unwrap_or(0)
            } else {
                h.split('.').next().and_then(|n| n.parse().ok()).unwrap_or(0)
            }
        })
        .collect()
}

#[test]
fn generated_notice_has_every_art17_section_numbered_without_gaps() {
    for inv in all_inventories() {
        for (lang, zh) in [("zh", true), ("en", false)] {
            let (code, md, err) = run(&["notice", &inv, "--lang", lang]);
            assert_eq!(code, 0, "{err}");
            let numbers = section_numbers(&md, zh);
            assert_eq!(numbers, (1..=numbers.len()).collect::<Vec<_>>(), "{inv} {lang}:\n{md}");
            let needed: &[&str] = if zh {
                &["个人信息处理者", "我们收集的个人信息及处理目的", "您的权利及行使方式", "投诉与举报", "本政策的变更"]
            } else {
                &[
                    "Who handles",
                    "What we collect",
                    "Your rights and how to exercise them",
                    "Complaints",
                    "Changes to this notice",
                ]
            };
            for s in needed {
                assert!(md.lines().any(|l| l.starts_with("## ") && l.contains(s)), "{inv} {lang}: no section {s}");
            }
        }
    }
}

#[test]
fn foreign_recipient_column_never_holds_our_own_contact() {
    // kunjicloud sends data to Google; the company's contact must not stand in for Google's.
    let (_, md, _) = run(&["notice", "inventory/kunjicloud", "--lang", "en"]);
    let abroad = md.split("Transfers abroad").nth(1).expect("a transfers section").split("\n## ").next().unwrap();
    let rows: Vec<&str> = abroad.lines().filter(|l| l.starts_with("| 谷歌")).collect();
    assert_eq!(rows.len(), 1, "{abroad}");
    // The organization's contact names its website; Google's row says its contact is not stated.
    assert!(!rows[0].contains("kunjicloud.com") && rows[0].contains("not stated"), "{}", rows[0]);
}

#[test]
fn generated_html_escapes_inventory_names() {
    let (code, out, _) = run(&["notice", INV, "--lang", "zh", "--format", "html"]);
    assert_eq!(code, 0);
    assert!(out.contains("云片短信 &lt;script&gt;"), "{out}");
    assert!(!out.contains("<script>"));
    let (_, md, _) = run(&["notice", INV, "--lang", "en"]);
    assert!(md.contains("云片短信 \\<script\\>"), "{md}");
}

#[test]
fn generated_notice_snapshot() {
    let (_, zh, _) = run(&["notice", INV, "--lang", "zh"]);
    insta::assert_snapshot!("notice_zh_md", zh);
    let (_, en, _) = run(&["notice", INV, "--lang", "en", "--format", "html"]);
    insta::assert_snapshot!("notice_en_html", en);
}

#[test]
fn field_unmentioned_fires_and_synonyms_are_near_misses() {
    let text = complete().replace("我们的 SDK 读取匿名设备标识符。", "我们统计使用情况。");
    assert_eq!(targets(&check_text(&text, "txt", INV), "notice-field-unmentioned"), ["oaid"]);
    // 手机号 for `手机号码`, GPS for a precise location, 匿名设备标识符 for OAID: no finding.
    assert!(hits(&check_text(&complete(), "txt", INV), "notice-field-unmentioned").is_empty());
    let en = complete().replace("手机号", "mobile number");
    assert!(hits(&check_text(&en, "txt", INV), "notice-field-unmentioned").is_empty());
}

#[test]
fn field_named_in_an_html_table_counts_and_lines_point_into_the_html() {
    let (code, findings) = check_file(&root().join("tests/fixtures/notice/gaps.en.html"), INV);
    assert_eq!(code, 1);
    // Mobile number, ID card number and GPS location are only in table cells.
    assert_eq!(targets(&findings, "notice-field-unmentioned"), ["oaid"]);
    let extra = hits(&findings, "notice-field-extra");
    assert_eq!(extra.len(), 1);
    assert_eq!(extra[0]["target"], "identity.passport");
    assert_eq!(extra[0]["location"]["line"], 14);
    assert_eq!(extra[0]["location"]["file"], "tests/fixtures/notice/gaps.en.html");
    let stays = hits(&findings, "notice-cross-border-undisclosed");
    assert_eq!(stays[0]["location"]["line"], 18);
    assert_eq!(targets(&findings, "notice-sensitive-no-statement"), ["id-card"]);
    assert_eq!(targets(&findings, "notice-sdk-unnamed"), ["umeng-sdk"]);
    assert_eq!(targets(&findings, "notice-retention-missing"), ["acme"]);
    assert_eq!(targets(&findings, "notice-children-missing"), ["kids"]);
    // Tencent named only as 腾讯云计算, MapCo without "Inc.": named.
    assert!(hits(&findings, "notice-recipient-unnamed").is_empty());
}

#[test]
fn field_extra_fires_on_a_claim_not_on_a_negation_or_a_permission() {
    let claim = format!("{}\n六、其他\n我们会收集您的护照信息。\n", complete());
    let f = check_text(&claim, "txt", INV);
    assert_eq!(targets(&f, "notice-field-extra"), ["identity.passport"]);
    assert_eq!(hits(&f, "notice-field-extra")[0]["location"]["line"], 23);
    let negated = format!("{}\n六、其他\n我们不会收集您的护照信息。开启通讯录权限后我们收集 OAID。\n", complete());
    assert!(hits(&check_text(&negated, "txt", INV), "notice-field-extra").is_empty());
}

#[test]
fn recipient_unnamed_fires_and_chinese_or_english_names_are_near_misses() {
    let text = complete().replace("向 Tencent Cloud 提供", "向合作方提供");
    assert_eq!(targets(&check_text(&text, "txt", INV), "notice-recipient-unnamed"), ["tencent"]);
    let zh = complete().replace("Tencent Cloud", "腾讯云计算（北京）有限责任公司");
    assert!(hits(&check_text(&zh, "txt", INV), "notice-recipient-unnamed").is_empty());
}

#[test]
fn sdk_unnamed_fires_and_vendor_or_package_names_are_near_misses() {
    let text = complete().replace("我们的应用集成友盟+统计SDK。", "");
    assert_eq!(targets(&check_text(&text, "txt", INV), "notice-sdk-unnamed"), ["umeng-sdk"]);
    let vendor = complete().replace("友盟+统计SDK", "友盟同欣科技提供的统计工具");
    assert!(hits(&check_text(&vendor, "txt", INV), "notice-sdk-unnamed").is_empty());
    let package = complete().replace("友盟+统计SDK", "com.umeng.umsdk");
    assert!(hits(&check_text(&package, "txt", INV), "notice-sdk-unnamed").is_empty());
}

#[test]
fn cross_border_undisclosed_fires_on_a_stays_in_china_claim_and_a_conditional_promise() {
    let text = complete()
        .replace(
            "我们将位置信息提供给位于美国的 MapCo 用于地图服务",
            "您的信息存储在中华人民共和国境内。如需跨境传输，我们将另行征得您的同意",
        )
        .replace("您可以通过 dpo@mapco.example 向其行使权利。", "MapCo 提供地图服务。");
    let f = check_text(&text, "txt", INV);
    assert_eq!(targets(&f, "notice-cross-border-undisclosed"), ["maps"]);
    assert_eq!(hits(&f, "notice-cross-border-undisclosed")[0]["location"]["line"], 14);
    // Naming the destination country in a transfer sentence discloses it (the complete notice).
    assert!(hits(&check_text(&complete(), "txt", INV), "notice-cross-border-undisclosed").is_empty());
}

#[test]
fn cross_border_extra_fires_on_an_announced_transfer_only() {
    let (_dir, inv) = inventory_with(|v| {
        v["flows"].as_array_mut().expect("flows").retain(|f| f["id"] != "maps");
        v["mechanisms"] = serde_json::json!([]);
    });
    let text =
        complete().replace("我们将位置信息提供给位于美国的 MapCo 用于地图服务", "我们会将您的位置信息传输至境外服务器");
    let f = check_text(&text, "txt", &inv);
    assert_eq!(targets(&f, "notice-cross-border-extra"), ["acme"]);
    let conditional = complete()
        .replace("我们将位置信息提供给位于美国的 MapCo 用于地图服务", "如需向境外传输您的信息，我们会单独征得您的同意");
    assert!(hits(&check_text(&conditional, "txt", &inv), "notice-cross-border-extra").is_empty());
}

#[test]
fn sensitive_statement_must_stand_in_the_paragraph_naming_the_field() {
    let text = complete().replace("身份证号码属于敏感个人信息，仅在实名认证时必要，我们会征得您的单独同意。", "");
    let f = check_text(&text, "txt", INV);
    assert_eq!(targets(&f, "notice-sensitive-no-statement"), ["id-card"]);
    assert_eq!(hits(&f, "notice-sensitive-no-statement")[0]["location"]["line"], 8);
}

#[test]
fn retention_handler_and_children() {
    let text = complete().replace("四、保存期限\n我们在账户存续期间保存您的手机号，注销后 30 日内删除。\n", "");
    assert_eq!(targets(&check_text(&text, "txt", INV), "notice-retention-missing"), ["acme"]);
    let text = complete()
        .replace("艾克米科技有限公司，联系邮箱：privacy@acme.example。", "")
        .replace("艾克米科技有限公司隐私政策", "隐私政策");
    assert_eq!(targets(&check_text(&text, "txt", INV), "notice-handler-identity"), ["acme"]);
    // The e-mail alone reaches the handler but does not name it.
    let mail_only = complete().replace("艾克米科技有限公司", "艾克米");
    let f = check_text(&mail_only, "txt", INV);
    assert_eq!(hits(&f, "notice-handler-identity")[0]["data"]["missing"].as_array().map(Vec::len), Some(1));
    let text = complete().replace("五、儿童\n不满十四周岁的儿童须在监护人同意后使用本服务。", "");
    assert_eq!(targets(&check_text(&text, "txt", INV), "notice-children-missing"), ["kids"]);
    let minors = complete().replace("不满十四周岁的儿童须在监护人同意后使用本服务。", "未成年人使用前请告知父母。");
    assert!(hits(&check_text(&minors, "txt", INV), "notice-children-missing").is_empty());
}

#[test]
fn markdown_notices_are_read_without_markup() {
    let md =
        "# 艾克米科技有限公司\n\n联系 privacy\\@acme.example\n\n| 信息 | 用途 |\n|---|---|\n| **手机号** | 登录 |\n";
    let f = check_text(md, "md", INV);
    assert!(!targets(&f, "notice-field-unmentioned").contains(&"phone".to_owned()));
    assert!(hits(&f, "notice-handler-identity").is_empty());
}

#[test]
fn bad_notice_input_exits_2_naming_the_file() {
    let (code, _, err) = run(&["notice-check", "tests/fixtures/notice/missing.txt", INV]);
    assert_eq!(code, 2);
    assert!(err.contains("tests/fixtures/notice/missing.txt"), "{err}");
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = dir.path().join("notice.pdf");
    std::fs::write(&pdf, "x").expect("write");
    let (code, _, err) = run(&["notice-check", pdf.to_str().expect("utf-8"), INV]);
    assert_eq!(code, 2);
    assert!(err.contains(".txt, .md or .html"), "{err}");
    let gbk = dir.path().join("gbk.txt");
    std::fs::write(&gbk, [0xc4u8, 0xe3, 0xba, 0xc3, 0xff]).expect("write");
    let (code, _, err) = run(&["notice-check", gbk.to_str().expect("utf-8"), INV]);
    assert_eq!(code, 2);
    assert!(err.contains("not UTF-8"), "{err}");
}

#[test]
fn explain_knows_every_notice_code() {
    for code in [
        "notice-children-missing",
        "notice-cross-border-extra",
        "notice-cross-border-undisclosed",
        "notice-field-extra",
        "notice-field-unmentioned",
        "notice-handler-identity",
        "notice-recipient-unnamed",
        "notice-retention-missing",
        "notice-sdk-unnamed",
        "notice-sensitive-no-statement",
    ] {
        let (status, out, err) = run(&["explain", code]);
        assert_eq!(status, 0, "{code}: {err}");
        assert!(out.contains("Fix:"), "{out}");
    }
}

#[test]
fn sarif_output_carries_notice_lines() {
    let (code, out, _) =
        run(&["notice-check", "tests/fixtures/notice/gaps.en.html", INV, "--format", "sarif", "--as-of", "2026-11-23"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).expect("sarif json");
    let results = v["runs"][0]["results"].as_array().expect("results");
    assert!(
        results.iter().any(|r| r["ruleId"] == "notice-field-extra"
            && r["locations"][0]["physicalLocation"]["region"]["startLine"] == 14)
    );
}

/// A data term inside a word that names a right or a setting is not that datum: 肖像权 is the
/// right to one's likeness, not a collected portrait; 位置设定 is a setting. The near miss — the
/// datum itself in a collecting sentence — still counts.
#[test]
fn data_terms_inside_rights_and_settings_are_not_data() {
    // As an app policy words it: a clause on rights that also speaks of collecting.
    let right =
        format!("{}\n六、其他\n我们尊重并保护您的肖像权、名誉权，并仅收集为处理投诉所必需的材料。\n", complete());
    assert!(hits(&check_text(&right, "txt", INV), "notice-field-extra").is_empty(), "肖像权 is a right");
    let datum = format!("{}\n六、其他\n我们会收集您上传的肖像照片。\n", complete());
    assert_eq!(targets(&check_text(&datum, "txt", INV), "notice-field-extra"), ["identity.photo"]);

    // A field the notice names only inside a right is not named.
    let (_dir, inv) = inventory_with(|v| {
        v["fields"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "avatar", "name": "用户形象", "category": "identity.photo"}));
        v["flows"].as_array_mut().unwrap().push(
            serde_json::json!({"id": "collect-avatar", "from": "users", "to": "app", "fields": ["avatar"], "purpose": "login"}),
        );
    });
    let only_right = format!("{}\n六、其他\n我们尊重您的肖像权。\n", complete());
    assert_eq!(targets(&check_text(&only_right, "txt", &inv), "notice-field-unmentioned"), ["avatar"]);
    let named = format!("{}\n六、其他\n登录时我们收集您的肖像。\n", complete());
    assert!(hits(&check_text(&named, "txt", &inv), "notice-field-unmentioned").is_empty());

    // A setting is not a datum either: with no location field, 位置设定 claims nothing.
    let (_dir2, no_gps) = inventory_with(|v| {
        v["flows"].as_array_mut().unwrap().retain(|f| !f["fields"].as_array().unwrap().iter().any(|x| x == "gps"));
    });
    // (Line 9's GPS is then a claim of its own; the setting on line 23 is not.)
    let setting = format!("{}\n六、其他\n您可以在系统的位置设定中查看定位状态，我们据此获取。\n", complete());
    let f = check_text(&setting, "txt", &no_gps);
    let lines: Vec<&Value> =
        hits(&f, "notice-field-extra").iter().flat_map(|f| f["data"]["lines"].as_array().unwrap()).collect();
    assert!(!lines.is_empty() && !lines.iter().any(|l| **l == 23), "a setting is not a location: {lines:?}");
}

/// Wi-Fi SSID/BSSID and the other device and network identifiers SDK notices list (IMSI, ICCID,
/// the carrier) are data: a notice that says an SDK collects them claims a collection.
#[test]
fn wifi_and_network_identifiers_are_collected_data() {
    let sdk = format!(
        "{}\n六、第三方SDK\n友盟+统计SDK会收集您的设备信息，包括 Wi-Fi 信息（SSID、BSSID）、IMSI 和运营商信息。\n",
        complete()
    );
    let f = check_text(&sdk, "txt", INV);
    let extra = targets(&f, "notice-field-extra");
    assert!(extra.contains(&"device.mac".to_owned()), "{extra:?}");
    // The inventory has device identifiers (OAID): IMSI is of the same family, no claim.
    assert!(!extra.contains(&"device.id".to_owned()), "{extra:?}");
    assert!(extra.contains(&"device.model".to_owned()), "the carrier is device information: {extra:?}");
    // The same words in a Wi-Fi-only sentence that collects nothing: no claim.
    let download = format!("{}\n六、其他\n建议您在 Wi-Fi 环境下更新应用。\n", complete());
    assert!(hits(&check_text(&download, "txt", INV), "notice-field-extra").is_empty());
    // An inventory that declares the Wi-Fi data: named, no claim.
    let (_dir, inv) = inventory_with(|v| {
        v["fields"]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!({"id": "wifi", "name": "Wi-Fi 信息", "category": "device.mac"}));
        v["sdks"][0]["fields"].as_array_mut().unwrap().push("wifi".into());
    });
    assert!(!targets(&check_text(&sdk, "txt", &inv), "notice-field-extra").contains(&"device.mac".to_owned()));
}

/// Two legal entities of one brand are two recipients: a party named as one entity is not
/// named by a notice that names the other, in Chinese or English. The brand alone still names
/// it, and so does the entity written without its place in parentheses.
#[test]
fn different_entities_of_one_vendor_are_different_recipients() {
    let other_zh = complete().replace("Tencent Cloud", "腾讯云计算（深圳）有限责任公司");
    let (_dir, zh_only) = inventory_with(|v| v["parties"][1]["name"] = "腾讯云计算（北京）有限责任公司".into());
    assert_eq!(targets(&check_text(&other_zh, "txt", &zh_only), "notice-recipient-unnamed"), ["tencent"]);
    for same in
        ["腾讯云计算（北京）有限责任公司", "腾讯云计算(北京)有限责任公司", "腾讯云计算有限责任公司", "腾讯云计算"]
    {
        let text = complete().replace("Tencent Cloud", same);
        assert!(hits(&check_text(&text, "txt", &zh_only), "notice-recipient-unnamed").is_empty(), "{same}");
    }

    let (_dir2, en) = inventory_with(|v| v["parties"][3]["name"] = "MapCo LLC".into());
    let other_en = complete().replace("MapCo", "MapCo Ireland Limited").replace("dpo@mapco.example", "dpo@example.ie");
    assert_eq!(targets(&check_text(&other_en, "txt", &en), "notice-recipient-unnamed"), ["maps-us"]);
    let same_en = complete().replace("MapCo", "MapCo LLC");
    assert!(hits(&check_text(&same_en, "txt", &en), "notice-recipient-unnamed").is_empty());
    // The brand in a sentence that goes on to name someone else is still the brand.
    let brand = complete().replace("MapCo", "MapCo，并委托某某有限公司");
    assert!(hits(&check_text(&brand, "txt", &en), "notice-recipient-unnamed").is_empty());
}

/// A finding points at the matched words, line and column, in a text notice and in an HTML one
/// (where the text is rebuilt from markup).
#[test]
fn findings_point_at_the_real_column() {
    let claim = format!("{}\n六、其他\n此外，我们会收集您的护照信息。\n", complete());
    let f = check_text(&claim, "txt", INV);
    let extra = hits(&f, "notice-field-extra");
    assert_eq!(extra.len(), 1);
    let (_, human, _) = {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("n.txt");
        std::fs::write(&path, &claim).unwrap();
        run(&["notice-check", path.to_str().unwrap(), INV, "--as-of", "2026-11-23", "--color", "never"])
    };
    // 此外，我们会收集您的 = 10 characters before 护照 on line 23.
    assert!(human.contains("n.txt:23:11"), "{human}");

    let (_, human, _) =
        run(&["notice-check", "tests/fixtures/notice/gaps.en.html", INV, "--as-of", "2026-11-23", "--color", "never"]);
    // `<p>We also collect your passport details…` on line 14: "passport" starts at column 25.
    assert!(human.contains("gaps.en.html:14:25"), "{human}");
}

/// On the five real policies: every finding that points into the notice points at the words it
/// is about (a claimed term starts at its line and column), and a sentence in the way app
/// policies list what an SDK collects (Wi-Fi SSID/BSSID) is read as a claim on every seed whose
/// inventory does not declare Wi-Fi data, and never as one where it does.
#[test]
fn seed_policies_findings_point_at_their_words() {
    use piflow::graph::FlowGraph;
    use piflow::load::{self, LoadOptions};
    use piflow::notice::text::{Format, Notice};
    let opts = LoadOptions { rule_codes: piflow::rules::codes(), release_text: false, ..LoadOptions::default() };
    let as_of: piflow::model::Date = "2026-11-23".parse().expect("date");
    let mut claims = 0;
    for seed in ["kunjicloud", "onewo", "xunzhong", "zmyun", "zstack"] {
        let loaded = load::load(&root().join("inventory").join(seed), &opts).unwrap_or_else(|_| panic!("{seed} loads"));
        let graph = FlowGraph::build(&loaded.inventory);
        let policy = std::fs::read_to_string(root().join(format!("tests/fixtures/notice/seeds/{seed}.txt"))).unwrap();
        let sdk_line = "第三方SDK在您使用时会收集您的 Wi-Fi 信息（SSID、BSSID）。";
        let text = format!("{policy}\n{sdk_line}\n");
        let notice = Notice::parse(format!("{seed}.txt"), text.clone(), Format::Text);
        let findings = piflow::notice::check::check(&graph, &notice, 99, as_of);
        let lines: Vec<&str> = text.split('\n').collect();
        for f in findings.iter().filter(|f| f.location.file == 99) {
            let line = lines[f.location.line as usize - 1];
            let from: String = line.chars().skip(f.location.col as usize - 1).collect();
            let at_offset = &text[f.location.offset as usize..];
            assert!(
                at_offset.starts_with(&from[..from.len().min(at_offset.len())]),
                "{seed} {}: offset and column disagree",
                f.code
            );
            if let Some(term) = f.data.get("term").and_then(|t| t.as_str()) {
                let norm = piflow::notice::text::normalize(&from).0;
                assert!(norm.starts_with(term), "{seed} {} points at {from:?}, not at `{term}`", f.code);
            }
        }
        let declares_wifi = loaded.inventory.fields.iter().any(|f| f.category == "device.mac");
        let wifi = findings.iter().any(|f| f.code == "notice-field-extra" && &*f.target == "device.mac");
        assert_eq!(wifi, !declares_wifi, "{seed}");
        claims += usize::from(wifi);
    }
    assert!(claims >= 4, "{claims}");
}

/// The handler, too, is named only as itself: a sibling entity of its group is another handler.
#[test]
fn handler_named_as_another_entity_of_its_group_is_not_named() {
    let (_dir, inv) = inventory_with(|v| v["organization"]["name"] = "艾克米科技（北京）有限公司".into());
    let sibling = complete().replace("艾克米科技有限公司", "艾克米科技（上海）有限公司");
    assert_eq!(targets(&check_text(&sibling, "txt", &inv), "notice-handler-identity"), ["acme"]);
    let same = complete().replace("艾克米科技有限公司", "艾克米科技（北京）有限公司");
    assert!(hits(&check_text(&same, "txt", &inv), "notice-handler-identity").is_empty());
}

/// A real app's policy and SDK list (佳麦, trimmed; see tests/fixtures/notice/jiamai/README.md)
/// against an inventory that differs from it in known ways: exactly the hand-checked findings,
/// at the words they are about. SDK-table cells count as collected under a column headed 收集…;
/// the same cells under a header that says nothing of collecting claim nothing.
#[test]
fn real_app_policy_with_an_sdk_table() {
    const POLICY: &str = "tests/fixtures/notice/jiamai/policy.html";
    const JIAMAI: &str = "tests/fixtures/notice/jiamai/inventory.json";
    let (code, findings) = check_file(&root().join(POLICY), JIAMAI);
    assert_eq!(code, 1);
    let mut got: Vec<(String, String, u64)> = findings
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_owned(),
                f["target"].as_str().unwrap().to_owned(),
                f["location"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    got.sort();
    let expect = [
        ("notice-field-extra", "device.mac", 43),
        ("notice-field-extra", "location.precise", 50),
        ("notice-field-unmentioned", "contacts", 20),
        ("notice-recipient-unnamed", "tencent-bj", 30),
        ("notice-recipient-unnamed", "tenpay", 28),
        ("notice-sdk-unnamed", "umeng-sdk", 51),
        ("notice-sensitive-no-statement", "order", 15),
        ("notice-sensitive-no-statement", "password", 10),
    ];
    let expect: Vec<(String, String, u64)> =
        expect.iter().map(|(c, t, l)| (c.to_string(), t.to_string(), *l)).collect();
    assert_eq!(got, expect);
    let term = |target: &str| {
        hits(&findings, "notice-field-extra").iter().find(|f| f["target"] == target).unwrap()["data"]["term"].clone()
    };
    assert_eq!(term("device.mac"), "ssid");
    assert_eq!(term("location.precise"), "位置信息");
    // Each finding in the policy points at its words, to the column.
    let (_, human, _) = run(&["notice-check", POLICY, JIAMAI, "--as-of", "2026-11-23", "--color", "never"]);
    for at in ["policy.html:43:21", "policy.html:50:70", "policy.html:10:25", "policy.html:15:135"] {
        assert!(human.contains(at), "{at} missing:\n{human}");
    }

    // Near miss: the same table whose column header does not say the data is collected.
    let policy = std::fs::read_to_string(root().join(POLICY)).unwrap();
    let unheaded = policy.replace("<th>收集个人信息</th>", "<th>个人信息类型</th>");
    assert_ne!(unheaded, policy);
    let f = check_text(&unheaded, "html", JIAMAI);
    assert!(hits(&f, "notice-field-extra").is_empty(), "{:?}", targets(&f, "notice-field-extra"));
    // And the inventory that declares Wi-Fi data and a location is not told they are extra.
    let (_dir, declared) = {
        let mut inv: Value = serde_json::from_str(&std::fs::read_to_string(root().join(JIAMAI)).unwrap()).unwrap();
        inv["fields"].as_array_mut().unwrap().extend([
            serde_json::json!({"id": "wifi", "name": "Wi-Fi 信息", "category": "device.mac"}),
            serde_json::json!({"id": "loc", "name": "位置信息", "category": "location.precise"}),
        ]);
        inv["sdks"][0]["fields"].as_array_mut().unwrap().push("wifi".into());
        inv["sdks"][1]["fields"].as_array_mut().unwrap().push("loc".into());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("inv.json");
        std::fs::write(&path, inv.to_string()).unwrap();
        let shown = path.to_str().unwrap().to_owned();
        (dir, shown)
    };
    assert!(hits(&check_file(&root().join(POLICY), &declared).1, "notice-field-extra").is_empty());
}
