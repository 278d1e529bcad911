//! The authorization request as a reader sees it: a table of its
//! parameters, each with what it is for, above the raw URL, with Copy URL.

use egui::RichText;
use egui_extras::{Column, TableBuilder};

use crate::export::redact::SecretMarks;
use crate::model::Command;

/// Parameters with a meaning in the catalogue of this view (OAuth 2.0,
/// OIDC Core §3.1.2.1, PKCE, RFC 8707, PAR and JAR, `DPoP`); anything else is
/// shown without one.
const KNOWN_PARAMETERS: &[&str] = &[
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "response_mode",
    "prompt",
    "login_hint",
    "max_age",
    "acr_values",
    "ui_locales",
    "claims",
    "display",
    "id_token_hint",
    "request",
    "request_uri",
    "resource",
    "audience",
    "dpop_jkt",
];

/// The parameters of an authorization URL, in order, decoded; empty when
/// it has no query.
pub fn parameters(url: &str) -> Vec<(String, String)> {
    let without_fragment = url.split_once('#').map_or(url, |(before, _)| before);
    let Some((_, query)) = without_fragment.split_once('?') else {
        return Vec::new();
    };
    form_urlencoded::parse(query.as_bytes())
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// What a parameter is for, in the window's language; `None` for one this
/// view does not know.
pub fn meaning(name: &str) -> Option<String> {
    KNOWN_PARAMETERS
        .contains(&name)
        .then(|| crate::i18n::tr(&format!("authorize-param-{}", name.replace('_', "-"))))
}

/// Copy URL, the parameter table, then the raw URL; in presenter mode
/// (`masked`: the profile's secret marks) values masked as everywhere on
/// screen ([`crate::export::redact::presenter_value`]) and no raw URL.
pub fn show(
    ui: &mut egui::Ui,
    url: &str,
    masked: Option<&SecretMarks>,
    commands: &mut Vec<Command>,
) {
    if ui
        .small_button(crate::tr!("flow-copy-url"))
        .on_hover_text(crate::tr!("flow-copy-url-hover"))
        .clicked()
    {
        commands.push(Command::Copy(url.to_owned()));
    }
    let rows = parameters(url);
    if !rows.is_empty() {
        ui.push_id(("authorize_parameters", url.len()), |ui| {
            table(ui, &rows, masked);
        });
    }
    if masked.is_none() {
        ui.add(
            egui::Label::new(RichText::new(url).monospace().small())
                .wrap()
                .selectable(true),
        );
    }
}

fn table(ui: &mut egui::Ui, rows: &[(String, String)], masked: Option<&SecretMarks>) {
    let row_height = ui.text_style_height(&egui::TextStyle::Body) + 4.0;
    TableBuilder::new(ui)
        .striped(true)
        .vscroll(false)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
        .column(Column::auto().at_least(90.0))
        .column(Column::initial(300.0).at_least(120.0).clip(true))
        .column(Column::remainder().at_least(160.0).clip(true))
        .header(row_height, |mut header| {
            for title in [
                crate::tr!("authorize-column-parameter"),
                crate::tr!("authorize-column-value"),
                crate::tr!("authorize-column-meaning"),
            ] {
                header.col(|ui| {
                    ui.strong(title);
                });
            }
        })
        .body(|body| {
            body.rows(row_height, rows.len(), |mut row| {
                let Some((name, value)) = rows.get(row.index()) else {
                    return;
                };
                row.col(|ui| {
                    ui.label(RichText::new(name).monospace());
                });
                row.col(|ui| {
                    let shown = match masked {
                        Some(marks) => crate::export::redact::presenter_value(name, value, marks),
                        None => value.clone(),
                    };
                    let label = ui.label(RichText::new(shown).monospace());
                    if masked.is_none() {
                        label.on_hover_text(value);
                    }
                });
                row.col(|ui| match meaning(name) {
                    Some(text) => {
                        ui.label(&text).on_hover_text(text);
                    }
                    None => {
                        ui.weak(crate::tr!("authorize-param-unknown"));
                    }
                });
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parameters_are_decoded_in_order_and_hostile_urls_give_none() {
        let url = "https://op.example/auth?response_type=code&scope=openid%20profile&state=%D0%96%F0%9F%94%91&x=1#frag=2";
        assert_eq!(
            parameters(url),
            [
                ("response_type".to_owned(), "code".to_owned()),
                ("scope".to_owned(), "openid profile".to_owned()),
                ("state".to_owned(), "Ж🔑".to_owned()),
                ("x".to_owned(), "1".to_owned()),
            ]
        );
        assert!(parameters("https://op.example/auth").is_empty());
        assert!(parameters("").is_empty());
        // Invalid percent-encoding and bytes are kept lossily, never a panic.
        assert_eq!(parameters("?a=%FF%&b")[0].0, "a");
    }

    #[test]
    fn every_known_parameter_has_a_meaning_in_both_languages() {
        for language in [crate::i18n::Language::En, crate::i18n::Language::Ru] {
            crate::i18n::set_language(language);
            for name in KNOWN_PARAMETERS {
                let text = meaning(name).unwrap_or_default();
                assert!(
                    !text.is_empty() && !text.starts_with("authorize-param"),
                    "{name}: {text}"
                );
            }
        }
        crate::i18n::set_language(crate::i18n::Language::En);
        assert_eq!(meaning("x-custom"), None);
    }
}
