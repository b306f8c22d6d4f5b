//! How car apps' exports write numbers and times, for every CSV reader: numbers with decimal
//! commas, thousands separators and units; times as RFC 3339, Unix seconds or a local date
//! and clock in a time zone.

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

pub const KM_PER_MILE: f64 = 1.609_344;

/// A number as spreadsheets write it: "12.5"; "12,5" where the delimiter is not a comma;
/// with thousands separators ("1.234,5", "1,234.5", "12 345"); with a unit after it
/// ("12,5 km").
pub fn parse_number(cell: &str, decimal_comma: bool) -> Result<f64, String> {
    let not_a_number = || format!("{cell:?} is not a number");
    let compact: String = cell.chars().filter(|c| !c.is_whitespace() && *c != '\'').collect();
    let digits = compact.trim_end_matches(|c: char| c.is_alphabetic());
    if !digits.ends_with(|c: char| c.is_ascii_digit()) {
        return Err(not_a_number());
    }
    let plain = match (digits.rfind('.'), digits.rfind(',')) {
        (Some(dot), Some(comma)) if comma > dot => digits.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => digits.replace(',', ""),
        (None, Some(_)) if decimal_comma => digits.replace(',', "."),
        (None, Some(_)) if digits.split(',').skip(1).all(|group| group.len() == 3) => digits.replace(',', ""),
        (None, Some(_)) => return Err(format!("{cell:?} is not a number (a decimal comma needs `;` or tab between the columns)")),
        _ => digits.to_string(),
    };
    plain.parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(not_a_number)
}

/// Reads times as exports write them (see the module docs); a date and clock without an
/// offset is local time in `zone` (and `local` remembers that one was read).
pub struct ClockReader<'a> {
    pub zone: &'a super::LocalZone,
    /// Whether `1/2/2020` is January 2 (the US order) rather than February 1.
    pub month_first: bool,
    pub local: std::cell::Cell<bool>,
}

impl ClockReader<'_> {
    /// Unix seconds (milliseconds from 13 digits), RFC 3339 (also with a space for the `T`),
    /// or a local date and clock.
    pub fn parse(&self, cell: &str) -> Result<i64, String> {
        let s = cell.trim();
        if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s.len() >= 9 {
            let n: i64 = s.parse().map_err(|_| format!("{cell:?} is not a time"))?;
            return Ok(if s.len() >= 13 { n.div_euclid(1000) } else { n });
        }
        for candidate in [s.to_string(), s.replacen(' ', "T", 1)] {
            if let Ok(t) = OffsetDateTime::parse(&candidate, &Rfc3339) {
                return Ok(t.unix_timestamp());
            }
        }
        let (date, clock) = s.split_once(['T', ' ']).ok_or_else(|| self.not_a_time(cell))?;
        self.date_and_clock(date, clock).map_err(|_| self.not_a_time(cell))
    }

    fn not_a_time(&self, cell: &str) -> String {
        format!(
            "{cell:?} is not a time (accepted: RFC 3339, YYYY-MM-DD HH:MM[:SS], DD.MM.YYYY HH:MM[:SS], M/D/YYYY H:MM[:SS] in local time ({}), Unix seconds)",
            self.zone.name
        )
    }

    /// A local day (`YYYY-MM-DD`, `YYYYMMDD`, `DD.MM.YYYY`, `M/D/YYYY`) and clock (`HH:MM[:SS]`,
    /// `HHMMSS`, `HHMM`; a fraction of a second dropped).
    pub fn date_and_clock(&self, date: &str, clock: &str) -> Result<i64, String> {
        let bad = || format!("{date:?} {clock:?} is not a date and time");
        let date = date.trim().trim_end_matches(',');
        let numbers = |text: &str, separator: char| -> Option<Vec<u32>> { text.split(separator).map(|part| part.parse().ok()).collect() };
        let (year, month, day) = if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) {
            let n: u32 = date.parse().map_err(|_| bad())?;
            (n / 10_000, n / 100 % 100, n % 100)
        } else {
            match (numbers(date, '-'), numbers(date, '.'), numbers(date, '/')) {
                (Some(p), _, _) if p.len() == 3 => (p[0], p[1], p[2]),
                (_, Some(p), _) if p.len() == 3 => (p[2], p[1], p[0]),
                (_, _, Some(p)) if p.len() == 3 && self.month_first => (p[2], p[0], p[1]),
                (_, _, Some(p)) if p.len() == 3 => (p[2], p[1], p[0]),
                _ => return Err(bad()),
            }
        };
        let year = if year < 100 { year + 2000 } else { year };
        let clock = clock.trim().trim_end_matches(['Z', 'z']);
        let (hour, minute, second) = if clock.bytes().all(|b| b.is_ascii_digit()) && (clock.len() == 6 || clock.len() == 4) {
            let n: u32 = clock.parse().map_err(|_| bad())?;
            if clock.len() == 6 { (n / 10_000, n / 100 % 100, n % 100) } else { (n / 100, n % 100, 0) }
        } else {
            let parts: Vec<&str> = clock.split(':').collect();
            if !(2..=3).contains(&parts.len()) {
                return Err(bad());
            }
            let second = match parts.get(2) {
                Some(s) => s.split(['.', ',']).next().unwrap_or_default().parse().map_err(|_| bad())?,
                None => 0,
            };
            (parts[0].parse().map_err(|_| bad())?, parts[1].parse().map_err(|_| bad())?, second)
        };
        let unix = self.zone.unix(i32::try_from(year).map_err(|_| bad())?, month, day, hour, minute, second).ok_or_else(bad)?;
        self.local.set(true);
        Ok(unix)
    }
}
