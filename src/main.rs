//! tokenscope: no arguments opens the window; subcommands run headless
//! (`tokenscope::cli`). This file parses the arguments and dispatches.

use std::cell::RefCell;
use std::io::Write as _;
use std::process::ExitCode;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Parser as _;

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

/// The window's options: its size, icon and renderer; `window_builder`
/// runs once the event loop exists.
fn native_options(cli: &Cli, window_builder: eframe::WindowBuilderHook) -> eframe::NativeOptions {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("tokenscope")
        // The desktop entry's StartupWMClass: the taskbar groups the window under its icon.
        .with_app_id("tokenscope")
        .with_inner_size([cli.size.0, cli.size.1])
        .with_min_inner_size([720.0, 480.0]);
    if let Some(icon) = tokenscope::app::window_icon() {
        viewport = viewport.with_icon(icon);
    }
    eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport,
        window_builder: Some(window_builder),
        // eframe's fallback without its `system_fonts` feature only logs a
        // hint, and installing it makes egui rebuild its fonts: the glyphs
        // warmed for the first frame would be thrown away.
        system_font_fallback: false,
        ..Default::default()
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
    // eframe builds the event loop first; on X11 that opens the input
    // method, whose libX11 reads the locale's Compose file a character at a
    // time, and glibc locks the stream for each character once a process has
    // a second thread (~8 ms with the app's threads running, under 1 ms
    // without). So no thread starts before the window is being built: the
    // window-builder hook, which runs after the event loop exists, starts
    // the store, the paste's inspection and the glyph warm-up, which then
    // run while the window and its GL context are made.
    let ctx = tokenscope::app::window_context();
    let prepared = Rc::new(RefCell::new(None));
    let window_builder: eframe::WindowBuilderHook = Box::new({
        let prepared = Rc::clone(&prepared);
        let ctx = ctx.clone();
        move |builder| {
            prepared.replace(Some(TokenscopeApp::prepare_for_window(options, &ctx)));
            builder
        }
    });
    eframe::run_native_ext(
        "tokenscope",
        native_options(cli, window_builder),
        Some(ctx),
        Box::new(move |cc| {
            let app = prepared
                .take()
                .ok_or("the window was built without its app")?
                .open(&cc.egui_ctx);
            Ok(Box::new(app))
        }),
    )
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
