//! Drawing. Reads a snapshot of the workspace, emits [`Command`]s; never does I/O.
//! One module per panel.

mod authorize_view;
mod ciba_card;
mod claims_table;
mod conformance_view;
mod device_card;
mod diagnosis_view;
mod exchange_pane;
mod flow_panel;
mod grant_form;
mod paste_panel;
mod profile_form;
mod profiles_panel;
mod sandbox_panel;
mod sequence_diagram;
mod step_tokens;
mod theme;
mod timeline_panel;
mod token_panel;
mod top_bar;
mod verify_views;
mod widgets;

use crate::model::{Command, Workspace};
use crate::token::Timestamp;
use crate::tr;

pub use flow_panel::FlowEditor;

/// Editing state the panels change directly (text being typed), as opposed
/// to the workspace, which changes only through commands.
pub struct Edits<'a> {
    /// The paste box.
    pub paste: &'a mut String,
    /// The profile search box.
    pub profile_filter: &'a mut String,
    /// The profile being edited, if any.
    pub editor: Option<&'a mut crate::model::ProfileEditor>,
    /// The flow panel's editable request.
    pub flow: &'a mut FlowEditor,
    /// What the checks expect that the user types: the nonce sent, an HMAC secret.
    pub verify: &'a mut VerifyInputs,
}

/// What a DPoP proof's checks were computed from: the proof, method, URL,
/// access token, nonce and second.
pub(crate) type DpopRowsKey = (String, String, String, String, String, Timestamp);

/// Text the user types for verification.
#[derive(Debug, Default)]
pub struct VerifyInputs {
    /// The nonce the authorization request sent.
    pub nonce: String,
    /// The audience a Key Binding JWT must name (the verifier's id), for an SD-JWT.
    pub audience: String,
    /// An HMAC secret being typed.
    pub hmac: String,
    /// The passphrase of a PKCS#12 key file being typed (handed over, as
    /// a `Secret`, when the user opens the file).
    pub key_passphrase: String,
    /// The checks last drawn, for what they were computed from.
    pub(crate) checks: verify_views::ChecksCache,
    /// The request a pasted DPoP proof should prove (RFC 9449 §4.3): its method,
    pub dpop_htm: String,
    /// its URL,
    pub dpop_htu: String,
    /// and the access token it presents, if any.
    pub dpop_access_token: String,
    /// A DPoP proof's checks, for the proof, inputs and second they were computed for.
    pub(crate) dpop_rows: Option<(DpopRowsKey, Vec<crate::token::checks::CheckResult>)>,
}

/// What the frame drew that the app needs to know.
#[derive(Clone, Copy, Debug, Default)]
pub struct Shown {
    /// Something on screen reads against "now" and must tick once a second.
    pub time_visible: bool,
}

/// Who paints the window's background.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Background {
    /// Each panel fills its area: for renderers that clear the window to
    /// transparent (the test harness's images).
    #[default]
    Painted,
    /// The renderer clears the window to the panels' colour
    /// ([`clear_color`]) and panels draw no fill. A clear costs next to
    /// nothing, while on a software renderer (llvmpipe, a VM, a remote
    /// desktop) a window-sized fill is shaded pixel by pixel: the panels'
    /// fills were over half of what a frame shaded.
    Cleared,
}

/// The colour the window is cleared to under [`Background::Cleared`]: the
/// panels' own (gamma-space, as `eframe::App::clear_color` wants it).
pub fn clear_color(visuals: &egui::Visuals) -> [f32; 4] {
    visuals.panel_fill.to_normalized_gamma_f32()
}

/// The frame of a side, top or bottom panel.
fn side_frame(ui: &egui::Ui, background: Background) -> egui::Frame {
    unfilled(egui::Frame::side_top_panel(ui.style()), background)
}

/// The frame of the central panel.
fn central_frame(ui: &egui::Ui, background: Background) -> egui::Frame {
    unfilled(egui::Frame::central_panel(ui.style()), background)
}

fn unfilled(frame: egui::Frame, background: Background) -> egui::Frame {
    match background {
        Background::Painted => frame,
        Background::Cleared => frame.fill(egui::Color32::TRANSPARENT),
    }
}

/// Lays out the whole window.
pub fn show(
    ui: &mut egui::Ui,
    workspace: &Workspace,
    edits: Edits<'_>,
    now: Timestamp,
    background: Background,
    commands: &mut Vec<Command>,
) -> Shown {
    if ui.input(|i| i.key_pressed(egui::Key::F5)) {
        commands.push(Command::TogglePresenter);
    }
    egui::Panel::top("top_bar")
        .frame(side_frame(ui, background))
        .show(ui, |ui| top_bar::show(ui, workspace, commands));
    if workspace.show_timeline {
        egui::Panel::bottom("timeline")
            .frame(side_frame(ui, background))
            .resizable(true)
            .default_size(240.0)
            .show(ui, |ui| timeline_panel::show(ui, workspace, commands));
    }
    if workspace.sandbox.panel_open {
        egui::Panel::right("sandbox_panel")
            .frame(side_frame(ui, background))
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                sandbox_panel::show(ui, &workspace.sandbox, workspace.presenter.on, commands);
            });
    }
    // Presenter mode keeps the room's eyes on the flow, or on the tokens
    // pasted: no profile list beside them (at a projector's zoom the
    // inspector needs the room; Clear brings the list back).
    let flow_on_stage = workspace.presenter.on && workspace.show_flow && edits.editor.is_some();
    let tokens_on_stage =
        workspace.presenter.on && edits.editor.is_none() && workspace.inspection.is_some();
    if !flow_on_stage && !tokens_on_stage {
        egui::Panel::left("profiles_panel")
            .frame(side_frame(ui, background))
            .resizable(true)
            .default_size(210.0)
            .min_size(160.0)
            .show(ui, |ui| {
                profiles_panel::show(
                    ui,
                    workspace,
                    edits.profile_filter,
                    edits.editor.as_deref(),
                    commands,
                );
            });
    }
    if let Some(editor) = edits.editor {
        let stored = workspace.profiles.selected_profile();
        egui::CentralPanel::default()
            .frame(central_frame(ui, background))
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    for (flow, label) in [(false, tr!("tab-profile")), (true, tr!("tab-flow"))] {
                        if ui
                            .selectable_label(workspace.show_flow == flow, label)
                            .clicked()
                        {
                            commands.push(Command::ShowFlow(flow));
                        }
                    }
                });
                ui.separator();
                if workspace.show_flow {
                    flow_panel::show(ui, workspace, edits.flow, now, commands);
                } else {
                    profile_form::show(ui, editor, stored, workspace.presenter.on, commands);
                }
            });
        drop_overlay(ui);
        return Shown::default();
    }
    egui::Panel::left("paste_panel")
        .frame(side_frame(ui, background))
        .resizable(true)
        .default_size(340.0)
        .min_size(240.0)
        .show(ui, |ui| {
            paste_panel::show(ui, workspace, edits.paste, commands);
        });
    let shown = egui::CentralPanel::default()
        .frame(central_frame(ui, background))
        .show(ui, |ui| {
            token_panel::show(ui, workspace, edits.verify, now, commands)
        })
        .inner;
    drop_overlay(ui);
    shown
}

/// `text` with every token value found in it masked in the middle, for
/// presenter mode (JWT-looking strings too, in case mending changed them).
pub fn mask_tokens(text: &str, inspection: Option<&crate::paste::Inspection>) -> String {
    let mut masked = text.to_owned();
    if let Some(inspection) = inspection {
        for token in &inspection.tokens {
            masked = masked.replace(&token.value, &crate::oauth::flow::mask_middle(&token.value));
        }
    }
    crate::export::redact::replace_jwts(&masked, crate::oauth::flow::mask_middle)
}

/// While files are dragged over the window, say what dropping does.
fn drop_overlay(ui: &egui::Ui) {
    let ctx = ui.ctx();
    if ctx.input(|i| i.raw.hovered_files.is_empty()) {
        return;
    }
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("drop_overlay"),
    ));
    let rect = ctx.content_rect();
    painter.rect_filled(
        rect,
        0.0,
        ui.visuals().extreme_bg_color.gamma_multiply(0.85),
    );
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        tr!("drop-file"),
        egui::FontId::proportional(24.0),
        ui.visuals().strong_text_color(),
    );
}
