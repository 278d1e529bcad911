//! Every word the user reads, in English and Russian.
//!
//! Messages live in Fluent files (`assets/locales/{en,ru}/tokenscope.ftl`),
//! compiled into the binary. Fluent picks the plural form by the language's
//! CLDR rules, so Russian reads "1 минута, 2 минуты, 5 минут".
//!
//! The language is per thread: the app sets it at the start of every frame
//! from its workspace ([`set_language`]), so a switch takes effect on the next
//! frame without a restart, and two windows (or two UI tests running side by
//! side) never see each other's choice. Code that runs elsewhere (the CLI, a
//! background job) gets English unless it sets the language itself.

use std::borrow::Cow;
use std::cell::Cell;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use serde::{Deserialize, Serialize};

/// Arguments for a message with placeholders (`{ $count }`).
pub type Args<'a> = FluentArgs<'a>;

/// A language tokenscope speaks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English, the default.
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Language {
    /// Every language, in menu order.
    pub const ALL: [Self; 2] = [Self::En, Self::Ru];

    /// The BCP 47 tag (`en`, `ru`).
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ru => "ru",
        }
    }

    /// The language's name in itself, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Ru => "Русский",
        }
    }

    /// The language of a locale tag such as `ru-RU`, `ru_RU.UTF-8` or `en`.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag
            .split(['-', '_', '.', '@'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Self::En),
            "ru" => Some(Self::Ru),
            _ => None,
        }
    }

    /// The language of the user's system, English when it is neither.
    pub fn system() -> Self {
        sys_locale::get_locales()
            .find_map(|tag| Self::from_tag(&tag))
            .unwrap_or_default()
    }

    /// The message files, one per part of the app (the same names in every
    /// language).
    fn sources(self) -> [&'static str; 8] {
        match self {
            Self::En => [
                include_str!("../assets/locales/en/tokenscope.ftl"),
                include_str!("../assets/locales/en/verification.ftl"),
                include_str!("../assets/locales/en/diagnosis.ftl"),
                include_str!("../assets/locales/en/profiles.ftl"),
                include_str!("../assets/locales/en/flow.ftl"),
                include_str!("../assets/locales/en/sd_jwt.ftl"),
                include_str!("../assets/locales/en/jwe.ftl"),
                include_str!("../assets/locales/en/fapi.ftl"),
            ],
            Self::Ru => [
                include_str!("../assets/locales/ru/tokenscope.ftl"),
                include_str!("../assets/locales/ru/verification.ftl"),
                include_str!("../assets/locales/ru/diagnosis.ftl"),
                include_str!("../assets/locales/ru/profiles.ftl"),
                include_str!("../assets/locales/ru/flow.ftl"),
                include_str!("../assets/locales/ru/sd_jwt.ftl"),
                include_str!("../assets/locales/ru/jwe.ftl"),
                include_str!("../assets/locales/ru/fapi.ftl"),
            ],
        }
    }
}

impl std::fmt::Display for Language {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// One text in both languages, for data that carries its own translations
/// (the error catalogue's entries) and for texts that must be given in both
/// (`tokenscope run --json`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    /// English.
    pub en: String,
    /// Russian.
    pub ru: String,
}

impl Text {
    /// A text from its two translations.
    pub fn new(en: impl Into<String>, ru: impl Into<String>) -> Self {
        Self {
            en: en.into(),
            ru: ru.into(),
        }
    }

    /// The message `id` with `args`, in both languages.
    pub fn message(id: &str, args: Option<&Args<'_>>) -> Self {
        Self {
            en: translate(Language::En, id, args),
            ru: translate(Language::Ru, id, args),
        }
    }

    /// The text in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Ru => &self.ru,
        }
    }

    /// The text in this thread's language.
    pub fn current(&self) -> &str {
        self.get(language())
    }

    /// Whether both translations are there (not blank).
    pub fn is_complete(&self) -> bool {
        !self.en.trim().is_empty() && !self.ru.trim().is_empty()
    }
}

/// The message `id` in both languages: `text!("lint-too-short", name = "state", have = n, need = 36)`.
#[macro_export]
macro_rules! text {
    ($id:literal) => {
        $crate::i18n::Text::message($id, None)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $(args.set(stringify!($name), $value);)+
        $crate::i18n::Text::message($id, Some(&args))
    }};
}

thread_local! {
    static CURRENT: Cell<Language> = const { Cell::new(Language::En) };
}

/// Makes `language` the one this thread's messages are written in.
pub fn set_language(language: Language) {
    CURRENT.with(|current| current.set(language));
}

/// The language this thread's messages are written in.
pub fn language() -> Language {
    CURRENT.with(Cell::get)
}

struct Bundles {
    en: FluentBundle<FluentResource>,
    ru: FluentBundle<FluentResource>,
}

fn bundles() -> &'static Bundles {
    static BUNDLES: OnceLock<Bundles> = OnceLock::new();
    BUNDLES.get_or_init(|| Bundles {
        en: bundle(Language::En),
        ru: bundle(Language::Ru),
    })
}

fn bundle(language: Language) -> FluentBundle<FluentResource> {
    let tag = language
        .code()
        .parse()
        .unwrap_or_else(|_| unic_langid::LanguageIdentifier::default());
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    // Unicode isolation marks around placeables have no glyph in egui's
    // fonts, and the UI is left-to-right only.
    bundle.set_use_isolating(false);
    for source in language.sources() {
        // A syntax error keeps the messages that parsed; the parity and
        // syntax tests below make sure there are none.
        let resource =
            FluentResource::try_new(source.to_owned()).unwrap_or_else(|(partial, _errors)| partial);
        // Duplicate ids keep the first; the tests reject them too.
        let _ = bundle.add_resource(resource);
    }
    bundle
}

/// The message `id` in `language`, with `args` filled in. Falls back to
/// English, then to the id itself, so a missing translation shows as text
/// rather than a crash (the tests make sure there is none).
pub fn translate(language: Language, id: &str, args: Option<&Args<'_>>) -> String {
    let all = bundles();
    let primary = match language {
        Language::En => &all.en,
        Language::Ru => &all.ru,
    };
    format_in(primary, id, args)
        .or_else(|| format_in(&all.en, id, args))
        .unwrap_or_else(|| id.to_owned())
}

fn format_in(
    bundle: &FluentBundle<FluentResource>,
    id: &str,
    args: Option<&Args<'_>>,
) -> Option<String> {
    let pattern = bundle.get_message(id)?.value()?;
    let mut errors = Vec::new();
    let text: Cow<'_, str> = bundle.format_pattern(pattern, args, &mut errors);
    Some(text.into_owned())
}

/// The message `id` in this thread's language.
pub fn tr(id: &str) -> String {
    translate(language(), id, None)
}

/// The message `id` in this thread's language, with `args` filled in.
pub fn tr_args(id: &str, args: &Args<'_>) -> String {
    translate(language(), id, Some(args))
}

/// The message `id` in the current language:
/// `tr!("top-open-file")`, or with arguments `tr!("top-pasted", size = text)`.
#[macro_export]
macro_rules! tr {
    ($id:literal) => {
        $crate::i18n::tr($id)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::i18n::Args::new();
        $(args.set(stringify!($name), $value);)+
        $crate::i18n::tr_args($id, &args)
    }};
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use fluent_bundle::FluentResource;
    use fluent_syntax::ast;

    use super::*;

    fn ids(language: Language) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        for (n, source) in language.sources().into_iter().enumerate() {
            let resource = match FluentResource::try_new(source.to_owned()) {
                Ok(resource) => resource,
                Err((_, errors)) => panic!("{language} file {n}: syntax errors {errors:?}"),
            };
            for entry in resource.entries() {
                if let ast::Entry::Message(message) = entry {
                    let id = message.id.name.to_owned();
                    assert!(ids.insert(id.clone()), "{language}: {id} is defined twice");
                    assert!(message.value.is_some(), "{language}: {id} has no value");
                }
            }
        }
        ids
    }

    #[test]
    fn both_languages_have_the_same_messages() {
        let en = ids(Language::En);
        let ru = ids(Language::Ru);
        let only_en: Vec<_> = en.difference(&ru).collect();
        let only_ru: Vec<_> = ru.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in Russian: {only_en:?}");
        assert!(only_ru.is_empty(), "missing in English: {only_ru:?}");
    }

    /// Every `tr!("…")` in the source names a message that exists.
    #[test]
    fn every_message_used_exists() {
        let en = ids(Language::En);
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap_or_default();
                    for id in used_ids(&text) {
                        if !en.contains(id) {
                            missing.push(format!("{}: {id}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "messages used but not defined: {missing:?}"
        );
    }

    fn used_ids(text: &str) -> impl Iterator<Item = &str> {
        ["tr!(\"", "text!(\""]
            .into_iter()
            .flat_map(|open| text.match_indices(open))
            .filter_map(|(at, open)| {
                let rest = &text[at + open.len()..];
                let id = &rest[..rest.find('"')?];
                (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                    .then_some(id)
            })
    }

    #[test]
    fn russian_plurals_follow_cldr() {
        let minutes = |n: i64| {
            let mut args = Args::new();
            args.set("count", n);
            translate(Language::Ru, "unit-minutes", Some(&args))
        };
        assert_eq!(minutes(1), "1 минута");
        assert_eq!(minutes(2), "2 минуты");
        assert_eq!(minutes(5), "5 минут");
        assert_eq!(minutes(21), "21 минута");
        assert_eq!(minutes(12), "12 минут");
    }

    #[test]
    fn english_is_the_fallback_and_the_id_the_last_resort() {
        assert_eq!(
            translate(Language::Ru, "no-such-message", None),
            "no-such-message"
        );
    }

    #[test]
    fn language_tags() {
        assert_eq!(Language::from_tag("ru_RU.UTF-8"), Some(Language::Ru));
        assert_eq!(Language::from_tag("en-GB"), Some(Language::En));
        assert_eq!(Language::from_tag("de"), None);
        assert_eq!(Language::from_tag("C"), None);
    }

    #[test]
    fn the_language_is_per_thread() {
        set_language(Language::Ru);
        let other = std::thread::scope(|s| s.spawn(language).join());
        assert_eq!(other.ok(), Some(Language::En));
        assert_eq!(language(), Language::Ru);
        set_language(Language::En);
    }
}
