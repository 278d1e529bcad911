//! Languages of the texts tokenscope writes itself: English and Russian.
//!
//! Every text the diagnosis engine produces exists in both languages
//! ([`Text`]); the UI picks one with a [`Language`]. Russian counts take one
//! of three noun forms ([`plural_ru`]).

use serde::{Deserialize, Serialize};

/// A language of the UI and of the texts tokenscope writes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Language {
    /// English (the default).
    #[default]
    En,
    /// Russian.
    Ru,
}

impl Language {
    /// Both languages, English first.
    pub const ALL: [Self; 2] = [Self::En, Self::Ru];

    /// `en` or `ru`.
    pub fn code(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Ru => "ru",
        }
    }
}

/// One text in both languages.
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

    /// The text in `language`.
    pub fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::Ru => &self.ru,
        }
    }

    /// Whether both translations are there (not blank).
    pub fn is_complete(&self) -> bool {
        !self.en.trim().is_empty() && !self.ru.trim().is_empty()
    }
}

/// The Russian noun form for `count`: `one` for 1, 21, 31… (but not 11),
/// `few` for 2–4, 22–24… (but not 12–14), `many` otherwise
/// ("1 символ, 2 символа, 5 символов"; CLDR plural rules for `ru`).
pub fn plural_ru<'a>(count: u64, one: &'a str, few: &'a str, many: &'a str) -> &'a str {
    let tens = count % 100;
    let units = count % 10;
    if (11..=14).contains(&tens) {
        many
    } else if units == 1 {
        one
    } else if (2..=4).contains(&units) {
        few
    } else {
        many
    }
}

/// The English noun form for `count`: `one` for exactly 1, `other` otherwise.
pub fn plural_en<'a>(count: u64, one: &'a str, other: &'a str) -> &'a str {
    if count == 1 { one } else { other }
}

/// "36 characters" / "36 символов": a count with its noun in both languages.
pub fn count_text(count: u64, en: (&str, &str), ru: (&str, &str, &str)) -> Text {
    Text::new(
        format!("{count} {}", plural_en(count, en.0, en.1)),
        format!("{count} {}", plural_ru(count, ru.0, ru.1, ru.2)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_plural_forms() {
        let form = |n| plural_ru(n, "минута", "минуты", "минут");
        for (n, expected) in [
            (0, "минут"),
            (1, "минута"),
            (2, "минуты"),
            (4, "минуты"),
            (5, "минут"),
            (11, "минут"),
            (12, "минут"),
            (14, "минут"),
            (21, "минута"),
            (22, "минуты"),
            (25, "минут"),
            (101, "минута"),
            (111, "минут"),
        ] {
            assert_eq!(form(n), expected, "{n}");
        }
        assert_eq!(
            count_text(
                36,
                ("character", "characters"),
                ("символ", "символа", "символов")
            ),
            Text::new("36 characters", "36 символов")
        );
        assert_eq!(plural_en(1, "step", "steps"), "step");
    }
}
