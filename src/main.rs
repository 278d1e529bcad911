//! tokenscope: no arguments opens the window; subcommands run headless
//! (`tokenscope::cli`). This file parses the arguments and dispatches.

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser as _;
use winit::event_loop::EventLoop;

use tokenscope::app::{Clock, Screenshot, StartOptions, ThemeChoice, TokenscopeApp};
use tokenscope::cli::args::{Cli, Lang, Theme};
use tokenscope::cli::commands::{dispatch, read_input, secret_preference};
use tokenscope::token::Timestamp;
use tokenscope::token::time::Zone;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = dispatch(&cli).unwrap_or_else(|| window(&cli));
    match result {
        Ok(code) => code,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "tokenscope: {error:#}");
            ExitCode::from(2)
        }
    }
}

/// Opens the window with the options of the command line.
fn window(cli: &Cli) -> anyhow::Result<ExitCode> {
    let paste = match &cli.paste {
        Some(path) => Some((read_input(Some(path))?, Some(path.display().to_string()))),
        None => None,
    };
    let outcome = Arc::new(Mutex::new(None));
    let frames = Arc::new(AtomicU64::new(0));
    let config_dir = cli
        .config_dir
        .clone()
        .or_else(tokenscope::store::default_config_dir);
    let options = StartOptions {
        clock: cli.now.map(|now| Clock::Fixed(Timestamp::from_unix(now))),
        paste,
        screenshot: cli.screenshot.clone().map(|path| Screenshot {
            path,
            outcome: Arc::clone(&outcome),
        }),
        theme: match cli.theme {
            None => ThemeChoice::System,
            Some(Theme::Light) => ThemeChoice::Light,
            Some(Theme::Dark) => ThemeChoice::Dark,
        },
        zone: if cli.utc { Zone::Utc } else { Zone::Local },
        // The language given, else the one chosen last time (read before
        // the window opens), else the system's.
        language: cli
            .lang
            .map(|lang| match lang {
                Lang::En => tokenscope::i18n::Language::En,
                Lang::Ru => tokenscope::i18n::Language::Ru,
            })
            .or_else(|| {
                config_dir
                    .as_deref()
                    .and_then(|dir| tokenscope::store::preferences::load(dir).language)
            }),
        quit_after: cli
            .quit_after
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64),
        frame_counter: cli.report_frames.then(|| Arc::clone(&frames)),
        config_dir: config_dir.clone(),
        secret_preference: secret_preference(cli),
        browser: cli.browser.clone(),
        inspector: None,
        presenter: cli.presenter,
        background: tokenscope::ui::Background::Cleared,
        autoplay: cli.profile.clone().map(|profile| (profile, cli.play)),
    };
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("tokenscope")
        // The desktop entry's StartupWMClass: the taskbar groups the window under its icon.
        .with_app_id("tokenscope")
        .with_inner_size([cli.size.0, cli.size.1])
        .with_min_inner_size([720.0, 480.0]);
    if let Some(icon) = tokenscope::app::window_icon() {
        viewport = viewport.with_icon(icon);
    }
    let native = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport,
        ..Default::default()
    };
    // The event loop before any thread: on X11 it opens the input method,
    // whose libX11 reads the locale's Compose file a character at a time,
    // and glibc locks the stream for each character once a process has a
    // second thread (~8 ms with the store and inspection threads running,
    // under 1 ms without). The threads then start while the window is made.
    let event_loop = EventLoop::<eframe::UserEvent>::with_user_event()
        .build()
        .map_err(|error| anyhow::anyhow!("could not open the window: {error}"))?;
    let prepared = TokenscopeApp::prepare_for_window(options);
    let mut window = eframe::create_native(
        "tokenscope",
        native,
        Box::new(move |cc| Ok(Box::new(prepared.open(&cc.egui_ctx)))),
        &event_loop,
    );
    event_loop
        .run_app(&mut window)
        .map_err(|error| anyhow::anyhow!("could not open the window: {error}"))?;
    if cli.report_frames {
        let _ = writeln!(
            std::io::stderr(),
            "frames: {}",
            frames.load(Ordering::Relaxed)
        );
    }
    if cli.screenshot.is_some() {
        let written = outcome.lock().ok().and_then(|mut slot| slot.take());
        match written {
            Some(Ok(())) => {}
            Some(Err(error)) => anyhow::bail!("screenshot failed: {error}"),
            None => anyhow::bail!("the window closed before the screenshot was taken"),
        }
    }
    Ok(ExitCode::SUCCESS)
}
