//! The 39 common types of mobile internet apps (rules.md, "Necessary PI of common app types"),
//! in the order of the Provisions on the Scope of Necessary Personal Information for Common Types
//! of Mobile Internet Applications (CAC/MIIT/MPS/SAMR, in force 2021-05-01), Art. 5. A system's
//! `app_type` names one of these keys; what each type may collect is data (`cn-app-necessary`).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AppType {
    pub key: &'static str,
    /// The type's name in the Provisions.
    pub zh: &'static str,
    pub en: &'static str,
}

const fn t(key: &'static str, zh: &'static str, en: &'static str) -> AppType {
    AppType { key, zh, en }
}

/// In the Provisions' order (Art. 5, items 1–39).
pub const APP_TYPES: [AppType; 39] = [
    t("map-navigation", "地图导航", "Map navigation"),
    t("ride-hailing", "网络约车", "Ride hailing"),
    t("instant-messaging", "即时通信", "Instant messaging"),
    t("online-community", "网络社区", "Online community"),
    t("online-payment", "网络支付", "Online payment"),
    t("online-shopping", "网上购物", "Online shopping"),
    t("food-delivery", "餐饮外卖", "Food delivery"),
    t("postal-express", "邮件快件寄递", "Postal and express delivery"),
    t("transport-ticketing", "交通票务", "Transport ticketing"),
    t("dating", "婚恋相亲", "Dating and matchmaking"),
    t("job-recruitment", "求职招聘", "Job recruitment"),
    t("online-lending", "网络借贷", "Online lending"),
    t("housing", "房屋租售", "Housing rental and sale"),
    t("used-cars", "二手车交易", "Used-car trading"),
    t("medical-consultation", "问诊挂号", "Medical consultation and registration"),
    t("travel", "旅游服务", "Travel services"),
    t("hotel", "酒店服务", "Hotel services"),
    t("online-games", "网络游戏", "Online games"),
    t("education", "学习教育", "Learning and education"),
    t("local-services", "本地生活", "Local services"),
    t("womens-health", "女性健康", "Women's health"),
    t("car-services", "用车服务", "Car services"),
    t("investment", "投资理财", "Investment and wealth management"),
    t("mobile-banking", "手机银行", "Mobile banking"),
    t("email-cloud-storage", "邮箱云盘", "Email and cloud storage"),
    t("online-meetings", "远程会议", "Online meetings"),
    t("live-streaming", "网络直播", "Live streaming"),
    t("audio-video", "在线影音", "Online audio and video"),
    t("short-video", "短视频", "Short video"),
    t("news", "新闻资讯", "News"),
    t("fitness", "运动健身", "Sports and fitness"),
    t("browser", "浏览器", "Browser"),
    t("input-method", "输入法", "Input method"),
    t("security-management", "安全管理", "Security management"),
    t("e-books", "电子图书", "E-books"),
    t("photo-beauty", "拍摄美化", "Photo and beautification"),
    t("app-store", "应用商店", "App store"),
    t("utilities", "实用工具", "Utilities"),
    t("performance-ticketing", "演出票务", "Performance ticketing"),
];

/// The app type with this key.
pub fn app_type(key: &str) -> Option<&'static AppType> {
    APP_TYPES.iter().find(|t| t.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_nine_unique_keys_in_the_provisions_order() {
        let mut keys: Vec<&str> = APP_TYPES.iter().map(|t| t.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), 39);
        // Art. 5 (一) is 地图导航, (二十一) 女性健康, (三十九) 演出票务.
        assert_eq!((APP_TYPES[0].zh, APP_TYPES[20].zh, APP_TYPES[38].zh), ("地图导航", "女性健康", "演出票务"));
        assert_eq!(app_type("news").map(|t| t.zh), Some("新闻资讯"));
        assert!(app_type("News").is_none());
    }
}
