//! The request and response panes of a step: the exchange as it went out
//! and as it came back. A long body shows its first part until the user asks
//! for all of it, and can be saved to a file; what a pane shows is worked out
//! once and kept in egui's frame cache, so a 10 MiB answer is not copied,
//! pretty-printed, masked or laid out again every frame.

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

/// The height a body gets before it scrolls in its pane.
const BODY_PANE_HEIGHT: f32 = 280.0;

/// How much of each end of a long body goes into the cache key: enough to
/// tell two answers apart without reading megabytes every frame.
const KEY_SAMPLE_BYTES: usize = 4 * 1024;

/// How a step's exchange is drawn.
#[derive(Clone, Copy, Debug)]
pub struct PaneView {
    /// Presenter mode: secrets and tokens masked in what is drawn.
    pub masked: bool,
    /// The step in focus: its panes open; every other step's fold.
    pub open: bool,
    /// Changes when the focus moves or a step is recorded: the panes then
    /// open or fold afresh, and what the user opened by hand stays so until then.
    pub generation: u64,
}

/// The exchange of a step: a note when the answer was cut at the profile's
/// limit, then the request as sent and the response as received. Save to
/// file writes the body as it came.
pub fn show(
    ui: &mut egui::Ui,
    step: Step,
    exchange: &Exchange,
    view: PaneView,
    profile: &crate::oauth::Profile,
    commands: &mut Vec<Command>,
) {
    let masked = view.masked;
    if let Ok(response) = &exchange.response
        && let Some(bytes) = response.truncated_at
    {
        ui.colored_label(
            theme::warning(ui.visuals()),
            crate::tr!("flow-answer-cut", size = size_text(bytes)),
        );
    }
    let request_side = |ui: &mut egui::Ui, commands: &mut Vec<Command>| {
        ui.push_id((step, "request"), |ui| {
            egui::CollapsingHeader::new(crate::tr!("flow-request-as-sent"))
                .id_salt(view.generation)
                .default_open(view.open)
                .show(ui, |ui| {
                    request_pane(ui, step, &exchange.request, masked, profile, commands);
                });
        });
    };
    let response_side = |ui: &mut egui::Ui, commands: &mut Vec<Command>| {
        ui.push_id((step, "response"), |ui| {
            egui::CollapsingHeader::new(crate::tr!("flow-response-as-received"))
                .id_salt(view.generation)
                .default_open(view.open)
                .show(ui, |ui| match &exchange.response {
                    Ok(response) => response_pane(ui, step, response, masked, commands),
                    Err(error) => {
                        ui.colored_label(theme::error(ui.visuals()), error.to_string());
                    }
                });
        });
    };
    if masked {
        // Presenter mode: the key parts, one above the other and always
        // open (on the stage's narrow column side by side would wrap every
        // line); the start lines say which way each goes.
        let marks = crate::export::redact::SecretMarks::of(profile);
        ui.push_id((step, "sent"), |ui| {
            key_parts_pane(ui, Side::Request(&exchange.request), &marks);
            match &exchange.response {
                Ok(response) => key_parts_pane(ui, Side::Response(response), &marks),
                Err(error) => {
                    ui.colored_label(theme::error(ui.visuals()), error.to_string());
                }
            }
        });
        return;
    }
    ui.columns(2, |columns| {
        if let [request_column, response_column] = columns {
            request_side(request_column, commands);
            response_side(response_column, commands);
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
        full_tokens: false,
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
    pane_label(ui, &pane);
    if pane.clipped.is_none() {
        super::flow_panel::decoded_request_jwts(ui, &request.body, request.header("DPoP"));
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
    let full_toggle = ui.scope_id().with("full_tokens");
    let full_tokens = ui
        .data(|data| data.get_temp::<bool>(full_toggle))
        .unwrap_or(false);
    let no_marks = crate::export::redact::SecretMarks::default();
    let key = PaneKey {
        side: Side::Response(response),
        marks: &no_marks,
        masked,
        show_all,
        full_tokens,
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
    if pane.shortened > 0 || full_tokens {
        let label = if full_tokens {
            crate::tr!("flow-tokens-shorten")
        } else {
            crate::tr!("flow-tokens-in-full", count = pane.shortened)
        };
        if ui.small_button(label).clicked() {
            ui.data_mut(|data| data.insert_temp(full_toggle, !full_tokens));
        }
    }
    pane_label(ui, &pane);
}

/// The key parts of a request not sent yet (presenter mode's next step).
pub fn request_key_parts(
    ui: &mut egui::Ui,
    request: &RecordedRequest,
    marks: &crate::export::redact::SecretMarks,
) {
    ui.push_id("next_request", |ui| {
        key_parts_pane(ui, Side::Request(request), marks);
    });
}

/// One side's key parts (presenter mode), worked out once per exchange.
fn key_parts_pane(ui: &mut egui::Ui, side: Side<'_>, marks: &crate::export::redact::SecretMarks) {
    let key = PaneKey {
        side,
        marks,
        masked: true,
        show_all: false,
        full_tokens: false,
    };
    let pane = ui.memory_mut(|memory| memory.caches.cache::<PaneCache>().get(key).clone());
    let arrow = match side {
        Side::Request(_) => "→",
        Side::Response(_) => "←",
    };
    ui.add(egui::Label::new(RichText::new(format!("{arrow} {}", pane.start_line)).strong()).wrap());
    // A row a field: on the stage's narrow column a long value is cut to
    // the column (whole on hover) rather than wrapped onto the next rows.
    let line = ui.text_style_height(&egui::TextStyle::Monospace);
    egui::Grid::new(("key_parts", arrow))
        .num_columns(2)
        .spacing([12.0, 0.0])
        .min_row_height(line)
        .show(ui, |ui| {
            for (name, value) in pane.headers.iter() {
                ui.label(RichText::new(name).monospace().weak());
                ui.add(egui::Label::new(RichText::new(value).monospace()).truncate());
                ui.end_row();
            }
        });
}

/// The start line, the headers as a table, then the body.
fn pane_label(ui: &mut egui::Ui, pane: &PaneText) {
    ui.add(
        egui::Label::new(RichText::new(pane.start_line.as_ref()).monospace().strong())
            .wrap()
            .selectable(true),
    );
    if !pane.headers.is_empty() {
        egui::Grid::new("headers")
            .num_columns(2)
            .striped(true)
            .spacing([12.0, 2.0])
            .show(ui, |ui| {
                for (name, value) in pane.headers.iter() {
                    ui.label(RichText::new(name).monospace().small().weak());
                    ui.add(
                        egui::Label::new(RichText::new(value).monospace().small())
                            .wrap()
                            .selectable(true),
                    );
                    ui.end_row();
                }
            });
    }
    if !pane.body.is_empty() {
        ui.add_space(4.0);
        // A long body scrolls in place, so an open pane never pushes the
        // next step's card far down the panel.
        egui::ScrollArea::vertical()
            .id_salt("body")
            .max_height(BODY_PANE_HEIGHT)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                ui.add(
                    egui::Label::new(RichText::new(pane.body.as_ref()).monospace())
                        .wrap()
                        .selectable(true),
                );
            });
    }
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
    /// `POST https://…` or `HTTP/1.1 200 OK`.
    start_line: Arc<str>,
    headers: Arc<[(String, String)]>,
    body: Arc<str>,
    /// The body's whole length, when only its first part is in `body`.
    clipped: Option<usize>,
    /// How many token values the body shows shortened.
    shortened: usize,
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
    /// Token values in a response body shown whole rather than shortened.
    full_tokens: bool,
}

impl PaneKey<'_> {
    /// Presenter mode shows the key parts of an exchange, not its text.
    fn key_parts(&self) -> bool {
        self.masked
    }
}

impl Hash for PaneKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.masked.hash(state);
        self.show_all.hash(state);
        self.full_tokens.hash(state);
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
        if key.key_parts() {
            return key_parts(key.side, key.marks);
        }
        match key.side {
            Side::Request(request) => {
                let redacted;
                let request = if key.masked {
                    redacted = crate::export::redact::redact_request(request, key.marks);
                    &redacted
                } else {
                    request
                };
                let (body, clipped) = body_text(&request.body, key.show_all, |bytes| {
                    String::from_utf8_lossy(bytes).into_owned()
                });
                PaneText {
                    start_line: format!("{} {}", request.method, request.url).into(),
                    headers: request.headers.clone().into(),
                    body: body.into(),
                    clipped,
                    shortened: 0,
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
                let mut shortened = 0;
                let (body, clipped) = body_text(&response.body, key.show_all, |_| {
                    let (text, count) = pretty_body(response, !key.full_tokens);
                    shortened = count;
                    text
                });
                PaneText {
                    start_line: format!(
                        "{} {} {}",
                        response.version, response.status, response.reason
                    )
                    .into(),
                    headers: response.headers.clone().into(),
                    body: body.into(),
                    clipped,
                    shortened,
                }
            }
        }
    }
}

/// Longest value a key-parts row keeps before "…" (the row then truncates
/// it to the column, the whole on hover).
const KEY_PART_VALUE_CHARS: usize = 64;

/// Presenter mode's view of one side of an exchange: what a room follows.
/// The request's method and path, then its fields (query, form body,
/// `Authorization`); the answer's status, then its fields (a JSON object's
/// members, or a form's). Values as presenter mode shows them everywhere
/// ([`crate::export::redact::presenter_value`]).
fn key_parts(side: Side<'_>, marks: &crate::export::redact::SecretMarks) -> PaneText {
    use crate::export::redact::{looks_like_form, presenter_value};
    let mut fields: Vec<(String, String)> = Vec::new();
    let start_line = match side {
        Side::Request(request) => {
            let (without_query, query) = request
                .url
                .split_once('?')
                .map_or((request.url.as_str(), ""), |(base, query)| (base, query));
            // The path is what differs between steps; the host is the profile's.
            let path = without_query
                .split_once("://")
                .and_then(|(_, rest)| rest.find('/').and_then(|at| rest.get(at..)))
                .unwrap_or(without_query);
            for (name, value) in &request.headers {
                if name.eq_ignore_ascii_case("authorization") {
                    let shown = match value.split_once(' ') {
                        Some((scheme, _)) if scheme.eq_ignore_ascii_case("basic") => {
                            format!("{scheme} {}", crate::export::redact::BASIC_PLACEHOLDER)
                        }
                        Some((scheme, token)) => {
                            format!("{scheme} {}", crate::oauth::flow::mask_middle(token))
                        }
                        None => crate::oauth::flow::mask_middle(value),
                    };
                    fields.push((name.clone(), shown));
                }
            }
            let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            if looks_like_form(&request.body) {
                pairs.extend(
                    form_urlencoded::parse(&request.body)
                        .map(|(n, v)| (n.into_owned(), v.into_owned())),
                );
            }
            fields.extend(pairs.into_iter().map(|(name, value)| {
                let shown = presenter_value(&name, &value, marks);
                (name, shown)
            }));
            format!("{} {}", request.method, last_segments(path))
        }
        Side::Response(response) => {
            match serde_json::from_slice::<serde_json::Value>(&response.body) {
                Ok(serde_json::Value::Object(object)) => {
                    for (name, value) in &object {
                        let shown = match value {
                            serde_json::Value::String(text) => presenter_value(name, text, marks),
                            other => crate::export::redact::replace_jwts(
                                &other.to_string(),
                                crate::oauth::flow::mask_middle,
                            ),
                        };
                        fields.push((name.clone(), shown));
                    }
                }
                _ if looks_like_form(response.body.trim_ascii()) => {
                    fields.extend(form_urlencoded::parse(response.body.trim_ascii()).map(
                        |(n, v)| {
                            let shown = presenter_value(&n, &v, marks);
                            (n.into_owned(), shown)
                        },
                    ));
                }
                _ => {
                    let text = crate::export::redact::redact_body(&response.text());
                    if !text.trim().is_empty() {
                        fields.push((String::new(), text.trim().to_owned()));
                    }
                }
            }
            format!(
                "{} {} {}",
                response.version, response.status, response.reason
            )
        }
    };
    let fields: Vec<(String, String)> = fields
        .into_iter()
        .map(|(name, value)| (name, shortened_to(&value, KEY_PART_VALUE_CHARS)))
        .collect();
    PaneText {
        start_line: start_line.into(),
        headers: fields.into(),
        body: Arc::from(""),
        clipped: None,
        shortened: 0,
    }
}

/// The last two segments of a long path (`…/openid-connect/token`): the
/// host and realm are the profile's, the end says which endpoint.
fn last_segments(path: &str) -> String {
    const SHORT_PATH_CHARS: usize = 32;
    if path.chars().count() <= SHORT_PATH_CHARS {
        return path.to_owned();
    }
    let segments: Vec<&str> = path.split('/').collect();
    match segments.as_slice() {
        [.., before, last] => format!("…/{before}/{last}"),
        _ => path.to_owned(),
    }
}

/// `text` cut to `limit` characters with "…", never inside a character.
fn shortened_to(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    cut.push('…');
    cut
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

/// JSON pretty-printed, form bodies one field a line, anything else as
/// text; with `shorten`, token values in JSON shortened to their ends and
/// length (the count says how many), so the answer's shape fits a screen.
fn pretty_body(response: &RecordedResponse, shorten: bool) -> (String, usize) {
    if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&response.body) {
        let count = if shorten {
            shorten_tokens(&mut value)
        } else {
            0
        };
        let text = serde_json::to_string_pretty(&value).unwrap_or_else(|_| response.text());
        return (text, count);
    }
    if response.media_type() == "application/x-www-form-urlencoded" {
        let text = form_urlencoded::parse(&response.body)
            .map(|(k, v)| format!("{k} = {v}"))
            .collect::<Vec<_>>()
            .join("\n");
        return (text, 0);
    }
    (response.text(), 0)
}

/// Token values longer than this are shortened in a response pane.
const SHORTENED_TOKEN_CHARS: usize = 40;

/// Shortens, in place, every string in `value` that is a token: the value
/// of a token field (`access_token`, `id_token`, …) or a JWT anywhere,
/// longer than [`SHORTENED_TOKEN_CHARS`]. Returns how many it shortened.
fn shorten_tokens(value: &mut serde_json::Value) -> usize {
    use serde_json::Value;
    let mut count = 0;
    // Depth-first without recursion: a hostile answer may nest deeply.
    let mut stack: Vec<(&mut Value, bool)> = vec![(value, false)];
    while let Some((value, is_token_field)) = stack.pop() {
        match value {
            Value::String(text) => {
                let long = text.chars().count() > SHORTENED_TOKEN_CHARS;
                if long && (is_token_field || crate::export::redact::looks_like_jwt(text)) {
                    *text = shortened(text);
                    count += 1;
                }
            }
            Value::Object(object) => {
                for (name, item) in object.iter_mut() {
                    let token_field =
                        crate::export::redact::is_secret_field(name) || name.ends_with("_token");
                    stack.push((item, token_field));
                }
            }
            Value::Array(items) => stack.extend(items.iter_mut().map(|item| (item, false))),
            _ => {}
        }
    }
    count
}

/// `eyJhbGciOiJSUzI1…x8Qw (812 characters)`: enough to recognise a value.
fn shortened(text: &str) -> String {
    let count = text.chars().count();
    let head: String = text.chars().take(16).collect();
    let tail: String = text.chars().skip(count.saturating_sub(6)).collect();
    crate::tr!(
        "flow-token-shortened",
        head = head,
        tail = tail,
        count = count
    )
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
    fn token_values_are_shortened_to_their_ends_and_the_rest_kept() {
        let jwt = format!(
            "eyJhbGciOiJSUzI1NiJ9.{}.c2ln",
            "eyJzdWIiOiLQkNC90L3QsCJ9".repeat(3)
        );
        let mut value = serde_json::json!({
            "access_token": "Токен-🔑-".repeat(8),
            "token_type": "Bearer",
            "description": "Очень длинное описание ошибки, которое не является токеном вовсе",
            "nested": [{"assertion": jwt.clone()}],
            "short_token": "abc",
        });
        assert_eq!(shorten_tokens(&mut value), 2);
        let access = value["access_token"].as_str().unwrap_or_default();
        assert!(
            access.starts_with("Токен-🔑-Токен-🔑-") && access.contains("(64 characters)"),
            "{access}"
        );
        let nested = value["nested"][0]["assertion"].as_str().unwrap_or_default();
        assert!(
            nested.starts_with("eyJhbGciOiJSUzI1")
                && nested.ends_with(&format!("({} characters)", jwt.len())),
            "{nested}"
        );
        assert!(
            value["description"]
                .as_str()
                .is_some_and(|d| d.starts_with("Очень")),
            "prose is kept"
        );
        assert_eq!(value["short_token"], "abc");
    }

    #[test]
    fn key_parts_mask_credentials_by_name_and_tokens_by_their_ends() {
        use crate::export::redact::SecretMarks;
        let request = RecordedRequest {
            method: "POST".to_owned(),
            url: "https://sso.example.test/realms/партнёр/protocol/openid-connect/token?x=1".to_owned(),
            headers: vec![("Authorization".to_owned(), "Basic Zm9vOmJhcg==".to_owned())],
            body: b"grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA&client_secret=S3cr3t-presenter-42&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk".to_vec(),
        };
        let pane = key_parts(Side::Request(&request), &SecretMarks::default());
        assert_eq!(pane.start_line.as_ref(), "POST …/openid-connect/token");
        let fields: Vec<(&str, &str)> = pane
            .headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        assert_eq!(
            fields,
            [
                ("Authorization", "Basic <client-credentials>"),
                ("x", "1"),
                ("grant_type", "authorization_code"),
                ("code", "SplxlO…SbIA"),
                ("client_secret", "<client_secret>"),
                ("code_verifier", "dBjftJ…EjXk"),
            ]
        );
        let response = RecordedResponse {
            status: 400,
            reason: "Bad Request".to_owned(),
            version: "HTTP/1.1".to_owned(),
            headers: Vec::new(),
            body: "{\"error\":\"invalid_grant\",\"error_description\":\"Токен истёк 🔑\",\"n\":{\"a\":1}}".as_bytes().to_vec(),
            truncated_at: None,
        };
        let pane = key_parts(Side::Response(&response), &SecretMarks::default());
        assert_eq!(pane.start_line.as_ref(), "HTTP/1.1 400 Bad Request");
        assert_eq!(
            pane.headers[1],
            ("error_description".to_owned(), "Токен истёк 🔑".to_owned())
        );
        assert_eq!(pane.headers[2].1, r#"{"a":1}"#);
        // Not JSON, not a form, invalid UTF-8: shown as text, never a panic.
        let odd = RecordedResponse {
            body: vec![0xff, 0xfe, b'x'],
            ..response
        };
        assert_eq!(
            key_parts(Side::Response(&odd), &SecretMarks::default())
                .headers
                .len(),
            1
        );
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
