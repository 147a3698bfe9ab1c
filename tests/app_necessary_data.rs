//! `data/app-necessary.json`, the necessary-PI table of the 2021 Provisions (Art. 5) that
//! `cn-app-necessary` reads, has the shape the rule and its docs rely on: the 39 types in the
//! Provisions' order under the keys rules.md gives, every item mapped to categories the built-in
//! taxonomy knows, and exactly the 13 types that need no personal information left without items.

use serde_json::Value;

/// The `app_type` keys and Chinese names of rules.md ("Necessary PI of common app types"), in the
/// order of Art. 5 of the Provisions.
const TYPES: [(&str, &str); 39] = [
    ("map-navigation", "地图导航"),
    ("ride-hailing", "网络约车"),
    ("instant-messaging", "即时通信"),
    ("online-community", "网络社区"),
    ("online-payment", "网络支付"),
    ("online-shopping", "网上购物"),
    ("food-delivery", "餐饮外卖"),
    ("postal-express", "邮件快件寄递"),
    ("transport-ticketing", "交通票务"),
    ("dating", "婚恋相亲"),
    ("job-recruitment", "求职招聘"),
    ("online-lending", "网络借贷"),
    ("housing", "房屋租售"),
    ("used-cars", "二手车交易"),
    ("medical-consultation", "问诊挂号"),
    ("travel", "旅游服务"),
    ("hotel", "酒店服务"),
    ("online-games", "网络游戏"),
    ("education", "学习教育"),
    ("local-services", "本地生活"),
    ("womens-health", "女性健康"),
    ("car-services", "用车服务"),
    ("investment", "投资理财"),
    ("mobile-banking", "手机银行"),
    ("email-cloud-storage", "邮箱云盘"),
    ("online-meetings", "远程会议"),
    ("live-streaming", "网络直播"),
    ("audio-video", "在线影音"),
    ("short-video", "短视频"),
    ("news", "新闻资讯"),
    ("fitness", "运动健身"),
    ("browser", "浏览器"),
    ("input-method", "输入法"),
    ("security-management", "安全管理"),
    ("e-books", "电子图书"),
    ("photo-beauty", "拍摄美化"),
    ("app-store", "应用商店"),
    ("utilities", "实用工具"),
    ("performance-ticketing", "演出票务"),
];

/// The types of which the Provisions say 无须个人信息，即可使用基本功能服务.
const NO_PI: [&str; 13] = [
    "womens-health",
    "live-streaming",
    "audio-video",
    "short-video",
    "news",
    "fitness",
    "browser",
    "input-method",
    "security-management",
    "e-books",
    "photo-beauty",
    "app-store",
    "utilities",
];

fn table() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/app-necessary.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON: {e}"))
}

fn types(table: &Value) -> &Vec<Value> {
    table["types"].as_array().expect("`types` is an array")
}

fn text<'a>(v: &'a Value, what: &str) -> &'a str {
    v.as_str().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| panic!("{what}: not a non-empty string: {v}"))
}

#[test]
fn the_source_is_named() {
    let table = table();
    let source = &table["source"];
    assert_eq!(text(&source["title"]["zh"], "source.title.zh"), "常见类型移动互联网应用程序必要个人信息范围规定");
    assert_eq!(text(&source["document_number"], "source.document_number"), "国信办秘字〔2021〕14号");
    assert_eq!(text(&source["issued"], "source.issued"), "2021-03-12");
    assert_eq!(text(&source["in_force"], "source.in_force"), "2021-05-01");
}

#[test]
fn the_39_types_in_the_provisions_order_under_the_keys_of_rules_md() {
    let table = table();
    let found: Vec<(&str, &str)> =
        types(&table).iter().map(|t| (text(&t["key"], "key"), text(&t["name"]["zh"], "name.zh"))).collect();
    let mut keys: Vec<&str> = found.iter().map(|(k, _)| *k).collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), found.len(), "duplicate keys");
    assert_eq!(found, TYPES);
    for (i, t) in types(&table).iter().enumerate() {
        assert_eq!(t["number"].as_u64(), Some(i as u64 + 1), "{}: number", t["key"]);
        text(&t["name"]["en"], "name.en");
        text(&t["basic_function"]["zh"], "basic_function.zh");
        text(&t["basic_function"]["en"], "basic_function.en");
    }
}

#[test]
fn every_category_is_a_taxonomy_key() {
    let table = table();
    let mut unknown = Vec::new();
    for t in types(&table) {
        let key = text(&t["key"], "key");
        for item in t["items"].as_array().expect("`items` is an array") {
            let wording = text(&item["zh"], "item zh");
            let categories = item["categories"].as_array().unwrap_or_else(|| panic!("{key}: {wording}: no categories"));
            assert!(!categories.is_empty(), "{key}: {wording}: no categories");
            for c in categories {
                let c = text(c, "category");
                if piflow::model::taxonomy::category(c).is_none() {
                    unknown.push(format!("{key}: {wording}: {c}"));
                }
            }
            for optional in ["condition", "judgement"] {
                if let Some(v) = item.get(optional) {
                    text(v, optional);
                }
            }
            let allowed = ["zh", "categories", "condition", "judgement"];
            for field in item.as_object().unwrap().keys() {
                assert!(allowed.contains(&field.as_str()), "{key}: {wording}: unknown field `{field}`");
            }
        }
    }
    assert!(unknown.is_empty(), "categories the taxonomy does not know:\n{}", unknown.join("\n"));
}

#[test]
fn exactly_the_13_types_without_necessary_pi_have_no_items() {
    let table = table();
    let empty: Vec<&str> = types(&table)
        .iter()
        .filter(|t| t["items"].as_array().is_some_and(|items| items.is_empty()))
        .map(|t| text(&t["key"], "key"))
        .collect();
    assert_eq!(empty, NO_PI);
}

#[test]
fn items_quote_the_provisions_not_a_paraphrase() {
    // A few items checked word for word against the official text, including the ones rules.md
    // singles out (the sub-service limits and the IM contact list).
    let table = table();
    let items = |key: &str| -> Vec<Value> {
        let t = types(&table).iter().find(|t| t["key"] == key).unwrap_or_else(|| panic!("no type {key}"));
        t["items"].as_array().unwrap().clone()
    };
    let ride = items("ride-hailing");
    assert_eq!(ride[2]["zh"], "支付时间、支付金额、支付渠道等支付信息（网络预约出租汽车服务）");
    assert_eq!(ride[2]["categories"], serde_json::json!(["financial.payment"]));
    assert!(ride[2]["condition"].is_string());
    let im = items("instant-messaging");
    assert_eq!(im[1]["zh"], "账号信息：账号、即时通信联系人账号列表");
    let im_categories = im[1]["categories"].as_array().unwrap();
    assert!(im_categories.contains(&Value::from("account.id")));
    assert!(
        !im_categories.contains(&Value::from("communication.contacts")),
        "the IM contact list is not the address book"
    );
    let cars = items("car-services");
    assert_eq!(cars[3]["zh"], "使用共享单车、分时租赁汽车服务用户的位置信息");
    assert!(cars[3]["condition"].is_string());
    assert_eq!(items("map-navigation")[0]["zh"], "位置信息、出发地、到达地");
    // Every type that has items starts with the registered user's phone number, except the
    // ones whose first item names the sender (postal) or the location (navigation).
    for t in types(&table) {
        let Some(first) = t["items"].as_array().and_then(|i| i.first()) else { continue };
        if t["key"] != "map-navigation" && t["key"] != "postal-express" {
            assert_eq!(first["zh"], "注册用户移动电话号码", "{}", t["key"]);
            assert_eq!(first["categories"], serde_json::json!(["contact.phone"]), "{}", t["key"]);
        }
    }
}

#[test]
fn the_users_guide_lists_every_judgement_and_condition() {
    let guide = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/app-necessary.md")).unwrap();
    let table = table();
    let mut missing = Vec::new();
    for t in types(&table) {
        for item in t["items"].as_array().unwrap() {
            if item.get("judgement").is_some() || item.get("condition").is_some() {
                let wording = text(&item["zh"], "item zh");
                if !guide.contains(wording) {
                    missing.push(format!("{}: {wording}", t["key"]));
                }
            }
        }
    }
    assert!(missing.is_empty(), "docs/app-necessary.md does not discuss:\n{}", missing.join("\n"));
}
