//! Dates as archives give them: a year, a month or a day (ISO 8601, partial).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A validated ISO 8601 calendar date, possibly partial: `1956-07-24`,
/// `1956-07` or `1956`. Kept as its text so the file shows what was given;
/// ordering is the text's, which sorts `1956` < `1956-07` < `1956-07-24`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate(String);

impl PartialDate {
    /// A date from its parts; `None` when they do not make a calendar date.
    pub fn from_parts(year: u32, month: Option<u32>, day: Option<u32>) -> Option<PartialDate> {
        let text = match (month, day) {
            (None, None) => format!("{year:04}"),
            (Some(m), None) => format!("{year:04}-{m:02}"),
            (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
            (None, Some(_)) => return None,
        };
        text.parse().ok()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn year(&self) -> u32 {
        self.0[..4].parse().unwrap_or(0)
    }

    pub fn month(&self) -> Option<u32> {
        self.0.get(5..7).and_then(|m| m.parse().ok())
    }

    pub fn day(&self) -> Option<u32> {
        self.0.get(8..10).and_then(|d| d.parse().ok())
    }

    /// A number in the dates' order, as their text sorts (`1957` <
    /// `1957-03` < `1957-03-12` < `1957-04`): many compared at once (a list
    /// of ten thousand sorted by date) compare numbers, not text.
    pub fn order_key(&self) -> u32 {
        self.year() * 10_000 + self.month().unwrap_or(0) * 100 + self.day().unwrap_or(0)
    }
}

/// Days in `month` of `year` (proleptic Gregorian).
pub fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400) => {
            29
        }
        2 => 28,
        _ => 0,
    }
}

impl FromStr for PartialDate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let bad = || format!("'{s}' is not a date (YYYY-MM-DD, YYYY-MM or YYYY)");
        let parts: Vec<&str> = s.split('-').collect();
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        if parts.is_empty() || parts.len() > 3 || !digits(parts[0], 4) {
            return Err(bad());
        }
        let year: u32 = parts[0].parse().map_err(|_| bad())?;
        if let Some(m) = parts.get(1) {
            if !digits(m, 2) {
                return Err(bad());
            }
            let month: u32 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&month) {
                return Err(format!("'{s}': month {month} is not 1 to 12"));
            }
            if let Some(d) = parts.get(2) {
                if !digits(d, 2) {
                    return Err(bad());
                }
                let day: u32 = d.parse().map_err(|_| bad())?;
                let last = days_in_month(year, month);
                if day == 0 || day > last {
                    return Err(format!("'{s}': day {day} is not 1 to {last}"));
                }
            }
        }
        Ok(PartialDate(s.to_string()))
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_keys_sort_as_the_dates_text_does() {
        let mut dates: Vec<PartialDate> = [
            "1957-04",
            "0999",
            "1957",
            "1957-03-12",
            "2026-12-31",
            "1957-03",
            "1956-12-31",
            "1957-03-02",
            "9999-12",
        ]
        .iter()
        .map(|d| d.parse().unwrap())
        .collect();
        let mut by_key = dates.clone();
        dates.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        by_key.sort_by_key(PartialDate::order_key);
        assert_eq!(dates, by_key);
    }

    #[test]
    fn full_and_partial_dates_parse() {
        let d: PartialDate = "1956-07-24".parse().unwrap();
        assert_eq!((d.year(), d.month(), d.day()), (1956, Some(7), Some(24)));
        let m: PartialDate = "1956-07".parse().unwrap();
        assert_eq!((m.year(), m.month(), m.day()), (1956, Some(7), None));
        let y: PartialDate = "1956".parse().unwrap();
        assert_eq!((y.year(), y.month(), y.day()), (1956, None, None));
        assert!(y < m && m < d);
        assert_eq!(
            PartialDate::from_parts(1955, Some(1), Some(7))
                .unwrap()
                .as_str(),
            "1955-01-07"
        );
    }

    #[test]
    fn impossible_dates_are_refused() {
        for bad in [
            "",
            "56",
            "1956-7-24",
            "1956-13",
            "1956-02-30",
            "1955-02-29",
            "1956-07-24T10:00",
            "1956/07/24",
            "1956-00",
            "1956-07-00",
        ] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
        }
        assert!("1956-02-29".parse::<PartialDate>().is_ok());
        assert!("2000-02-29".parse::<PartialDate>().is_ok());
        assert!("1900-02-29".parse::<PartialDate>().is_err());
    }
}
