//! The sequence diagram of the code flow, drawn with the painter: who talks
//! to whom at each step, the step in focus highlighted, each arrow clickable.

use egui::{Color32, FontId, Pos2, Rect, Sense, Stroke, vec2};

use crate::oauth::flow::Step;

use super::theme;

/// The parties, left to right, in this thread's language.
fn lanes() -> [String; 4] {
    [
        crate::tr!("seq-lane-browser"),
        crate::tr!("seq-lane-app"),
        crate::tr!("seq-lane-as"),
        crate::tr!("seq-lane-rs"),
    ]
}

const BROWSER: usize = 0;
const APP: usize = 1;
const AS: usize = 2;
const RS: usize = 3;

/// The arrows of a step: from lane, to lane, label (in this thread's language).
/// The arrows of a step in a run of `profile`: a DPoP proof, a signed
/// request object and a JWT-secured response named on the arrows that
/// carry them.
fn arrows_in(step: Step, profile: &crate::oauth::Profile) -> Vec<(usize, usize, String)> {
    let ping = profile.ciba.delivery_mode == crate::oauth::ciba::DeliveryMode::Ping;
    let mut arrows = if step == Step::CibaToken && ping {
        // CIBA ping mode (CIBA Core §10.2): the provider calls the app
        // back once the user decided; then one token request, no polling.
        vec![
            (BROWSER, AS, crate::tr!("seq-approve-on-phone")),
            (AS, APP, crate::tr!("seq-ping")),
            (APP, AS, crate::tr!("seq-token-request-ciba")),
            (AS, APP, crate::tr!("seq-tokens")),
        ]
    } else {
        arrows(step)
    };
    let first_request = arrows.iter_mut().find(|(from, _, _)| *from == APP);
    if let Some((_, _, label)) = first_request {
        let token_request = step.returns_tokens() || step == Step::PushedAuthorization;
        if profile.dpop && (token_request || step == Step::UserInfo || step == Step::ApiCall) {
            *label = crate::tr!("seq-with-dpop", label = label.as_str());
        }
        let signed_here = if profile.par {
            step == Step::PushedAuthorization
        } else {
            step == Step::Authorize
        };
        if profile.request_object && signed_here {
            *label = crate::tr!("seq-signed", label = label.as_str());
        }
    }
    if profile.asks_for_jarm() && step == Step::Callback {
        for (_, _, label) in &mut arrows {
            *label = crate::tr!("seq-response-jwt");
        }
    }
    arrows
}

fn arrows(step: Step) -> Vec<(usize, usize, String)> {
    match step {
        Step::Discovery => vec![
            (APP, AS, crate::tr!("seq-get-metadata")),
            (AS, APP, crate::tr!("seq-endpoints-keys")),
        ],
        Step::PushedAuthorization => vec![
            (APP, AS, crate::tr!("seq-push-parameters")),
            (AS, APP, crate::tr!("seq-request-uri")),
        ],
        Step::Authorize => vec![
            (APP, BROWSER, crate::tr!("seq-open-authorize")),
            (BROWSER, AS, crate::tr!("seq-sign-in")),
        ],
        Step::Callback => vec![
            (AS, BROWSER, crate::tr!("seq-redirect-code")),
            (BROWSER, APP, crate::tr!("seq-code-state")),
        ],
        Step::Token => vec![
            (APP, AS, crate::tr!("seq-code-verifier")),
            (AS, APP, crate::tr!("seq-tokens")),
        ],
        Step::UserInfo => vec![
            (APP, RS, crate::tr!("seq-access-token")),
            (RS, APP, crate::tr!("seq-who")),
        ],
        Step::ApiCall => vec![
            (APP, RS, crate::tr!("seq-access-token")),
            (RS, APP, crate::tr!("seq-api-answer")),
        ],
        Step::Refresh => vec![
            (APP, AS, crate::tr!("seq-refresh-token")),
            (AS, APP, crate::tr!("seq-new-tokens")),
        ],
        Step::ClientCredentials => vec![
            (APP, AS, crate::tr!("seq-client-credentials")),
            (AS, APP, crate::tr!("seq-access-token")),
        ],
        Step::Introspection => vec![
            (APP, AS, crate::tr!("seq-token")),
            (AS, APP, crate::tr!("seq-active-claims")),
        ],
        Step::Revocation => vec![
            (APP, AS, crate::tr!("seq-token")),
            (AS, APP, crate::tr!("seq-revoked")),
        ],
        Step::Password => vec![
            (BROWSER, APP, crate::tr!("seq-name-password")),
            (APP, AS, crate::tr!("seq-password-grant")),
            (AS, APP, crate::tr!("seq-tokens")),
        ],
        Step::DeviceAuthorization => vec![
            (APP, AS, crate::tr!("seq-device-authorization")),
            (AS, APP, crate::tr!("seq-device-user-code")),
            (APP, BROWSER, crate::tr!("seq-show-user-code")),
        ],
        Step::DeviceToken => vec![
            (BROWSER, AS, crate::tr!("seq-type-code")),
            (APP, AS, crate::tr!("seq-poll")),
            (AS, APP, crate::tr!("seq-pending-tokens")),
        ],
        // CIBA: the user's phone is the browser lane; the app never sees it.
        Step::BackchannelAuthentication => vec![
            (APP, AS, crate::tr!("seq-backchannel-request")),
            (AS, APP, crate::tr!("seq-auth-req-id")),
            (AS, BROWSER, crate::tr!("seq-ask-on-phone")),
        ],
        Step::CibaToken => vec![
            (BROWSER, AS, crate::tr!("seq-approve-on-phone")),
            (APP, AS, crate::tr!("seq-poll-ciba")),
            (AS, APP, crate::tr!("seq-pending-tokens")),
        ],
        Step::ExtensionGrant => vec![
            (APP, AS, crate::tr!("seq-grant-fields")),
            (AS, APP, crate::tr!("seq-tokens")),
        ],
        Step::Logout => vec![
            (APP, BROWSER, crate::tr!("seq-open-end-session")),
            (BROWSER, AS, crate::tr!("seq-end-session")),
            (AS, BROWSER, crate::tr!("seq-redirect-state")),
            (BROWSER, APP, crate::tr!("seq-state")),
        ],
    }
}

/// How a step stands, for colouring its arrows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepState {
    /// Not reached.
    Pending,
    /// Succeeded.
    Done,
    /// Failed.
    Failed,
}

/// Draws the diagram; returns the step whose arrow was clicked.
pub fn show(
    ui: &mut egui::Ui,
    steps: &[(Step, StepState)],
    focus: Option<Step>,
    profile: &crate::oauth::Profile,
) -> Option<Step> {
    let text = ui.text_style_height(&egui::TextStyle::Body);
    let arrow_count: usize = steps.iter().map(|(s, _)| arrows(*s).len()).sum();
    #[expect(clippy::cast_precision_loss, reason = "a handful of arrows")]
    let arrows_tall = arrow_count as f32 + 0.7;
    // The lane titles take two lines whatever the rows do.
    let header = text * 2.3;
    // Rows close up to fit the space there is (a run with introspection,
    // revocation and logout has two dozen arrows), never below a label's height.
    let row = (text * 1.6)
        .min((ui.available_height() - header) / arrows_tall)
        .max(text * 1.1);
    let height = header + row * arrows_tall;
    let (rect, _) = ui.allocate_exact_size(vec2(ui.available_width(), height), Sense::hover());
    let painter = ui.painter_at(rect);
    let visuals = ui.visuals();
    let font = FontId::proportional(ui.text_style_height(&egui::TextStyle::Body) * 0.85);
    let lane_x = |lane: usize| {
        #[expect(clippy::cast_precision_loss, reason = "four lanes")]
        let x = rect.left() + rect.width() * (lane as f32 + 0.5) / 4.0;
        x
    };
    let lanes = lanes();
    // A lane's title wraps within its lane (two lines at most fit the
    // header): titles never run into each other on a narrow stage.
    let lane_width = rect.width() / 4.0 - 8.0;
    for (lane, name) in lanes.iter().enumerate() {
        let x = lane_x(lane);
        let galley = painter.layout(
            name.clone(),
            font.clone(),
            visuals.strong_text_color(),
            lane_width.max(24.0),
        );
        let size = galley.size();
        painter.galley(
            Pos2::new(
                x - size.x / 2.0,
                rect.top() + (header - size.y).max(0.0) / 2.0,
            ),
            galley,
            visuals.strong_text_color(),
        );
        painter.line_segment(
            [
                Pos2::new(x, rect.top() + header),
                Pos2::new(x, rect.bottom()),
            ],
            Stroke::new(1.0, visuals.weak_text_color()),
        );
    }
    let mut clicked = None;
    let mut y = rect.top() + header + row * 0.7;
    for (step, state) in steps {
        let focused = focus == Some(*step);
        let color = match (focused, state) {
            (true, _) => visuals.selection.bg_fill,
            (false, StepState::Done) => {
                theme::time_state(visuals, crate::token::time::TimeState::Valid)
            }
            (false, StepState::Failed) => theme::error(visuals),
            (false, StepState::Pending) => visuals.weak_text_color(),
        };
        let width = if focused { 3.0 } else { 1.5 };
        let title = step.title_in(profile);
        for (from, to, label) in arrows_in(*step, profile) {
            let (a, b) = (Pos2::new(lane_x(from), y), Pos2::new(lane_x(to), y));
            arrow(&painter, a, b, Stroke::new(width, color));
            let text = format!("{title} · {label}");
            // The label stays between the arrow's ends (cut short with "…",
            // whole on hover) on a ground of its own, so no line crosses it.
            let text_color = color_or_text(color, visuals);
            let mut job =
                egui::text::LayoutJob::simple_singleline(text.clone(), font.clone(), text_color);
            job.wrap =
                egui::text::TextWrapping::truncate_at_width(((a.x - b.x).abs() - 14.0).max(24.0));
            let galley = painter.layout_job(job);
            let size = galley.size();
            // Above the arrow, clear of its line.
            let at = Pos2::new(f32::midpoint(a.x, b.x) - size.x / 2.0, y - size.y - 2.0);
            painter.rect_filled(
                Rect::from_min_size(at, size).expand2(vec2(3.0, 0.0)),
                2.0,
                visuals.panel_fill,
            );
            painter.galley(at, galley, text_color);
            let hit = Rect::from_two_pos(
                Pos2::new(a.x.min(b.x), y - row * 0.5),
                Pos2::new(a.x.max(b.x), y + row * 0.3),
            );
            let response = ui.interact(
                hit,
                ui.scope_id().with(("arrow", *step, from, to)),
                Sense::click(),
            );
            response.widget_info(|| {
                egui::WidgetInfo::labeled(egui::Role::Button, true, format!("{title}: {label}"))
            });
            if response.on_hover_text(text).clicked() {
                clicked = Some(*step);
            }
            y += row;
        }
    }
    clicked
}

/// A line with a small head of fixed size at `b`.
fn arrow(painter: &egui::Painter, a: Pos2, b: Pos2, stroke: Stroke) {
    painter.line_segment([a, b], stroke);
    let direction = (b - a).normalized();
    let back = -direction * 9.0;
    let side = direction.rot90() * 5.0;
    painter.line_segment([b, b + back + side], stroke);
    painter.line_segment([b, b + back - side], stroke);
}

fn color_or_text(color: Color32, visuals: &egui::Visuals) -> Color32 {
    if color == visuals.weak_text_color() {
        visuals.weak_text_color()
    } else {
        visuals.text_color()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CIBA ping mode (CIBA Core §10.2): the provider calls the app (an
    /// arrow from the provider's lane to the app's) before the one token
    /// request; poll mode has no such arrow.
    #[test]
    fn ciba_ping_mode_draws_the_providers_ping_arrow() {
        let mut profile = crate::oauth::Profile::default();
        let has_ping = |profile: &crate::oauth::Profile| {
            arrows_in(Step::CibaToken, profile)
                .iter()
                .any(|(from, to, label)| *from == AS && *to == APP && label.starts_with("ping"))
        };
        assert!(!has_ping(&profile), "poll mode polls");
        profile.ciba.delivery_mode = crate::oauth::ciba::DeliveryMode::Ping;
        assert!(has_ping(&profile));
        let arrows = arrows_in(Step::CibaToken, &profile);
        let ping = arrows
            .iter()
            .position(|(from, to, _)| (*from, *to) == (AS, APP));
        let request = arrows
            .iter()
            .position(|(from, to, _)| (*from, *to) == (APP, AS));
        assert!(ping < request, "the ping comes before the token request");
    }
}
