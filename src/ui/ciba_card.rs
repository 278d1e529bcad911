//! CIBA on screen (OpenID CIBA Core 1.0): the binding message large, as the
//! user's phone shows it, a countdown to the request's expiry, and the
//! polling state (the device card's) or, in ping mode, the wait for the
//! provider's ping (§10.2). The countdown ticks once a second only while it
//! is on screen.

use std::time::Duration;

use egui::RichText;

use crate::model::{Command, FlowCommand, FlowState};
use crate::token::Timestamp;

use super::theme;

/// Draws the polling card's body: what the phone shows, how long the request lives, the polling state.
pub fn show(ui: &mut egui::Ui, flow: &FlowState, now: Timestamp, commands: &mut Vec<Command>) {
    let session = &flow.session;
    let Some(answer) = &session.ciba else {
        ui.weak(crate::tr!("ciba-send-first"));
        return;
    };
    ui.label(crate::tr!("ciba-phone-shows"));
    if answer.binding_message.is_empty() {
        ui.weak(crate::tr!("ciba-no-binding-message"));
    } else {
        ui.add(
            egui::Label::new(
                RichText::new(crate::oauth::ciba::shown_binding_message(
                    &answer.binding_message,
                ))
                .size(32.0)
                .strong(),
            )
            .wrap()
            .selectable(true),
        );
    }
    if session.tokens.is_none() {
        match session.device_schedule {
            Some(schedule) if !schedule.expired(now) => {
                let left = schedule.expires_at.unix().saturating_sub(now.unix());
                ui.label(crate::tr!("ciba-expires-in", left = left));
                ui.weak(crate::tr!("ciba-approve-on-phone"));
                // The sandbox's phone is a page: a second browser tab stands in for it.
                if let Some(page) = crate::sandbox::phone_page_of(&session.profile)
                    && ui
                        .button(crate::tr!("ciba-open-phone"))
                        .on_hover_text(&page)
                        .clicked()
                {
                    commands.push(Command::Flow(FlowCommand::OpenLink(page)));
                }
                // The countdown is on screen: tick once a second, no faster.
                ui.ctx().request_repaint_after(Duration::from_secs(1));
            }
            Some(_) => {
                ui.colored_label(theme::warning(ui.visuals()), crate::tr!("ciba-expired"));
            }
            None => {}
        }
    }
    if session.profile.ciba.delivery_mode == crate::oauth::ciba::DeliveryMode::Ping {
        ping_line(ui, flow, commands);
    } else {
        super::device_card::polling_line(ui, flow, now, commands);
    }
}

/// Ping mode's state (CIBA Core §10.2): waiting for the provider's call to
/// the notification endpoint (no polls to count), the ping come, or the
/// button that starts the wait.
fn ping_line(ui: &mut egui::Ui, flow: &FlowState, commands: &mut Vec<Command>) {
    let session = &flow.session;
    if flow.waits_for_ping() {
        ui.horizontal(|ui| {
            if session.pinged.is_some() {
                ui.label(crate::tr!("ciba-pinged"));
            } else {
                ui.label(crate::tr!(
                    "ciba-waiting-for-ping",
                    endpoint = session.profile.ciba.notification_endpoint.trim()
                ));
            }
            if ui.button(crate::tr!("ciba-stop-waiting")).clicked() {
                commands.push(Command::Flow(FlowCommand::Cancel));
            }
        });
        return;
    }
    if session.tokens.is_none()
        && flow.waiting.is_none()
        && ui.button(crate::tr!("ciba-start-waiting")).clicked()
    {
        commands.push(Command::Flow(FlowCommand::StartPolling));
    }
}
