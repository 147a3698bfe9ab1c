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

/// The number of numbered points of each type in Art. 5, in the Provisions' order, counted on the
/// second copy the table was compared with (docs/app-necessary.md, "Source"). A point dropped,
/// split or merged in transcription changes a count.
const ITEM_COUNTS: [usize; 39] = [
    1, 3, 2, 1, 2, 3, 3, 4, 4, 2, 2, 2, 2, 3, 3, 3, 2, 1, 1, 1, 0, 4, 3, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3,
];

/// The basic function service (基本功能服务) of each type as the second copy words it.
const BASIC_FUNCTIONS: [&str; 39] = [
    "定位和导航",
    "网络预约出租汽车服务、巡游出租汽车电召服务",
    "提供文字、图片、语音、视频等网络即时通信服务",
    "博客、论坛、社区等话题讨论、信息分享和关注互动",
    "网络支付、提现、转账等功能",
    "购买商品",
    "餐饮购买及外送",
    "信件、包裹、印刷品等物品寄递服务",
    "交通相关的票务服务及行程管理（如票务购买、改签、退票、行程管理等）",
    "婚恋相亲",
    "求职招聘信息交换",
    "通过互联网平台实现的用于消费、日常生产经营周转等的个人申贷服务",
    "个人房源信息发布、房屋出租或买卖",
    "二手车买卖信息交换",
    "在线咨询问诊、预约挂号",
    "旅游服务产品信息的发布与订购",
    "酒店预订",
    "提供网络游戏产品和服务",
    "在线辅导、网络课堂等",
    "家政维修、家居装修、二手闲置物品交易等日常生活服务",
    "女性经期管理、备孕育儿、美容美体等健康管理服务",
    "共享单车、共享汽车、租赁汽车等服务",
    "股票、期货、基金、债券等相关投资理财服务",
    "通过手机等移动智能终端设备进行银行账户管理、信息查询、转账汇款等服务",
    "邮箱、云盘等",
    "通过网络提供音频或视频会议",
    "向公众持续提供实时视频、音频、图文等形式信息浏览服务",
    "影视、音乐搜索和播放",
    "不超过一定时长的视频搜索、播放",
    "新闻资讯的浏览、搜索",
    "运动健身训练",
    "浏览互联网信息资源",
    "文字、符号等输入",
    "查杀病毒、清理恶意插件、修复漏洞等",
    "电子图书搜索、阅读",
    "拍摄、美颜、滤镜等",
    "App搜索、下载",
    "日历、天气、词典翻译、计算器、遥控器、手电筒、指南针、时钟闹钟、文件传输、文件管理、壁纸铃声、截图录屏、录音、文档处理、智能家居助手、星座性格测试等",
    "演出购票",
];

#[test]
fn each_type_has_the_second_copys_basic_function_and_number_of_points() {
    let table = table();
    let mut wrong = Vec::new();
    for (i, t) in types(&table).iter().enumerate() {
        let key = text(&t["key"], "key");
        if t["basic_function"]["zh"] != BASIC_FUNCTIONS[i] {
            wrong.push(format!("{key}: basic function {} ≠ {}", t["basic_function"]["zh"], BASIC_FUNCTIONS[i]));
        }
        let n = t["items"].as_array().map_or(0, Vec::len);
        if n != ITEM_COUNTS[i] {
            wrong.push(format!("{key}: {n} points, the Provisions have {}", ITEM_COUNTS[i]));
        }
    }
    assert_eq!(ITEM_COUNTS.iter().sum::<usize>(), 60);
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn wording_is_in_the_official_full_width_punctuation_without_numbers_or_closing_marks() {
    // The official text uses full-width （）：；，、 throughout; a half-width mark, a kept point
    // number ("1.") or a kept closing ；/。 is a transcription slip (one reprint has "（ETC服务)").
    let table = table();
    let mut slips = Vec::new();
    for t in types(&table) {
        let key = text(&t["key"], "key");
        let mut wordings = vec![text(&t["basic_function"]["zh"], "basic_function.zh")];
        wordings.extend(t["items"].as_array().unwrap().iter().map(|i| text(&i["zh"], "item zh")));
        for w in wordings {
            if w.contains(['(', ')', ':', ';', ',']) {
                slips.push(format!("{key}: half-width punctuation in {w}"));
            }
            if w.matches('（').count() != w.matches('）').count() {
                slips.push(format!("{key}: unbalanced brackets in {w}"));
            }
            if w.ends_with(['；', '。', ';', '.']) || w.starts_with(|c: char| c.is_ascii_digit()) {
                slips.push(format!("{key}: point number or closing mark kept in {w}"));
            }
        }
    }
    assert!(slips.is_empty(), "{}", slips.join("\n"));
}

#[test]
fn words_of_the_provisions_map_to_their_categories() {
    // Wherever the Provisions name a piece of information the taxonomy has a category for, the
    // item carries that category: a mapping slip (a name without identity.name, a bank card
    // without financial.bank-account) fails here whatever type it is in.
    const WORDS: [(&str, &str); 9] = [
        ("姓名", "identity.name"),
        ("证件类型和号码", "identity.national-id"),
        ("银行卡号码", "financial.bank-account"),
        ("支付信息", "financial.payment"),
        ("移动电话号码", "contact.phone"),
        ("联系电话", "contact.phone"),
        ("联系方式", "contact.phone"),
        ("地址", "contact.address"),
        ("位置信息", "location.precise"),
    ];
    let table = table();
    let mut missing = Vec::new();
    for t in types(&table) {
        for item in t["items"].as_array().unwrap() {
            let wording = text(&item["zh"], "item zh");
            let categories = item["categories"].as_array().unwrap();
            for (word, category) in WORDS {
                if wording.contains(word) && !categories.contains(&Value::from(category)) {
                    missing.push(format!("{}: {wording}: {word} without {category}", t["key"]));
                }
            }
            if categories.contains(&Value::from("communication.contacts")) {
                missing.push(format!("{}: {wording}: no type lists the address book", t["key"]));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}
