//! The built-in field taxonomy (rules.md, "Field categories"): each key with its Chinese and
//! English name, whether PIPL treats it as sensitive by default (Art. 28; GB/T 35273-2020 App. B),
//! and whether it is a GDPR special category (Art. 9).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// PIPL-sensitive by default.
    pub sensitive: bool,
    /// GDPR Art. 9 special category.
    pub special: bool,
}

const fn c(key: &'static str, zh: &'static str, en: &'static str, sensitive: bool, special: bool) -> Category {
    Category { key, zh, en, sensitive, special }
}

/// Sorted by key, so lookups can binary-search.
pub const CATEGORIES: &[Category] = &[
    c("account.credentials", "账户凭证（密码等）", "Account credentials", true, false),
    c("account.id", "账号", "Account ID", false, false),
    c("account.nickname", "昵称", "Nickname", false, false),
    c("behaviour.browsing", "网页浏览记录", "Browsing history", true, false),
    c("behaviour.purchase", "购买记录", "Purchase history", false, false),
    c("behaviour.usage", "使用记录", "Usage data", false, false),
    c("belief.political", "政治观点", "Political opinions", true, true),
    c("belief.religion", "宗教信仰", "Religious beliefs", true, true),
    c("biometric.face", "人脸信息", "Facial biometrics", true, true),
    c("biometric.fingerprint", "指纹", "Fingerprint", true, true),
    c("biometric.iris", "虹膜", "Iris", true, true),
    c("biometric.voice", "声纹", "Voiceprint", true, true),
    c("communication.calendar", "日程", "Calendar", false, false),
    c("communication.call-log", "通话记录", "Call log", true, false),
    c("communication.contacts", "通讯录", "Contacts", true, false),
    c("communication.content", "通信内容", "Communication content", true, false),
    c("contact.address", "地址", "Postal address", false, false),
    c("contact.email", "电子邮箱", "Email address", false, false),
    c("contact.im", "即时通信账号", "Instant-messaging handle", false, false),
    c("contact.phone", "电话号码", "Phone number", false, false),
    c("criminal.record", "犯罪记录", "Criminal record", true, false),
    c("device.android-id", "Android ID", "Android ID", false, false),
    c("device.app-list", "应用安装列表", "Installed app list", false, false),
    c("device.id", "设备标识符", "Device identifier", false, false),
    c("device.idfa", "IDFA", "IDFA", false, false),
    c("device.imei", "IMEI", "IMEI", false, false),
    c("device.ip", "IP地址", "IP address", false, false),
    c("device.mac", "MAC地址", "MAC address", false, false),
    c("device.model", "设备型号", "Device model", false, false),
    c("device.oaid", "OAID", "OAID", false, false),
    c("education.record", "教育经历", "Education record", false, false),
    c("employment.record", "工作经历", "Employment record", false, false),
    c("financial.bank-account", "银行账户", "Bank account", true, false),
    c("financial.credit", "信用信息", "Credit information", true, false),
    c("financial.payment", "支付信息", "Payment information", true, false),
    c("financial.transactions", "交易记录", "Transaction records", true, false),
    c("genetic", "基因信息", "Genetic data", true, true),
    c("health.fitness", "运动健康信息", "Fitness data", true, true),
    c("health.medical", "医疗健康信息", "Medical data", true, true),
    c("identity.birth-date", "出生日期", "Date of birth", false, false),
    c("identity.driver-license", "驾驶证", "Driver licence", true, false),
    c("identity.ethnicity", "民族", "Ethnicity", true, true),
    c("identity.gender", "性别", "Gender", false, false),
    c("identity.name", "姓名", "Name", false, false),
    c("identity.national-id", "身份证号码", "National ID number", true, false),
    c("identity.passport", "护照", "Passport", true, false),
    c("identity.photo", "照片", "Photo", false, false),
    c("location.coarse", "粗略位置", "Coarse location", false, false),
    c("location.precise", "精确位置", "Precise location", true, false),
    c("location.trajectory", "行踪轨迹", "Movement trajectory", true, false),
    c("membership.union", "工会会员", "Trade-union membership", true, true),
    c("other", "其他", "Other", false, false),
    c("sex.orientation", "性取向", "Sexual orientation", true, true),
];

/// The category with this key, if it is one.
pub fn category(key: &str) -> Option<&'static Category> {
    CATEGORIES.binary_search_by(|c| c.key.cmp(key)).ok().map(|i| &CATEGORIES[i])
}

/// The Play data type and the App Privacy (xcprivacy) data type of each taxonomy category. A
/// category with no store type of its own goes to the "other" type of its group. One table for
/// both directions: `store-labels` writes a category as its type, and `check --observed` reads a
/// privacy manifest's type back as the categories written as it (`apple_categories`).
pub fn store_types(category: &str) -> (&'static str, &'static str) {
    match category {
        "identity.name" | "account.nickname" => ("PSL_NAME", "Name"),
        "contact.email" => ("PSL_EMAIL", "EmailAddress"),
        "account.id" | "contact.im" => ("PSL_USER_ACCOUNT", "UserID"),
        "contact.address" => ("PSL_ADDRESS", "PhysicalAddress"),
        "contact.phone" => ("PSL_PHONE", "PhoneNumber"),
        "identity.ethnicity" => ("PSL_RACE_ETHNICITY", "SensitiveInfo"),
        "belief.religion" | "belief.political" => ("PSL_POLITICAL_RELIGIOUS", "SensitiveInfo"),
        "sex.orientation" => ("PSL_SEXUAL_ORIENTATION_GENDER_IDENTITY", "SensitiveInfo"),
        "membership.union"
        | "criminal.record"
        | "genetic"
        | "biometric.face"
        | "biometric.fingerprint"
        | "biometric.iris"
        | "biometric.voice" => ("PSL_OTHER_PERSONAL", "SensitiveInfo"),
        "identity.photo" => ("PSL_PHOTOS", "PhotosorVideos"),
        "financial.bank-account" | "financial.payment" => ("PSL_CREDIT_DEBIT_BANK_ACCOUNT_NUMBER", "PaymentInfo"),
        "behaviour.purchase" | "financial.transactions" => ("PSL_PURCHASE_HISTORY", "PurchaseHistory"),
        "financial.credit" => ("PSL_CREDIT_SCORE", "CreditInfo"),
        "location.coarse" => ("PSL_APPROX_LOCATION", "CoarseLocation"),
        "location.precise" | "location.trajectory" => ("PSL_PRECISE_LOCATION", "PreciseLocation"),
        "behaviour.browsing" => ("PSL_WEB_BROWSING_HISTORY", "BrowsingHistory"),
        "communication.content" => ("PSL_OTHER_MESSAGES", "EmailsOrTextMessages"),
        "communication.call-log" => ("PSL_SMS_CALL_LOG", "OtherUserContent"),
        "communication.contacts" => ("PSL_CONTACTS", "Contacts"),
        "communication.calendar" => ("PSL_CALENDAR", "OtherUserContent"),
        "health.medical" => ("PSL_HEALTH", "Health"),
        "health.fitness" => ("PSL_FITNESS", "Fitness"),
        "behaviour.usage" => ("PSL_USER_INTERACTION", "ProductInteraction"),
        "device.app-list" => ("PSL_APPS_ON_DEVICE", "OtherUsageData"),
        "device.id" | "device.imei" | "device.idfa" | "device.oaid" | "device.android-id" | "device.mac"
        | "device.ip" => ("PSL_DEVICE_ID", "DeviceID"),
        "device.model" => ("PSL_PERFORMANCE_DIAGNOSTICS", "OtherDiagnosticData"),
        _ => ("PSL_OTHER_PERSONAL", "OtherDataTypes"),
    }
}

/// The taxonomy categories `store-labels` writes as the App Privacy data type `kind`
/// (`DeviceID`, without the `NSPrivacyCollectedDataType` prefix): the inverse of [`store_types`].
pub fn apple_categories(kind: &str) -> impl Iterator<Item = &'static str> + '_ {
    CATEGORIES.iter().map(|c| c.key).filter(move |c| store_types(c).1 == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_unique() {
        for w in CATEGORIES.windows(2) {
            assert!(w[0].key < w[1].key, "{} before {}", w[0].key, w[1].key);
        }
    }

    #[test]
    fn defaults_follow_rules_md() {
        assert!(category("identity.national-id").unwrap().sensitive);
        assert!(!category("identity.national-id").unwrap().special);
        assert!(category("biometric.face").unwrap().special);
        assert!(!category("contact.phone").unwrap().sensitive);
        assert!(category("location.precise").unwrap().sensitive);
        assert!(!category("location.coarse").unwrap().sensitive);
        assert!(category("nope").is_none());
    }
}
