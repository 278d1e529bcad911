//! Background work: decoding large pastes, reading files, the file dialog.
//! Each job runs on its own named thread, sends one result, and wakes the UI.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::token::{Inspection, Timestamp, inspect};

use super::workspace::Notice;

/// Files larger than this are refused: nobody pastes 64 MB of tokens.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// What a finished job reports.
#[derive(Debug)]
pub enum JobResult {
    /// An inspection finished.
    Inspected {
        /// Which paste it belongs to.
        generation: u64,
        /// What was found.
        inspection: Inspection,
    },
    /// A file was read.
    FileRead {
        /// Its name, to show.
        source: String,
        /// Its text.
        text: String,
        /// A remark, e.g. that it was not UTF-8.
        notice: Option<Notice>,
    },
    /// A file could not be read.
    FileFailed(String),
}

/// Spawns jobs and collects their results.
pub struct Jobs {
    sender: mpsc::Sender<JobResult>,
    receiver: mpsc::Receiver<JobResult>,
    ctx: egui::Context,
}

impl Jobs {
    /// Jobs that wake `ctx` when they finish.
    pub fn new(ctx: egui::Context) -> Self {
        let (sender, receiver) = mpsc::channel();
        Self {
            sender,
            receiver,
            ctx,
        }
    }

    /// Results that have arrived since the last call.
    pub fn drain(&self) -> Vec<JobResult> {
        self.receiver.try_iter().collect()
    }

    /// Inspects `text` on a background thread.
    pub fn inspect(&self, generation: u64, text: String, pasted_at: Timestamp) {
        self.spawn("inspect", move || {
            Some(JobResult::Inspected {
                generation,
                inspection: inspect(&text, pasted_at),
            })
        });
    }

    /// Reads a file on a background thread.
    pub fn read_file(&self, path: PathBuf) {
        self.spawn("read-file", move || Some(read_text_file(&path)));
    }

    /// Shows the file dialog and reads the chosen file, off the UI thread.
    pub fn pick_and_read_file(&self) {
        self.spawn("open-file", || {
            let path = rfd::FileDialog::new()
                .set_title("Open a file that holds tokens")
                .pick_file()?;
            Some(read_text_file(&path))
        });
    }

    fn spawn(&self, name: &str, work: impl FnOnce() -> Option<JobResult> + Send + 'static) {
        let sender = self.sender.clone();
        let ctx = self.ctx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("tokenscope-{name}"))
            .spawn(move || {
                if let Some(result) = work() {
                    // The receiver only goes away when the app closes.
                    let _ = sender.send(result);
                }
                ctx.request_repaint();
            });
        if let Err(error) = spawned {
            let _ = self.sender.send(JobResult::FileFailed(format!(
                "Could not start background work ({error}); close other programs and try again."
            )));
        }
    }
}

/// Reads a file as text, saying so when bytes had to be replaced.
pub fn read_text_file(path: &Path) -> JobResult {
    let source = path.display().to_string();
    let fail = |what: String| JobResult::FileFailed(format!("Could not read {source}: {what}"));
    match std::fs::metadata(path) {
        Ok(meta) if meta.len() > MAX_FILE_BYTES => {
            return fail(format!(
                "it is {} MB; tokenscope reads files up to {} MB",
                meta.len() / 1_048_576,
                MAX_FILE_BYTES / 1_048_576
            ));
        }
        Ok(meta) if meta.is_dir() => return fail("it is a folder".to_owned()),
        Ok(_) => {}
        Err(error) => return fail(error.to_string()),
    }
    match std::fs::read(path) {
        Ok(bytes) => {
            let (text, notice) = text_from_bytes(bytes);
            JobResult::FileRead {
                source,
                text,
                notice,
            }
        }
        Err(error) => fail(error.to_string()),
    }
}

/// Bytes as text: UTF-8 as is, anything else with replacement characters and a notice.
pub fn text_from_bytes(bytes: Vec<u8>) -> (String, Option<Notice>) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(error) => {
            let bytes = error.into_bytes();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let replaced = text
                .chars()
                .filter(|c| *c == char::REPLACEMENT_CHARACTER)
                .count();
            let notice = Notice {
                text: format!(
                    "This is not UTF-8 text: {replaced} unreadable byte sequences were replaced with �. Tokens elsewhere in it are still shown."
                ),
                is_error: false,
            };
            (text, Some(notice))
        }
    }
}
