//! A show machine's configuration (`horizon kiosk --config FILE`), in RON: what the kiosk
//! plays, how long a visitor may stay, what it says and in which languages, and the
//! operator's key combination. Every field has a default, so an empty file (or none) is a
//! working kiosk; a field the kiosk does not know is refused, not ignored, so a misspelt
//! `idle_s` cannot silently keep the default. Errors name the file, line and column.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::stream::StreamConfig;

/// The languages the kiosk's words come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Language {
    /// 简体中文 (zh-CN).
    Chinese,
    /// English.
    English,
}

impl Language {
    pub fn lang(self) -> crate::i18n::Lang {
        match self {
            Language::Chinese => crate::i18n::Lang::ZhCn,
            Language::English => crate::i18n::Lang::En,
        }
    }
}

pub use crate::quality::Quality;

/// Which valley the kiosk's drives are recorded in.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Default)]
pub enum KioskValley {
    /// The machine's own valley, under its data directory (no network needed).
    #[default]
    Embedded,
    /// A valley server (`horizon serve`): each visitor joins it as a guest.
    Server(String),
}

/// Where the picture goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
pub enum Display {
    /// Borderless fullscreen on the monitor with this index (0 = the primary).
    Fullscreen(usize),
    /// A window of this size (rehearsals, tests, a screen captured by other software).
    Windowed(u32, u32),
}

impl Default for Display {
    fn default() -> Self {
        Display::Fullscreen(0)
    }
}

/// What `horizon kiosk` runs with.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct KioskConfig {
    /// A level file; by default the Stone Valley.
    pub level: Option<PathBuf>,
    /// Seconds without input before a visitor is asked "still there?".
    pub idle_s: u32,
    /// Seconds the "still there?" countdown runs before the drive ends.
    pub still_there_s: u32,
    /// The longest a visitor's drive lasts (s), so that a queue moves.
    pub session_s: u32,
    /// Seconds the end of a drive (its result) stays on screen before attract resumes.
    pub goodbye_s: u32,
    /// The show's name, shown in attract mode (the brand, the event).
    pub branding: String,
    /// The languages every kiosk text is shown in, in this order.
    pub languages: Vec<Language>,
    pub quality: Quality,
    pub valley: KioskValley,
    pub display: Display,
    /// The operator's combination, e.g. "Ctrl+Alt+O": it opens the operator's overlay
    /// (figures, restart, quit). Visitors cannot leave the game any other way.
    pub operator_keys: String,
    /// A program feed of the show (HLS, RTMP or SRT through ffmpeg); None: no stream.
    pub stream: Option<StreamConfig>,
}

impl Default for KioskConfig {
    fn default() -> Self {
        KioskConfig {
            level: None,
            idle_s: 45,
            still_there_s: 10,
            session_s: 240,
            goodbye_s: 12,
            branding: "Crypto Horizon · 密境时空".to_string(),
            languages: vec![Language::Chinese, Language::English],
            quality: Quality::High,
            valley: KioskValley::Embedded,
            display: Display::Fullscreen(0),
            operator_keys: "Ctrl+Alt+O".to_string(),
            stream: None,
        }
    }
}

/// A key of the operator's combination, by name (the game maps these to its key codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum OperatorKey {
    Ctrl,
    Alt,
    Shift,
    /// A letter A–Z.
    Letter(char),
    /// A digit 0–9.
    Digit(char),
    /// F1–F12.
    Function(u8),
}

impl OperatorKey {
    fn is_modifier(self) -> bool {
        matches!(self, OperatorKey::Ctrl | OperatorKey::Alt | OperatorKey::Shift)
    }

    fn parse(name: &str) -> Option<OperatorKey> {
        let upper = name.trim().to_ascii_uppercase();
        Some(match upper.as_str() {
            "CTRL" | "CONTROL" => OperatorKey::Ctrl,
            "ALT" => OperatorKey::Alt,
            "SHIFT" => OperatorKey::Shift,
            _ => {
                let mut chars = upper.chars();
                match (chars.next(), chars.as_str()) {
                    (Some(c), "") if c.is_ascii_uppercase() => OperatorKey::Letter(c),
                    (Some(c), "") if c.is_ascii_digit() => OperatorKey::Digit(c),
                    (Some('F'), n) => match n.parse::<u8>() {
                        Ok(n @ 1..=12) => OperatorKey::Function(n),
                        _ => return None,
                    },
                    _ => return None,
                }
            }
        })
    }
}

/// Where and why a configuration was refused.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError {
    pub path: String,
    /// 1-based line and column; 0 when the problem has no place (the file is unreadable).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

/// Bounds of the timeouts (s): shorter would end a drive while a visitor reads the
/// controls; longer would keep a queue waiting behind an abandoned wheel.
const IDLE_S: std::ops::RangeInclusive<u32> = 10..=600;
const STILL_THERE_S: std::ops::RangeInclusive<u32> = 3..=60;
const SESSION_S: std::ops::RangeInclusive<u32> = 30..=3600;
const GOODBYE_S: std::ops::RangeInclusive<u32> = 3..=120;
/// The branding is one line on a big screen.
const MAX_BRANDING_CHARS: usize = 60;

impl KioskConfig {
    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<KioskConfig, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError { path: path.display().to_string(), line: 0, column: 0, message: e.to_string() })?;
        KioskConfig::parse(&path.display().to_string(), &text)
    }

    /// Parses and checks configuration text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<KioskConfig, ConfigError> {
        // A file of comments alone (or nothing) is every default.
        let blank = text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with("//"));
        let config: KioskConfig = ron::from_str(if blank { "()" } else { text }).map_err(|e| ConfigError { path: path.into(), line: e.span.start.line, column: e.span.start.col, message: e.code.to_string() })?;
        config.check().map_err(|(field, message)| {
            let (line, column) = place_of(text, field);
            ConfigError { path: path.into(), line, column, message: format!("{field}: {message}") }
        })?;
        Ok(config)
    }

    /// The operator's combination, checked: its keys in a fixed order.
    pub fn operator_combination(&self) -> Result<Vec<OperatorKey>, String> {
        let mut keys = Vec::new();
        for name in self.operator_keys.split('+') {
            let key = OperatorKey::parse(name).ok_or_else(|| format!("{name:?} is not a key the combination can use (Ctrl, Alt, Shift, A–Z, 0–9, F1–F12)"))?;
            if keys.contains(&key) {
                return Err(format!("{name:?} is named twice"));
            }
            keys.push(key);
        }
        // Two modifiers and a key: a visitor mashing the keyboard does not find it.
        let modifiers = keys.iter().filter(|k| k.is_modifier()).count();
        if modifiers < 2 || modifiers == keys.len() {
            return Err(format!("{:?} needs at least two of Ctrl, Alt and Shift and one other key, e.g. \"Ctrl+Alt+O\"", self.operator_keys));
        }
        keys.sort();
        Ok(keys)
    }

    /// The first field that is wrong, and why.
    fn check(&self) -> Result<(), (&'static str, String)> {
        let within = |field: &'static str, value: u32, range: std::ops::RangeInclusive<u32>| {
            if range.contains(&value) { Ok(()) } else { Err((field, format!("{value} s is outside {}–{} s", range.start(), range.end()))) }
        };
        within("idle_s", self.idle_s, IDLE_S)?;
        within("still_there_s", self.still_there_s, STILL_THERE_S)?;
        within("session_s", self.session_s, SESSION_S)?;
        within("goodbye_s", self.goodbye_s, GOODBYE_S)?;
        if self.idle_s >= self.session_s {
            return Err(("idle_s", format!("{} s is not shorter than the session ({} s)", self.idle_s, self.session_s)));
        }
        let chars = self.branding.chars().count();
        if chars > MAX_BRANDING_CHARS || self.branding.chars().any(char::is_control) {
            return Err(("branding", format!("one line of at most {MAX_BRANDING_CHARS} characters, not {chars}")));
        }
        if self.languages.is_empty() {
            return Err(("languages", "name at least one: [Chinese, English]".to_string()));
        }
        if let Some(twice) = self.languages.iter().enumerate().find(|(i, l)| self.languages[..*i].contains(l)) {
            return Err(("languages", format!("{:?} is named twice", twice.1)));
        }
        if let KioskValley::Server(url) = &self.valley
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(("valley", format!("{url:?} is not an http:// or https:// address")));
        }
        if let Display::Windowed(w, h) = self.display
            && (!(320..=7680).contains(&w) || !(180..=4320).contains(&h))
        {
            return Err(("display", format!("a {w}×{h} window is outside 320×180 … 7680×4320")));
        }
        self.operator_combination().map_err(|e| ("operator_keys", e))?;
        if let Some(stream) = &self.stream {
            stream.check()?;
        }
        Ok(())
    }
}

/// Line and column (1-based) of `field:` in the text, or of its start when the field is not
/// written (a default that another field contradicts).
fn place_of(text: &str, field: &str) -> (usize, usize) {
    for (n, line) in text.lines().enumerate() {
        if let Some(at) = line.find(field)
            && line[at + field.len()..].trim_start().starts_with(':')
            && !line[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            return (n + 1, line[..at].chars().count() + 1);
        }
    }
    (1, 1)
}
