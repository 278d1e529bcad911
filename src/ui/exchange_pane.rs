//! The request and response panes of a step: the exchange as it went out
//! and as it came back. A long body shows its first part until the user asks
//! for all of it, and can be saved to a file; what a pane shows is worked out
//! once and kept in egui's frame cache, so a 10 MiB answer is not copied,
//! pretty-printed, masked or laid out again every frame.

use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use egui::RichText;

use crate::model::Command;
use crate::net::exchange::size_text;
use crate::net::{Exchange, RecordedRequest, RecordedResponse};
use crate::oauth::flow::Step;

use super::theme;

/// How much of a body a pane lays out until the user asks for all of it.
pub const BODY_PREVIEW_BYTES: usize = 64 * 1024;

/// How much of each end of a long body goes into the cache key: enough to
/// tell two answers apart without reading megabytes every frame.
const KEY_SAMPLE_BYTES: usize = 4 * 1024;

/// The exchange of a step: a note when the answer was cut at the profile's
/// limit, then the request as sent and the response as received. `masked`
/// (presenter mode) masks secrets and tokens in what is drawn; Save to file
/// writes the body as it came.
pub fn show(
    ui: &mut egui::Ui,
    step: Step,
    exchange: &Exchange,
    masked: bool,
    profile: &crate::oauth::Profile,
    commands: &mut Vec<Command>,
) {
    if let Ok(response) = &exchange.response
        && let Some(bytes) = response.truncated_at
    {
        ui.colored_label(
            theme::warning(ui.visuals()),
            crate::tr!("flow-answer-cut", size = size_text(bytes)),
        );
    }
    ui.columns(2, |columns| {
        if let [request_column, response_column] = columns {
            request_column.push_id((step, "request"), |ui| {
                ui.collapsing(crate::tr!("flow-request-as-sent"), |ui| {
                    request_pane(ui, step, &exchange.request, masked, profile, commands);
                });
            });
            response_column.push_id((step, "response"), |ui| {
                ui.collapsing(
                    crate::tr!("flow-response-as-received"),
                    |ui| match &exchange.response {
                        Ok(response) => response_pane(ui, step, response, masked, commands),
                        Err(error) => {
                            ui.colored_label(theme::error(ui.visuals()), error.to_string());
                        }
                    },
                );
            });
        }
    });
}

fn request_pane(
    ui: &mut egui::Ui,
    step: Step,
    request: &RecordedRequest,
    masked: bool,
    profile: &crate::oauth::Profile,
    commands: &mut Vec<Command>,
) {
    let curl = crate::export::curl_command(
        request,
        Some(profile),
        crate::export::CurlOptions::default(),
    );
    if ui
        .small_button(crate::tr!("flow-copy-curl"))
        .on_hover_text(crate::tr!("flow-copy-curl-hover"))
        .clicked()
    {
        commands.push(Command::Copy(curl));
    }
    let toggle = ui.scope_id().with("show_all");
    let show_all = ui
        .data(|data| data.get_temp::<bool>(toggle))
        .unwrap_or(false);
    let marks = crate::export::redact::SecretMarks::of(profile);
    let key = PaneKey {
        side: Side::Request(request),
        marks: &marks,
        masked,
        show_all,
    };
    let pane = ui.memory_mut(|memory| memory.caches.cache::<PaneCache>().get(key).clone());
    let file_name = format!("tokenscope-{}-request.txt", step_file_name(step));
    body_controls(
        ui,
        &pane,
        (toggle, show_all),
        file_name,
        &request.body,
        commands,
    );
    body_label(ui, &pane);
    if pane.clipped.is_none() {
        super::flow_panel::decoded_assertion(ui, &request.body);
    }
}

fn response_pane(
    ui: &mut egui::Ui,
    step: Step,
    response: &RecordedResponse,
    masked: bool,
    commands: &mut Vec<Command>,
) {
    if response.media_type().contains("html") {
        ui.colored_label(
            theme::warning(ui.visuals()),
            crate::tr!("flow-html-instead"),
        );
    }
    let toggle = ui.scope_id().with("show_all");
    let show_all = ui
        .data(|data| data.get_temp::<bool>(toggle))
        .unwrap_or(false);
    let no_marks = crate::export::redact::SecretMarks::default();
    let key = PaneKey {
        side: Side::Response(response),
        marks: &no_marks,
        masked,
        show_all,
    };
    let pane = ui.memory_mut(|memory| memory.caches.cache::<PaneCache>().get(key).clone());
    let file_name = format!(
        "tokenscope-{}-response.{}",
        step_file_name(step),
        file_extension(response)
    );
    body_controls(
        ui,
        &pane,
        (toggle, show_all),
        file_name,
        &response.body,
        commands,
    );
    body_label(ui, &pane);
}

fn body_label(ui: &mut egui::Ui, pane: &PaneText) {
    ui.add(
        egui::Label::new(RichText::new(pane.text.as_ref()).monospace())
            .wrap()
            .selectable(true),
    );
}

/// Over a long body (under a 10 MiB one they would be out of reach): how
/// much is shown, Show all / the first part, Save to file…. Whether all is shown is view state, kept by egui under `toggle`.
fn body_controls(
    ui: &mut egui::Ui,
    pane: &PaneText,
    (toggle, show_all): (egui::Id, bool),
    file_name: String,
    body: &[u8],
    commands: &mut Vec<Command>,
) {
    if body.len() <= BODY_PREVIEW_BYTES {
        return;
    }
    ui.horizontal_wrapped(|ui| {
        if pane.clipped.is_some() {
            ui.weak(crate::tr!(
                "flow-body-preview",
                shown = size_text(u64::try_from(BODY_PREVIEW_BYTES).unwrap_or(u64::MAX)),
                total = size_text(u64::try_from(body.len()).unwrap_or(u64::MAX))
            ));
        }
        let label = if show_all {
            crate::tr!("flow-body-show-less")
        } else {
            crate::tr!("flow-body-show-all")
        };
        if ui.small_button(label).clicked() {
            ui.data_mut(|data| data.insert_temp(toggle, !show_all));
        }
        if ui
            .small_button(crate::tr!("flow-body-save"))
            .on_hover_text(crate::tr!("flow-body-save-hover"))
            .clicked()
        {
            commands.push(Command::SaveBody {
                name: file_name,
                body: body.to_vec(),
            });
        }
    });
}

/// `token`, `client-credentials`, … for a saved body's file name.
fn step_file_name(step: Step) -> String {
    serde_json::to_value(step)
        .ok()
        .and_then(|value| value.as_str().map(|s| s.replace('_', "-")))
        .unwrap_or_else(|| "step".to_owned())
}

/// A saved answer's extension, from its media type.
fn file_extension(response: &RecordedResponse) -> &'static str {
    let media_type = response.media_type();
    if media_type.contains("json") {
        "json"
    } else if media_type.contains("html") {
        "html"
    } else if media_type.contains("jwt") {
        "jwt"
    } else {
        "txt"
    }
}

/// What a pane draws: the start line, the headers and the body (or its first part).
#[derive(Clone, Debug, Default)]
struct PaneText {
    text: Arc<str>,
    /// The body's whole length, when only its first part is in `text`.
    clipped: Option<usize>,
}

#[derive(Clone, Copy)]
enum Side<'a> {
    Request(&'a RecordedRequest),
    Response(&'a RecordedResponse),
}

/// What a pane's text depends on. Hashed cheaply (never a whole long body):
/// the frame cache recomputes only when this changes.
#[derive(Clone, Copy)]
struct PaneKey<'a> {
    side: Side<'a>,
    /// The profile's values marked secret, masked with the rest.
    marks: &'a crate::export::redact::SecretMarks,
    masked: bool,
    show_all: bool,
}

impl Hash for PaneKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.masked.hash(state);
        self.show_all.hash(state);
        self.marks.hash(state);
        match self.side {
            Side::Request(request) => {
                0_u8.hash(state);
                request.method.hash(state);
                request.url.hash(state);
                request.headers.hash(state);
                hash_body(&request.body, state);
            }
            Side::Response(response) => {
                1_u8.hash(state);
                response.status.hash(state);
                response.version.hash(state);
                response.headers.hash(state);
                response.truncated_at.hash(state);
                hash_body(&response.body, state);
            }
        }
    }
}

/// The length and both ends of a body.
fn hash_body<H: Hasher>(body: &[u8], state: &mut H) {
    body.len().hash(state);
    body.iter()
        .take(KEY_SAMPLE_BYTES)
        .for_each(|b| b.hash(state));
    body.iter()
        .skip(body.len().saturating_sub(KEY_SAMPLE_BYTES))
        .for_each(|b| b.hash(state));
}

#[derive(Default)]
struct PaneComputer;

type PaneCache = egui::cache::FrameCache<PaneText, PaneComputer>;

impl<'a> egui::cache::ComputerMut<PaneKey<'a>, PaneText> for PaneComputer {
    fn compute(&mut self, key: PaneKey<'a>) -> PaneText {
        match key.side {
            Side::Request(request) => {
                let redacted;
                let request = if key.masked {
                    redacted = crate::export::redact::redact_request(request, key.marks);
                    &redacted
                } else {
                    request
                };
                let mut text = format!("{} {}\n", request.method, request.url);
                for (name, value) in &request.headers {
                    let _ = writeln!(text, "{name}: {value}");
                }
                let mut clipped = None;
                if !request.body.is_empty() {
                    text.push('\n');
                    let (body, cut) = body_text(&request.body, key.show_all, |bytes| {
                        String::from_utf8_lossy(bytes).into_owned()
                    });
                    text.push_str(&body);
                    clipped = cut;
                }
                PaneText {
                    text: text.into(),
                    clipped,
                }
            }
            Side::Response(response) => {
                let redacted;
                let response = if key.masked {
                    redacted = crate::export::redact::redact_response(response);
                    &redacted
                } else {
                    response
                };
                let mut text = format!(
                    "{} {} {}\n",
                    response.version, response.status, response.reason
                );
                for (name, value) in &response.headers {
                    let _ = writeln!(text, "{name}: {value}");
                }
                text.push('\n');
                let (body, clipped) =
                    body_text(&response.body, key.show_all, |_| pretty_body(response));
                text.push_str(&body);
                PaneText {
                    text: text.into(),
                    clipped,
                }
            }
        }
    }
}

/// The body as a pane shows it: `whole` of all of it when it is short or the
/// user asked for all, else the first [`BODY_PREVIEW_BYTES`] as they came
/// (cut on a character boundary) and the whole length.
fn body_text(
    body: &[u8],
    show_all: bool,
    whole: impl FnOnce(&[u8]) -> String,
) -> (String, Option<usize>) {
    if show_all || body.len() <= BODY_PREVIEW_BYTES {
        return (whole(body), None);
    }
    let head = utf8_prefix(body, BODY_PREVIEW_BYTES);
    (String::from_utf8_lossy(head).into_owned(), Some(body.len()))
}

/// At most `limit` bytes from the start, never ending inside a UTF-8
/// character (invalid bytes are left to the lossy decoding).
pub fn utf8_prefix(bytes: &[u8], limit: usize) -> &[u8] {
    if bytes.len() <= limit {
        return bytes;
    }
    let mut end = limit;
    // A character is at most 4 bytes: step back over at most 3 continuation bytes.
    while end > limit.saturating_sub(3) && bytes.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
        end -= 1;
    }
    bytes.get(..end).unwrap_or(bytes)
}

/// JSON pretty-printed, form bodies one field a line, anything else as text.
fn pretty_body(response: &RecordedResponse) -> String {
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(&response.body) {
        return serde_json::to_string_pretty(&value).unwrap_or_else(|_| response.text());
    }
    if response.media_type() == "application/x-www-form-urlencoded" {
        return form_urlencoded::parse(&response.body)
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("\n");
    }
    response.text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preview_never_ends_inside_a_character() {
        // "Ж" is two bytes, "🔑" four: every cut point lands on a boundary.
        for text in ["ЖЖЖЖЖЖЖЖ", "🔑🔑🔑🔑", "a\u{200f}שלוםb"] {
            for limit in 0..text.len() {
                let head = utf8_prefix(text.as_bytes(), limit);
                assert!(head.len() <= limit);
                assert!(std::str::from_utf8(head).is_ok(), "{text} at {limit}");
                assert!(head.len() + 3 >= limit, "backs off at most 3 bytes");
            }
        }
        // Invalid UTF-8 does not make it walk back further than a character.
        let invalid = [0x80_u8; 16];
        assert_eq!(utf8_prefix(&invalid, 8).len(), 5);
    }

    #[test]
    fn a_long_body_shows_its_first_part_and_its_length() {
        let body = "Ошибка: ".repeat(20_000);
        let (text, clipped) = body_text(body.as_bytes(), false, |_| unreachable!());
        assert_eq!(clipped, Some(body.len()));
        assert!(text.len() <= BODY_PREVIEW_BYTES && text.len() + 3 >= BODY_PREVIEW_BYTES);
        assert!(!text.contains(char::REPLACEMENT_CHARACTER));
        let (all, clipped) = body_text(body.as_bytes(), true, |b| {
            String::from_utf8_lossy(b).into_owned()
        });
        assert_eq!((all.len(), clipped), (body.len(), None));
    }
}
