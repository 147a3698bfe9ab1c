//! Calendar dates (`YYYY-MM-DD`): validity of mechanisms, waiver expiry, `--as-of`.

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Today where the user is: the civil date in the local time zone (`TZ`, else the system's;
    /// jiff falls back to UTC when it finds none). In UTC it was a day early in China before
    /// 08:00, so a mechanism expiring "today" was judged on yesterday.
    pub fn today() -> Date {
        Date::of(jiff::ZonedDateTime::now().date())
    }

    fn of(d: jiff::civil::Date) -> Date {
        // jiff's years run from -9999 to 9999; a clock before year 0 is not a date anyone checks.
        Date { year: u16::try_from(d.year()).unwrap_or(0), month: d.month() as u8, day: d.day() as u8 }
    }

    /// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }
}

impl Date {
    /// The same day `years` later; 29 February becomes 28 February in a common year (a period
    /// ends on the corresponding day, else on the month's last day).
    pub fn add_years(self, years: u16) -> Date {
        let year = self.year.saturating_add(years);
        Date { year, month: self.month, day: self.day.min(days_in_month(year, self.month)) }
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => 29,
        _ => 28,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a date: write YYYY-MM-DD, e.g. 2025-12-31", self.0)
    }
}

impl std::error::Error for DateError {}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = || DateError(s.to_owned());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u16, DateError> {
            let part = &s[r];
            if part.bytes().all(|c| c.is_ascii_digit()) { part.parse().map_err(|_| err()) } else { Err(err()) }
        };
        let (year, month, day) = (num(0..4)?, num(5..7)? as u8, num(8..10)? as u8);
        if year == 0 || !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(err());
        }
        Ok(Date { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"})
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_later_keep_the_day_or_end_the_month() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(d("2025-05-01").add_years(2), d("2027-05-01"));
        assert_eq!(d("2024-02-29").add_years(2), d("2026-02-28"));
        assert_eq!(d("2024-02-29").add_years(4), d("2028-02-29"));
    }

    #[test]
    fn parses_and_rejects() {
        assert_eq!("2024-02-29".parse::<Date>().unwrap().to_string(), "2024-02-29");
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2024-13-01".parse::<Date>().is_err());
        assert!("2024-1-01".parse::<Date>().is_err());
        assert!("24-01-01xx".parse::<Date>().is_err());
    }

    #[test]
    fn epoch_days() {
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days_since_epoch(20_414).to_string(), "2025-11-22");
    }

    #[test]
    fn today_is_the_local_day() {
        // 07:30 in Beijing is still the previous day in UTC: the user's day is the one in force.
        let instant: jiff::Timestamp = "2026-12-02T23:30:00Z".parse().expect("timestamp");
        let beijing = instant.to_zoned_datetime(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
        assert_eq!(Date::of(beijing.date()).to_string(), "2026-12-03");
        assert_eq!(Date::of(instant.to_zoned_datetime(jiff::tz::TimeZone::UTC).date()).to_string(), "2026-12-02");
    }
}
