//! Privacy notices: generate one from the inventory ([`generate`]), and check a published one
//! against it ([`check`]), with a zh/en [`lexicon`] of how notices name each field category.
//! The notice is read as text ([`text`]); findings carry the `notice-*` codes of `crate::rules::notice`.

pub mod check;
pub mod generate;
pub mod lexicon;
pub mod text;

// The `notice-*` catalogue entries live with the other rules, in `crate::rules::catalogue`.

/// Chinese and English names of the countries notices most often name as destinations; the
/// generator prints them and the checker accepts them as naming a transfer's destination.
const COUNTRY_NAMES: &[(&str, &str, &str)] = &[
    ("AU", "澳大利亚", "Australia"),
    ("CA", "加拿大", "Canada"),
    ("CH", "瑞士", "Switzerland"),
    ("CN", "中国大陆", "mainland China"),
    ("DE", "德国", "Germany"),
    ("FR", "法国", "France"),
    ("GB", "英国", "the United Kingdom"),
    ("HK", "中国香港", "Hong Kong, China"),
    ("IE", "爱尔兰", "Ireland"),
    ("IN", "印度", "India"),
    ("JP", "日本", "Japan"),
    ("KR", "韩国", "South Korea"),
    ("MO", "中国澳门", "Macao, China"),
    ("MY", "马来西亚", "Malaysia"),
    ("NL", "荷兰", "the Netherlands"),
    ("SG", "新加坡", "Singapore"),
    ("TW", "中国台湾", "Taiwan, China"),
    ("US", "美国", "the United States"),
];

/// The (Chinese, English) name of a country code, when piflow knows it.
pub fn country_name(cc: &str) -> Option<(&'static str, &'static str)> {
    COUNTRY_NAMES.iter().find(|(c, _, _)| *c == cc).map(|(_, zh, en)| (*zh, *en))
}
