//! How published notices name each category of the built-in taxonomy, in Chinese and English.
//!
//! Notices never use piflow's category keys: they say 手机号, 联系电话, "mobile number". Each
//! category lists the words that name it. A term written `~term` is *weak*: it counts as naming a
//! field the inventory has (so the field is not reported as unmentioned), but it is too general to
//! prove that the notice claims a collection the inventory lacks (姓名 in "企业名称", "account" in
//! "account settings"). Only strong terms raise `notice-field-extra`. A term written `!term` is
//! strong and *exact*: only a field of its own category covers it, not one of the category's
//! [`family`] (an OAID does not make Wi-Fi BSSIDs declared).
//!
//! Terms are matched after [`super::text::normalize`]: lower case, no spaces next to Chinese
//! characters, and ASCII terms only on word boundaries.

/// The words that name one taxonomy category.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub key: &'static str,
    pub terms: &'static [&'static str],
}

const fn e(key: &'static str, terms: &'static [&'static str]) -> Entry {
    Entry { key, terms }
}

/// One entry per key of [`crate::model::taxonomy::CATEGORIES`], in the same (sorted) order.
pub const LEXICON: &[Entry] = &[
    e("account.credentials", &["密码", "口令", "登录凭证", "账户凭证", "password", "passcode", "login credentials"]),
    e(
        "account.id",
        &[
            "~账号",
            "~账户",
            "~帐号",
            "用户名",
            "会员名",
            "用户标识",
            "用户id",
            "~account",
            "user id",
            "username",
            "user name",
        ],
    ),
    e("account.nickname", &["昵称", "nickname", "display name", "screen name"]),
    e(
        "behaviour.browsing",
        &[
            "浏览记录",
            "网页浏览",
            "浏览历史",
            "搜索记录",
            "搜索历史",
            "browsing history",
            "browsing record",
            "search history",
        ],
    ),
    e(
        "behaviour.purchase",
        &["购买记录", "订单信息", "订单记录", "消费记录", "purchase history", "order history", "order information"],
    ),
    e(
        "behaviour.usage",
        &[
            "使用记录",
            "操作记录",
            "~访问日期",
            "~访问时间",
            "日志信息",
            "网络日志",
            "服务日志",
            "点击记录",
            "usage data",
            "usage information",
            "log data",
            "log information",
            "~access time",
            "~logs",
        ],
    ),
    e(
        "belief.political",
        &["政治观点", "政治倾向", "党派", "political opinion", "political view", "political affiliation"],
    ),
    e("belief.religion", &["宗教信仰", "宗教", "religious belief", "religion"]),
    e(
        "biometric.face",
        &[
            "人脸",
            "面部",
            "面容",
            "刷脸",
            "脸部",
            "facial",
            "face recognition",
            "face data",
            "face image",
            "face scan",
            "faceprint",
        ],
    ),
    e("biometric.fingerprint", &["指纹", "fingerprint"]),
    e("biometric.iris", &["虹膜", "iris"]),
    e("biometric.voice", &["声纹", "语音信息", "录音", "voiceprint", "voice print", "voice recording", "voice data"]),
    e("communication.calendar", &["日历", "日程", "calendar"]),
    e("communication.call-log", &["通话记录", "通话详单", "call log", "call history", "call record"]),
    e(
        "communication.contacts",
        &["通讯录", "联系人列表", "手机联系人", "address book", "contact list", "phone contacts"],
    ),
    e(
        "communication.content",
        &[
            "通信内容",
            "聊天记录",
            "短信内容",
            "邮件内容",
            "消息内容",
            "message content",
            "chat history",
            "communication content",
        ],
    ),
    e(
        "contact.address",
        &[
            "~地址",
            "收货地址",
            "通讯地址",
            "联系地址",
            "邮寄地址",
            "住址",
            "postal address",
            "mailing address",
            "home address",
            "shipping address",
            "~address",
        ],
    ),
    e(
        "contact.email",
        &["电子邮箱", "电子邮件地址", "邮箱地址", "~邮箱", "email address", "e-mail address", "~email", "~e-mail"],
    ),
    e("contact.im", &["qq号", "微信号", "即时通信", "即时通讯", "im account", "wechat id", "instant messaging"]),
    e(
        "contact.phone",
        &[
            "手机号",
            "手机号码",
            "电话号码",
            "联系电话",
            "~联系方式",
            "~电话",
            "~手机",
            "mobile number",
            "phone number",
            "telephone number",
            "mobile phone number",
            "~phone",
            "~contact details",
            "~contact information",
        ],
    ),
    e(
        "criminal.record",
        &["犯罪记录", "违法犯罪", "无犯罪", "criminal record", "criminal conviction", "criminal offence"],
    ),
    e("device.android-id", &["android id", "androidid", "安卓id"]),
    e(
        "device.app-list",
        &["应用列表", "应用安装列表", "已安装应用", "软件列表", "installed apps", "app list", "installed applications"],
    ),
    e(
        "device.id",
        &[
            "设备标识",
            "设备识别码",
            "设备识别号",
            "设备id",
            "设备号",
            "唯一设备",
            "imsi",
            "iccid",
            "sim卡信息",
            "sim卡序列号",
            "硬件序列号",
            "设备序列号",
            "serial number",
            "~序列号",
            "cookie",
            "cookies",
            "device identifier",
            "device id",
            "unique device",
        ],
    ),
    e("device.idfa", &["idfa", "广告标识符", "advertising identifier"]),
    e("device.imei", &["imei", "meid", "国际移动设备识别码"]),
    e("device.ip", &["ip地址", "ip address", "ip"]),
    // Wi-Fi SSID/BSSID: the BSSID is the access point's MAC address, and SDK notices list both
    // with the device's network data (a Wi-Fi access point named for positioning is a location,
    // below). Exact (`!`): a device identifier of another kind does not cover them.
    e(
        "device.mac",
        &[
            "mac地址",
            "mac address",
            "mac",
            "!bssid",
            "!ssid",
            "!wi-fi信息",
            "!wifi信息",
            "!wlan信息",
            "!wi-fi列表",
            "!wifi列表",
            "!wi-fi名称",
            "!wifi名称",
            "!wi-fi状态",
            "!wifi状态",
            "!wi-fi information",
            "!wifi information",
            "~wi-fi",
            "~wifi",
            "~wlan",
        ],
    ),
    e(
        "device.model",
        &[
            "设备型号",
            "设备信息",
            "硬件型号",
            "操作系统",
            "浏览器类型",
            "浏览器的类型",
            "软硬件特征",
            "运营商信息",
            "网络类型",
            "网络状态",
            "~运营商",
            "~浏览器",
            "device model",
            "device information",
            "operating system",
            "browser type",
            "network type",
            "carrier information",
            "~browser",
        ],
    ),
    e("device.oaid", &["oaid", "匿名设备标识符"]),
    e("education.record", &["教育经历", "教育背景", "学历", "毕业院校", "education", "academic record"]),
    e(
        "employment.record",
        &["工作经历", "职业", "职位", "工作单位", "任职", "employment", "job title", "employer", "occupation"],
    ),
    e(
        "financial.bank-account",
        &["银行账户", "银行账号", "银行卡", "开户行", "开户银行", "bank account", "bank card", "iban"],
    ),
    e(
        "financial.credit",
        &[
            "征信",
            "信用信息",
            "信用记录",
            "信用报告",
            "credit report",
            "credit history",
            "credit information",
            "credit score",
        ],
    ),
    e(
        "financial.payment",
        &[
            "支付信息",
            "支付账户",
            "付款信息",
            "支付方式",
            "payment information",
            "payment details",
            "card number",
            "payment method",
        ],
    ),
    e(
        "financial.transactions",
        &[
            "交易记录",
            "交易信息",
            "账单",
            "流水",
            "充值记录",
            "transaction record",
            "transaction history",
            "transaction information",
            "~billing",
        ],
    ),
    e("genetic", &["基因", "遗传信息", "dna", "genetic"]),
    e("health.fitness", &["运动数据", "步数", "心率", "健康数据", "fitness data", "step count", "heart rate"]),
    e("health.medical", &["医疗", "病历", "病史", "诊疗", "健康状况", "medical", "health record", "diagnosis"]),
    e(
        "identity.birth-date",
        &["出生日期", "生日", "出生年月", "年龄", "date of birth", "birth date", "birthday", "~age"],
    ),
    e(
        "identity.driver-license",
        &[
            "驾驶证",
            "驾照",
            "driver's licence",
            "driver's license",
            "driving licence",
            "driving license",
            "driver licence",
            "driver license",
        ],
    ),
    e("identity.ethnicity", &["民族", "种族", "ethnicity", "ethnic origin", "racial origin"]),
    e("identity.gender", &["性别", "gender", "~sex"]),
    e(
        "identity.name",
        &["姓名", "真实姓名", "~名称", "~名字", "~联系人", "full name", "real name", "~name", "~contact person"],
    ),
    e(
        "identity.national-id",
        &[
            "身份证",
            "身份证件",
            "身份证号",
            "居民身份证",
            "证件号码",
            "证件信息",
            "id card",
            "identity card",
            "national id",
            "id number",
            "identity document",
        ],
    ),
    e("identity.passport", &["护照", "通行证", "passport"]),
    e(
        "identity.photo",
        &["照片", "头像", "肖像", "图像", "photo", "photograph", "profile picture", "avatar", "portrait"],
    ),
    e(
        "location.coarse",
        &[
            "~位置",
            "~定位",
            "城市",
            "所在地区",
            "地区信息",
            "粗略位置",
            "大致位置",
            "coarse location",
            "approximate location",
            "~location",
            "~city",
        ],
    ),
    e(
        "location.precise",
        &[
            "gps",
            "精确位置",
            "精准位置",
            "精确定位",
            "地理位置",
            "位置信息",
            "经纬度",
            "基站",
            "wi-fi接入点",
            "wifi接入点",
            "wlan接入点",
            "附近的wi-fi",
            "附近wi-fi",
            "wi-fi access point",
            "precise location",
            "geolocation",
            "gps location",
            "~位置",
            "~定位",
            "~location",
        ],
    ),
    e(
        "location.trajectory",
        &[
            "行踪轨迹",
            "行动轨迹",
            "轨迹",
            "运动轨迹",
            "行程",
            "trajectory",
            "movement history",
            "location history",
            "~route",
        ],
    ),
    e("membership.union", &["工会", "trade union", "union membership"]),
    e("other", &[]),
    e("sex.orientation", &["性取向", "性生活", "sexual orientation", "sex life"]),
];

/// The lexicon entry of a category key.
pub fn entry(key: &str) -> Option<&'static Entry> {
    LEXICON.binary_search_by(|e| e.key.cmp(key)).ok().map(|i| &LEXICON[i])
}

/// A term as matched (without its marker) and whether it is strong.
pub fn term(raw: &'static str) -> (&'static str, bool) {
    match raw.strip_prefix('~') {
        Some(t) => (t, false),
        None => (raw.strip_prefix('!').unwrap_or(raw), true),
    }
}

/// Whether a term is covered only by its own category, not by its family.
pub fn exact(raw: &str) -> bool {
    raw.starts_with('!')
}

/// Categories a notice may name with the same words: when the inventory has one, a notice naming
/// the other does not claim anything new (a device identifier and an IMEI, a location and a GPS
/// position). Matching stays loose here on purpose: a false `notice-field-extra` costs a DPO more
/// than a missed one.
pub fn family(key: &str) -> &'static [&'static str] {
    const DEVICE_IDS: &[&str] =
        &["device.id", "device.imei", "device.idfa", "device.oaid", "device.android-id", "device.mac"];
    const LOCATION: &[&str] = &["location.coarse", "location.precise", "location.trajectory"];
    const MONEY: &[&str] =
        &["financial.bank-account", "financial.payment", "financial.transactions", "behaviour.purchase"];
    const USAGE: &[&str] = &["behaviour.usage", "behaviour.browsing", "device.model", "device.ip"];
    const FACE: &[&str] = &["biometric.face", "identity.photo"];
    for fam in [DEVICE_IDS, LOCATION, MONEY, USAGE, FACE] {
        if fam.contains(&key) {
            return fam;
        }
    }
    &[]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::taxonomy::CATEGORIES;

    #[test]
    fn one_entry_per_category_in_order() {
        let keys: Vec<&str> = LEXICON.iter().map(|e| e.key).collect();
        let cats: Vec<&str> = CATEGORIES.iter().map(|c| c.key).collect();
        assert_eq!(keys, cats);
    }

    #[test]
    fn terms_are_normalized_and_every_named_category_has_a_strong_term() {
        for e in LEXICON {
            for raw in e.terms {
                let (t, _) = term(raw);
                assert_eq!(crate::notice::text::normalize(t).0, t, "term `{t}` of {} is not normalized", e.key);
            }
            if e.key != "other" {
                assert!(e.terms.iter().any(|t| term(t).1), "{} has no strong term", e.key);
            }
        }
    }
}
