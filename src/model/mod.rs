//! The window's model: what the user can do (`Command`), what must happen
//! outside the model (`Effect`), and the state the panels draw
//! (`Workspace` and the state types). Pure data and pure transitions: no
//! egui, no threads, no network. `ui` reads this and emits commands; `app`
//! owns a `Workspace`, runs its effects and lands background results here.

mod autoplay;
mod flow;
mod guard;
mod key_passphrase;
mod landing;
mod profile_editor;
mod profiles;
mod sandbox;
mod workspace;

pub use crate::clock::{Clock, system_now};
pub use autoplay::{Autoplay, AutoplayTick, MAX_PAUSE_S};
pub use flow::{DevicePolling, FlowCommand, FlowState, RunInput, next_step_command};
pub use guard::{GuardedWork, InputShape, InternalError, catching};
pub use key_passphrase::KeyPassphrasePrompt;
pub use landing::JobResult;
pub use profile_editor::{DiscoveryView, PassphraseField, ProfileEditor};
pub use profiles::{Passphrase, ProfileCommand, ProfilesState, StoreStatus, TlsFile};
pub use sandbox::{
    RunningSandbox, SandboxCommand, SandboxEffect, SandboxState, SandboxStatus, with_sandbox_secret,
};
pub use workspace::{
    Command, DetailView, Effect, Notice, Presenter, ThemeChoice, Verification, Workspace,
    paste_with_run_tokens,
};
