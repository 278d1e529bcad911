//! The device grant on screen (RFC 8628 §3.3): the user code large, the
//! verification URI, `verification_uri_complete` as a QR code, a button to
//! open it here, and the polling state with a countdown that ticks once a
//! second only while polling.
//!
//! The QR code is built with the `qrcode` crate and painted as rectangles
//! with egui's painter: no texture upload, crisp at any zoom (presenter
//! mode scales the UI), and nothing to free.

use std::time::Duration;

use egui::{Rect, RichText, Sense, vec2};

use crate::model::{Command, FlowCommand, FlowState};
use crate::token::Timestamp;

use super::theme;

/// Draws the polling card's body: the code to type, where, and the polling state.
pub fn show(ui: &mut egui::Ui, flow: &FlowState, now: Timestamp, commands: &mut Vec<Command>) {
    let Some(device) = &flow.session.device else {
        ui.weak(crate::tr!("device-send-first"));
        return;
    };
    // Only http(s) addresses are links, buttons and QR codes; anything else
    // the provider sent is shown as text with the reason.
    let openable = |uri: &str| crate::oauth::runner::check_browser_url(uri);
    let complete = device
        .verification_uri_complete
        .as_deref()
        .filter(|complete| openable(complete).is_ok());
    ui.horizontal(|ui| {
        ui.vertical(|ui| {
            ui.label(crate::tr!("device-open-on-other"));
            address(ui, &device.verification_uri, commands);
            if let Some(refused) = &device.verification_uri_complete
                && let Err(reason) = openable(refused)
            {
                ui.add(egui::Label::new(RichText::new(refused).monospace()).selectable(true));
                ui.colored_label(theme::warning(ui.visuals()), reason);
            }
            ui.label(crate::tr!("device-enter-code"));
            ui.add(
                egui::Label::new(
                    RichText::new(&device.user_code)
                        .size(40.0)
                        .monospace()
                        .strong(),
                )
                .selectable(true),
            );
            if let Some(complete) = complete
                && ui
                    .button(crate::tr!("device-open-browser"))
                    .on_hover_text(complete)
                    .clicked()
            {
                commands.push(Command::Flow(FlowCommand::OpenLink(complete.to_owned())));
            }
        });
        if let Some(complete) = complete {
            qr_code(ui, complete);
        }
    });
    polling_line(ui, flow, now, commands);
}

/// The verification URI: a link that opens the browser through the app
/// when it is http(s), else the text and why it is not opened.
fn address(ui: &mut egui::Ui, uri: &str, commands: &mut Vec<Command>) {
    match crate::oauth::runner::check_browser_url(uri) {
        Ok(()) => {
            if ui.link(uri).on_hover_text(uri).clicked() {
                commands.push(Command::Flow(FlowCommand::OpenLink(uri.to_owned())));
            }
        }
        Err(reason) => {
            ui.add(egui::Label::new(RichText::new(uri).monospace()).selectable(true));
            ui.colored_label(theme::warning(ui.visuals()), reason);
        }
    }
}

/// The polling state under the device card and the CIBA card: the
/// countdown to the next poll while polling, else Start polling.
pub(super) fn polling_line(
    ui: &mut egui::Ui,
    flow: &FlowState,
    now: Timestamp,
    commands: &mut Vec<Command>,
) {
    let session = &flow.session;
    let step = session.poll_step();
    let polls = session.records.iter().filter(|r| r.step == step).count();
    if let Some(at) = flow.next_poll_at() {
        let left = (at.unix() - now.unix()).max(0);
        // No spinner: it would repaint every frame; the countdown ticks once a second.
        ui.horizontal(|ui| {
            ui.label(crate::tr!(
                "device-waiting",
                poll = polls + 1,
                left = left,
                interval = session.device_schedule.map_or(0, |s| s.interval)
            ));
            if ui.button(crate::tr!("device-stop-polling")).clicked() {
                commands.push(Command::Flow(FlowCommand::Cancel));
            }
        });
        // The countdown is on screen: tick once a second, no faster.
        ui.ctx().request_repaint_after(Duration::from_secs(1));
        return;
    }
    if session.tokens.is_none() && flow.waiting.is_none() {
        let finished = session
            .records
            .iter()
            .rev()
            .find(|r| r.step == step)
            .is_some_and(|r| {
                r.outcome
                    .as_ref()
                    .err()
                    .is_some_and(|f| !crate::oauth::device::is_pending(f))
            });
        if finished {
            ui.colored_label(
                theme::warning(ui.visuals()),
                crate::tr!("device-polling-stopped"),
            );
        }
        if ui
            .button(crate::tr!("device-start-polling"))
            .on_hover_text(crate::tr!("device-start-polling-hover"))
            .clicked()
        {
            commands.push(Command::Flow(FlowCommand::StartPolling));
        }
    }
}

/// `text` as a QR code, painted module by module (dark on light, with the
/// quiet zone of 4 modules the standard asks for).
fn qr_code(ui: &mut egui::Ui, text: &str) {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else {
        ui.weak(crate::tr!("device-qr-too-long"));
        return;
    };
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let modules = width + 2 * quiet;
    let module = 4.0_f32;
    #[expect(
        clippy::cast_precision_loss,
        reason = "a QR code is at most 177 modules wide"
    )]
    let side = module * modules as f32;
    let (rect, response) = ui.allocate_exact_size(vec2(side, side), Sense::hover());
    response.on_hover_text(crate::tr!("device-qr-hover", url = text));
    let (dark, light) = theme::qr_colors();
    let painter = ui.painter_at(rect);
    painter.rect_filled(rect, 0.0, light);
    for (index, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (row, column) = (index / width + quiet, index % width + quiet);
        #[expect(clippy::cast_precision_loss, reason = "small indices")]
        let min = rect.min + vec2(column as f32 * module, row as f32 * module);
        painter.rect_filled(Rect::from_min_size(min, vec2(module, module)), 0.0, dark);
    }
}
