//! Country sets as data: ISO 3166-1 alpha-2 codes, the EEA, and the EU adequacy list.

/// Every ISO 3166-1 alpha-2 code, sorted (officially assigned codes).
pub const ISO_3166_ALPHA2: &[&str] = &[
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA", "BB", "BD",
    "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA",
    "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA",
    "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP",
    "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT",
    "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS",
    "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ",
    "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS",
    "RU", "RW", "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST",
    "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW",
    "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "ZA",
    "ZM", "ZW",
];

/// EU-27 plus Iceland, Liechtenstein and Norway (EEA Agreement).
pub const EEA: &[&str] = &[
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IS", "IT", "LI", "LT",
    "LU", "LV", "MT", "NL", "NO", "PL", "PT", "RO", "SE", "SI", "SK",
];

pub fn is_country(cc: &str) -> bool {
    ISO_3166_ALPHA2.binary_search(&cc).is_ok()
}

pub fn is_eea(cc: &str) -> bool {
    EEA.binary_search(&cc).is_ok()
}

/// One EU adequacy decision (GDPR Art. 45).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Adequacy {
    pub country: &'static str,
    /// Which decision, and any limit on its scope.
    pub decision: &'static str,
    /// True when the decision covers only recipients certified under a framework (US: EU-US DPF).
    pub needs_certification: Option<&'static str>,
}

const fn adequate(country: &'static str, decision: &'static str) -> Adequacy {
    Adequacy { country, decision, needs_certification: None }
}

/// The date the adequacy list below was last checked against the Commission's decisions.
pub const ADEQUACY_AS_OF: &str = "2026-11-23";

/// Countries with an EU adequacy decision, sorted by code. Keep current when decisions change.
pub const ADEQUACY: &[Adequacy] = &[
    adequate("AD", "Commission Decision 2010/625/EU"),
    adequate("AR", "Commission Decision 2003/490/EC"),
    adequate("BR", "Commission Implementing Decision (EU) 2026/179 of 2026-01-26"),
    adequate("CA", "Commission Decision 2002/2/EC (commercial organisations under PIPEDA)"),
    adequate("CH", "Commission Decision 2000/518/EC"),
    adequate("FO", "Commission Decision 2010/146/EU"),
    adequate("GB", "Commission Implementing Decision (EU) 2021/1772, renewed to 2031-12-27"),
    adequate("GG", "Commission Decision 2003/821/EC"),
    adequate("IL", "Commission Decision 2011/61/EU"),
    adequate("IM", "Commission Decision 2004/411/EC"),
    adequate("JE", "Commission Decision 2008/393/EC"),
    adequate("JP", "Commission Implementing Decision (EU) 2019/419"),
    adequate("KR", "Commission Implementing Decision (EU) 2022/254"),
    adequate("NZ", "Commission Decision 2013/65/EU"),
    Adequacy {
        country: "US",
        decision: "Commission Implementing Decision (EU) 2023/1795 (EU-US Data Privacy Framework; appeal C-703/25 P pending)",
        needs_certification: Some("EU-US-DPF"),
    },
    adequate("UY", "Commission Decision 2012/484/EU"),
];

pub fn adequacy(cc: &str) -> Option<&'static Adequacy> {
    ADEQUACY.iter().find(|a| a.country == cc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_sorted_and_valid() {
        assert!(ISO_3166_ALPHA2.windows(2).all(|w| w[0] < w[1]));
        assert!(EEA.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(EEA.len(), 30);
        assert!(EEA.iter().all(|c| is_country(c)));
        assert!(ADEQUACY.windows(2).all(|w| w[0].country < w[1].country));
        assert!(is_country("HK") && is_country("MO") && is_country("TW"));
        assert!(!is_country("EU") && !is_country("cn"));
    }
}
