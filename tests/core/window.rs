//! The real window, under a virtual X server (Xvfb) with Mesa's software
//! OpenGL: it opens, shows a paste decoded, captures its first frame and
//! closes. The UI tests drive the same app through `egui_kittest`; this is
//! what they cannot see: `main`'s start-up (the window-builder hook that
//! starts the app's threads and the glyph warm-up) and the glow renderer.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::GENERATED_AT;

/// An Xvfb display, stopped when dropped.
struct VirtualDisplay {
    server: Child,
    name: String,
}

impl VirtualDisplay {
    /// Starts Xvfb on the first free display number from 140, and waits for
    /// its socket.
    fn start() -> Self {
        for number in 140..240 {
            let socket = format!("/tmp/.X11-unix/X{number}");
            let lock = format!("/tmp/.X{number}-lock");
            if Path::new(&socket).exists() || Path::new(&lock).exists() {
                continue;
            }
            let name = format!(":{number}");
            let mut server = Command::new("Xvfb")
                .args([&name, "-screen", "0", "1920x1080x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("Xvfb runs (README, system packages: xvfb)");
            let deadline = Instant::now() + Duration::from_secs(10);
            while Instant::now() < deadline {
                if Path::new(&socket).exists() {
                    return Self { server, name };
                }
                if server.try_wait().ok().flatten().is_some() {
                    break; // Lost a race for this number: try the next one.
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = server.kill();
            let _ = server.wait();
        }
        panic!("no X display number free between :140 and :239");
    }
}

impl Drop for VirtualDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Opens the window on `display` with the Keycloak paste and `args`, and
/// returns its first frame.
fn first_frame(display: &VirtualDisplay, args: &[&str]) -> image::RgbaImage {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-window-{}-{}",
        std::process::id(),
        args.join("")
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let shot = dir.join("first-frame.png");
    let paste = format!(
        "{}/tests/fixtures/keycloak-login-error.log",
        env!("CARGO_MANIFEST_DIR")
    );
    let now = (GENERATED_AT + 86_400).to_string();
    let output = Command::new(env!("CARGO_BIN_EXE_tokenscope"))
        .arg("--screenshot")
        .arg(&shot)
        .args(["--paste", &paste, "--now", &now, "--utc"])
        .arg("--config-dir")
        .arg(&dir)
        .args(args)
        .env("DISPLAY", &display.name)
        .env_remove("WAYLAND_DISPLAY")
        .env("LIBGL_ALWAYS_SOFTWARE", "1")
        .output()
        .expect("tokenscope runs");
    assert!(
        output.status.success(),
        "the window failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let frame = image::open(&shot)
        .expect("the first frame is a PNG")
        .to_rgba8();
    let _ = std::fs::remove_dir_all(&dir);
    frame
}

/// How many distinct colours a region holds: text drawn there is anti-aliased
/// into dozens, an empty panel is one.
fn colours_in(frame: &image::RgbaImage, x: u32, y: u32, width: u32, height: u32) -> usize {
    let mut seen = std::collections::BTreeSet::new();
    for yy in y..(y + height).min(frame.height()) {
        for xx in x..(x + width).min(frame.width()) {
            seen.insert(frame.get_pixel(xx, yy).0);
        }
    }
    seen.len()
}

#[test]
fn the_window_opens_decodes_the_paste_and_captures_its_first_frame() {
    let display = VirtualDisplay::start();
    for (args, size) in [
        (&["--theme", "dark", "--lang", "en"][..], (1280, 800)),
        (
            &["--theme", "light", "--lang", "ru", "--size", "1366x768"][..],
            (1366, 768),
        ),
        (
            &["--presenter", "--lang", "ru", "--size", "1280x720"][..],
            (1280, 720),
        ),
    ] {
        let frame = first_frame(&display, args);
        assert_eq!(frame.dimensions(), size, "{args:?}");
        // The paste box (left) and the claims table (right) hold text.
        let (width, height) = frame.dimensions();
        assert!(
            colours_in(&frame, 0, height / 4, width / 2, height / 2) > 20,
            "{args:?}: the left half is empty"
        );
        assert!(
            colours_in(&frame, width / 2, height / 4, width / 2, height / 2) > 20,
            "{args:?}: the right half is empty"
        );
        // The window was cleared to a theme's colour, not left transparent.
        assert_eq!(frame.get_pixel(width - 1, height - 1).0[3], 255, "{args:?}");
    }
}
