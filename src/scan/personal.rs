//! Recognising personal data in request values. Each detector checks the structure the number
//! scheme defines (a checksum, a date, a range), not just a length, so request ids and timestamps
//! are not taken for identity numbers. Only the category and the reason are kept, never the value.

/// A value's category and the check it passed.
pub fn classify(key: &str, value: &str) -> Option<(&'static str, &'static str)> {
    let v = value.trim();
    let k = key.rsplit(['.', '[']).next().unwrap_or(key).to_ascii_lowercase();
    if is_cn_mobile(v) {
        return Some(("contact.phone", "mainland mobile number (1[3-9] + 9 digits)"));
    }
    if is_resident_id(v) {
        return Some(("identity.national-id", "resident ID number with a valid birth date and ISO 7064 check digit"));
    }
    if is_imei(v) {
        return Some(("device.imei", "15-digit IMEI with a valid Luhn check digit"));
    }
    if is_email(v) {
        return Some(("contact.email", "e-mail address"));
    }
    if ["idfa", "advertisingid", "advertising_id", "adid", "gaid"].iter().any(|h| k.contains(h)) && is_ad_id(v) {
        return Some(("device.idfa", "advertising identifier (UUID) in an IDFA/GAID parameter"));
    }
    if k.contains("oaid") && is_oaid(v) {
        return Some(("device.oaid", "OAID (UUID or hex) in an OAID parameter"));
    }
    if is_coordinate_key(&k) && is_precise_coordinate(v) {
        return Some(("location.precise", "coordinate with 4 or more decimals (about 10 m or better)"));
    }
    if let Some((a, b)) = v.split_once(',')
        && is_precise_coordinate(a)
        && is_precise_coordinate(b)
        && ["loc", "location", "coord", "gps", "latlng", "lnglat", "position"].iter().any(|h| k.contains(h))
    {
        return Some(("location.precise", "latitude,longitude pair with 4 or more decimals"));
    }
    None
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

pub fn is_cn_mobile(v: &str) -> bool {
    let v = v
        .strip_prefix("+86")
        .or_else(|| v.strip_prefix("0086"))
        .or_else(|| v.strip_prefix("86"))
        .filter(|r| r.len() == 11)
        .unwrap_or(v);
    let b = v.as_bytes();
    v.len() == 11 && digits(v) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else { return false };
    let ok_local = !local.is_empty()
        && local.len() <= 64
        && local.chars().all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let labels: Vec<&str> = domain.split('.').collect();
    ok_local
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Luhn over all digits (the last is the check digit).
pub fn luhn(v: &str) -> bool {
    let mut sum = 0;
    for (i, b) in v.bytes().rev().enumerate() {
        let mut d = (b - b'0') as u32;
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum % 10 == 0
}

pub fn is_imei(v: &str) -> bool {
    // All-zero and repeated-digit strings pass Luhn but are placeholders, not devices.
    v.len() == 15 && digits(v) && luhn(v) && !v.bytes().all(|b| b == v.as_bytes()[0])
}

/// GB 11643-1999 citizen identity number: 6-digit area, birth date, sequence, ISO 7064 MOD 11-2.
pub fn is_resident_id(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 18 || !digits(&v[..17]) || !(b[17].is_ascii_digit() || b[17] == b'X' || b[17] == b'x') {
        return false;
    }
    let year: u32 = v[6..10].parse().unwrap_or(0);
    let month: u32 = v[10..12].parse().unwrap_or(0);
    let day: u32 = v[12..14].parse().unwrap_or(0);
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return false;
    }
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = b[..17].iter().zip(W).map(|(&d, w)| (d - b'0') as u32 * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    b[17].to_ascii_uppercase() == check
}

fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && [8, 4, 4, 4, 12].iter().zip(&parts).all(|(&n, p)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A non-zero UUID (an all-zero IDFA means the user limited ad tracking: no identifier sent).
fn is_ad_id(v: &str) -> bool {
    is_uuid(v) && v.bytes().any(|b| b != b'0' && b != b'-')
}

fn is_oaid(v: &str) -> bool {
    is_ad_id(v)
        || ((16..=64).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_hexdigit()) && v.bytes().any(|b| b != b'0'))
}

fn is_coordinate_key(k: &str) -> bool {
    matches!(k, "lat" | "latitude" | "lng" | "lon" | "long" | "longitude")
        || k.ends_with("_lat")
        || k.ends_with("_lng")
        || k.ends_with("_lon")
}

/// A decimal degree in range with at least 4 decimals.
fn is_precise_coordinate(v: &str) -> bool {
    let v = v.trim();
    let Some((int, frac)) = v.split_once('.') else { return false };
    let int = int.strip_prefix('-').unwrap_or(int);
    digits(int) && frac.len() >= 4 && digits(frac) && v.parse::<f64>().is_ok_and(|f| f.abs() <= 180.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detectors_check_structure_not_length() {
        assert!(is_cn_mobile("13812345678"));
        assert!(is_cn_mobile("+8613812345678"));
        assert!(!is_cn_mobile("12812345678"));
        assert!(!is_cn_mobile("1381234567"));
        assert!(is_imei("490154203237518"));
        assert!(!is_imei("490154203237519"));
        assert!(!is_imei("000000000000000"));
        assert!(is_resident_id("11010519491231002X"));
        assert!(!is_resident_id("110105194912310021"));
        assert!(!is_resident_id("110105194913310028"));
        assert!(is_email("li.lei@example.cn"));
        assert!(!is_email("@example.cn"));
        assert!(is_precise_coordinate("39.904211"));
        assert!(!is_precise_coordinate("39.90"));
        assert_eq!(classify("idfa", "6D92078A-8246-4BA4-AE5B-76104861E7DC").map(|c| c.0), Some("device.idfa"));
        assert_eq!(classify("request_id", "6D92078A-8246-4BA4-AE5B-76104861E7DC"), None);
        assert_eq!(classify("idfa", "00000000-0000-0000-0000-000000000000"), None);
        assert_eq!(classify("ts", "1732350000000"), None);
    }
}
