//! Every user-facing string in Simplified Chinese and English, from Fluent catalogues
//! (`assets/i18n/<language>/*.ftl`, built into the binary). The language is the process's
//! one setting (the OS's, `--lang`, or the settings screen), read by [`t!`] wherever text is
//! made; [`t_in!`] names a language for screens that show several at once (the show floor).
//! A key missing from a catalogue shows as the key itself, and the tests refuse it.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

pub mod catalogue_files;

/// A language the game is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    /// 简体中文.
    ZhCn,
    En,
}

impl Lang {
    /// In the order of [`Lang::index`].
    pub const ALL: [Lang; 2] = [Lang::ZhCn, Lang::En];

    /// The BCP 47 tag `--lang` takes and the catalogue's folder is named by.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::ZhCn => "zh-CN",
            Lang::En => "en",
        }
    }

    /// The language's own name (for the settings' switch).
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::ZhCn => "简体中文",
            Lang::En => "English",
        }
    }

    /// A tag as people write them: zh-CN, zh_CN.UTF-8, zh-Hans, zh, en-US, en_GB…
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let base = tag.split(['-', '_', '.', '@']).next().unwrap_or("").to_ascii_lowercase();
        match base.as_str() {
            "zh" => Some(Lang::ZhCn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// The OS's (or the browser's) preferred language when it is one of ours, else English.
    pub fn from_system(locales: impl IntoIterator<Item = String>) -> Lang {
        locales.into_iter().find_map(|l| Lang::from_tag(&l)).unwrap_or(Lang::En)
    }

    fn index(self) -> usize {
        match self {
            Lang::ZhCn => 0,
            Lang::En => 1,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Lang, String> {
        Lang::ALL.into_iter().find(|l| l.tag() == s).ok_or_else(|| format!("unknown language '{s}': say zh-CN or en"))
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.tag())
    }
}

/// The process's language (English until told otherwise).
static CURRENT: AtomicU8 = AtomicU8::new(1);

pub fn lang() -> Lang {
    Lang::ALL[CURRENT.load(Ordering::Relaxed) as usize]
}

pub fn set_lang(lang: Lang) {
    CURRENT.store(lang.index() as u8, Ordering::Relaxed);
}

/// The OS's preferred languages, in order (the browser's `navigator.languages` in a page).
pub fn system_lang() -> Lang {
    Lang::from_system(sys_locale::get_locales())
}

/// One language's catalogue: its messages and the problems found building it.
pub struct Catalogue {
    bundle: FluentBundle<FluentResource>,
    pub problems: Vec<String>,
}

impl Catalogue {
    /// Builds a catalogue from (file name, text) pairs. Syntax errors and keys defined twice
    /// are collected in `problems` with the file's name; the rest of the file still loads.
    pub fn build(lang: Lang, files: &[(&str, &str)]) -> Catalogue {
        let id: unic_langid::LanguageIdentifier = lang.tag().parse().expect("our tags are valid");
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // Fluent wraps arguments in Unicode isolation marks by default; egui draws them as boxes.
        bundle.set_use_isolating(false);
        let mut problems = Vec::new();
        for (name, text) in files {
            let resource = match FluentResource::try_new(text.to_string()) {
                Ok(r) => r,
                Err((r, errors)) => {
                    problems.extend(errors.iter().map(|e| format!("{}/{name}: {e}", lang.tag())));
                    r
                }
            };
            if let Err(errors) = bundle.add_resource(resource) {
                problems.extend(errors.iter().map(|e| format!("{}/{name}: {e}", lang.tag())));
            }
        }
        Catalogue { bundle, problems }
    }

    pub fn has(&self, key: &str) -> bool {
        self.bundle.get_message(key).and_then(|m| m.value()).is_some()
    }

    /// The message `key` with its arguments; the key itself when missing.
    pub fn format(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        self.get(key, args).unwrap_or_else(|| key.to_string())
    }

    /// The message `key` with its arguments, if the catalogue has it.
    pub fn get(&self, key: &str, args: &[(&str, FluentValue<'_>)]) -> Option<String> {
        let pattern = self.bundle.get_message(key).and_then(|m| m.value())?;
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        let mut errors = Vec::new();
        let text: Cow<str> = self.bundle.format_pattern(pattern, if args.is_empty() { None } else { Some(&fluent_args) }, &mut errors);
        Some(text.into_owned())
    }
}

/// The built-in catalogue of a language (built once, on first use).
pub fn catalogue(lang: Lang) -> &'static Catalogue {
    static BUILT: [OnceLock<Catalogue>; 2] = [OnceLock::new(), OnceLock::new()];
    BUILT[lang.index()].get_or_init(|| Catalogue::build(lang, catalogue_files::files(lang)))
}

/// The message `key` in `lang`.
pub fn tr_in(lang: Lang, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    catalogue(lang).format(key, args)
}

/// The message `key` in the process's language.
pub fn tr(key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    tr_in(lang(), key, args)
}

/// The name of a built-in thing the data files name in English (a task, an upgrade, a
/// landmark, a level…): the catalogue's `<kind>-<id>` where it has one, else the data's own.
pub fn named(kind: &str, id: &str, fallback: &str) -> String {
    named_in(lang(), kind, id, fallback)
}

pub fn named_in(lang: Lang, kind: &str, id: &str, fallback: &str) -> String {
    catalogue(lang).get(&format!("{kind}-{id}"), &[]).unwrap_or_else(|| fallback.to_string())
}

/// `t!("key")` or `t!("key", name = value, …)`: the message in the process's language.
/// Values are anything Fluent takes: strings, or numbers (which plurals select on).
#[macro_export]
macro_rules! t {
    ($key:literal) => {
        $crate::i18n::tr($key, &[])
    };
    ($key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::tr($key, &[$((stringify!($name), ::fluent_bundle::FluentValue::from($value))),+])
    };
}

/// `t_in!(lang, "key", name = value, …)`: the message in a named language.
#[macro_export]
macro_rules! t_in {
    ($lang:expr, $key:literal) => {
        $crate::i18n::tr_in($lang, $key, &[])
    };
    ($lang:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {
        $crate::i18n::tr_in($lang, $key, &[$((stringify!($name), ::fluent_bundle::FluentValue::from($value))),+])
    };
}
