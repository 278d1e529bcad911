//! A bare eframe window built like tokenscope's (glow, same size), that
//! captures its first frame to a PNG and exits: the baseline for the
//! start-up and memory benchmark (`benches/startup.sh`).

use std::sync::{Arc, Mutex};

struct Bare {
    out: std::path::PathBuf,
    requested: bool,
    done: Arc<Mutex<bool>>,
}

impl eframe::App for Bare {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("bare eframe window");
        });
        if !self.requested {
            self.requested = true;
            let out = self.out.clone();
            let done = Arc::clone(&self.done);
            let ctx = ui.ctx().clone();
            ui.ctx().request_screenshot(move |image| {
                let ok = tokenscope::app::save_png(&out, &image).is_ok();
                if let Ok(mut slot) = done.lock() {
                    *slot = ok;
                }
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            });
        }
    }
}

fn main() -> eframe::Result {
    let out = std::env::args_os()
        .nth(1)
        .map_or_else(|| "bare.png".into(), Into::into);
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("bare")
            .with_inner_size([1280.0, 800.0]),
        ..Default::default()
    };
    let done = Arc::new(Mutex::new(false));
    eframe::run_native(
        "bare",
        options,
        Box::new(move |_| {
            Ok(Box::new(Bare {
                out,
                requested: false,
                done,
            }))
        }),
    )
}
