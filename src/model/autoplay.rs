//! Autoplay, for a booth or a rehearsal: the window walks a profile's flow
//! by itself, pausing on each step so the room can read its narration, and
//! starts over at the end (or after a failure). Any key or click takes back
//! control (`Command::StopAutoplay`).

use crate::oauth::flow::Step;
use crate::token::Timestamp;

use super::flow::FlowCommand;
use super::profiles::ProfileCommand;
use super::workspace::{Command, Workspace};

/// The longest pause autoplay takes on a step: an hour (a typo of `--play
/// 60000` should not look like a hang for days).
pub const MAX_PAUSE_S: u32 = 60 * 60;

/// Where autoplay stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Autoplay {
    /// The profile walked: its name or its id.
    pub profile: String,
    /// The pause on each step, in seconds (1 to [`MAX_PAUSE_S`]); `None`
    /// only opens the profile's flow (`--profile` without `--play`).
    pub pause_s: Option<u32>,
    /// When the next step is due; `None` until the run's latest step is known.
    due: Option<Timestamp>,
    /// How many records the run had when the pause began: a new record
    /// (a step answered) starts a new pause.
    paused_at_records: Option<usize>,
}

impl Autoplay {
    /// Autoplay of `profile`, pausing `pause_s` seconds (clamped to 1 s –
    /// 1 h); with `None`, the profile's flow is opened and nothing played.
    pub fn new(profile: String, pause_s: Option<u32>) -> Self {
        Self {
            profile,
            pause_s: pause_s.map(|s| s.clamp(1, MAX_PAUSE_S)),
            due: None,
            paused_at_records: None,
        }
    }

    /// When the next step is due, if a pause is running.
    pub fn due(&self) -> Option<Timestamp> {
        self.due
    }
}

/// What autoplay does in one frame.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AutoplayTick {
    /// The commands to apply now, in order.
    pub commands: Vec<Command>,
    /// Wake up at this time to go on (no repaints in between).
    pub wake_at: Option<Timestamp>,
}

impl Workspace {
    /// One frame of autoplay at `now`: selects the profile and shows its
    /// flow, starts a run, then does the next step once its pause is over
    /// (the same commands as Enter in presenter mode). A step in flight, or
    /// the redirect awaited, is waited for.
    pub fn autoplay_tick(&mut self, now: Timestamp) -> AutoplayTick {
        let mut tick = AutoplayTick::default();
        let Some(play) = self.autoplay.as_ref() else {
            return tick;
        };
        if self.profiles.status == super::StoreStatus::Loading {
            return tick;
        }
        let Some(profile) = self
            .profiles
            .list
            .iter()
            .find(|p| p.name == play.profile || p.id.0 == play.profile)
            .cloned()
        else {
            self.autoplay_problem = Some(crate::tr!(
                "autoplay-no-profile",
                name = play.profile.as_str()
            ));
            self.autoplay = None;
            return tick;
        };
        if self.profiles.selected.as_ref() != Some(&profile.id) {
            tick.commands
                .push(Command::Profile(ProfileCommand::Select(profile.id.clone())));
            return tick;
        }
        if !self.show_flow {
            tick.commands.push(Command::ShowFlow(true));
        }
        let Some(pause_s) = play.pause_s else {
            // Only to open the profile: done.
            self.autoplay = None;
            return tick;
        };
        let flow = self
            .flow
            .as_ref()
            .filter(|flow| flow.session.profile.id == profile.id);
        let Some(flow) = flow else {
            tick.commands.extend(self.start_command(profile));
            return tick;
        };
        if flow.waiting.is_some() {
            return tick;
        }
        let records = flow.session.steps_recorded();
        let failed = flow
            .session
            .records
            .last()
            .is_some_and(|record| record.outcome.is_err());
        // One refresh shows it; the run could refresh for ever.
        let refreshed = flow
            .session
            .records
            .iter()
            .any(|record| record.step == Step::Refresh && record.outcome.is_ok());
        let next = flow
            .session
            .next_step()
            .filter(|step| !(failed || refreshed && *step == Step::Refresh));
        // A password grant has no password to type: its draft fails and the run starts over.
        let draft = next.and_then(|step| {
            super::flow::next_step_command(step, || flow.session.draft_for(step, now).ok())
        });
        let start_over = Command::Flow(FlowCommand::Start {
            profile: Box::new(flow.session.profile.clone()),
            secret: flow.session.secret.clone(),
            tls_passphrase: None,
        });
        let Some(play) = self.autoplay.as_mut() else {
            return tick;
        };
        if play.paused_at_records != Some(records) {
            // A step was answered (or the run began): pause on it.
            play.paused_at_records = Some(records);
            play.due = Some(now.plus_seconds(i64::from(pause_s)));
        }
        match play.due {
            Some(due) if now < due => {
                tick.wake_at = Some(due);
                return tick;
            }
            _ => {}
        }
        play.due = None;
        // Done, failed, or a step autoplay cannot do (a password to type):
        // start over with a fresh run.
        let command = draft.unwrap_or(start_over);
        if matches!(command, Command::Flow(FlowCommand::Start { .. })) {
            play.paused_at_records = None;
        }
        tick.commands.push(Command::FocusStep(None));
        tick.commands.push(command);
        tick
    }

    /// The command that starts a run of `profile`, once its secret (read
    /// off the UI thread after selecting it) is there.
    fn start_command(&self, profile: crate::oauth::Profile) -> Option<Command> {
        let (_, secret) = self
            .profiles
            .loaded_secret
            .as_ref()
            .filter(|(id, _)| *id == profile.id)?;
        let tls_passphrase = self
            .profiles
            .loaded_passphrase
            .as_ref()
            .filter(|(id, _)| *id == profile.id)
            .and_then(|(_, s)| s.clone());
        Some(Command::Flow(FlowCommand::Start {
            secret: secret.clone(),
            profile: Box::new(profile),
            tls_passphrase,
        }))
    }
}
