//! The first frame's glyphs, rasterized on a spare core while the window
//! and its GL context are being made.
//!
//! egui rasterizes a glyph (TrueType hinting, then coverage) the first time
//! a layout needs it, on the UI thread. The first screen needs several
//! hundred — each character of body text at up to four sub-pixel offsets —
//! and that was the largest single cost of the first frame (≈5 ms of
//! hinting alone, measured with `perf`). Creating the window takes tens of
//! milliseconds in which the second core is mostly idle, so the glyphs are
//! made there: a pass of the window's own egui context lays out the
//! characters the first screen is likely to show, in the fonts and sizes it
//! uses.
//!
//! The window's first pass waits for the warm-up ([`GlyphWarmup::finish`]):
//! an egui context runs one pass at a time.

use std::collections::BTreeSet;
use std::thread::JoinHandle;

use egui::text::{LayoutJob, TextFormat};
use egui::{FontId, TextStyle};

/// The widest font atlas the window asks for. egui makes its atlas as wide
/// as the GPU allows (16384 on llvmpipe and most GPUs) and only grows its
/// height, so every upload of it moves whole 16384-pixel rows; 4096 holds
/// the same glyphs in a quarter of the bytes. Set in the window's
/// `raw_input_hook` and in the warm-up pass alike: a different value would
/// make egui rebuild its fonts and drop the warmed glyphs.
pub const FONT_ATLAS_SIDE: usize = 4096;

/// Distinct characters taken from the start-up paste: enough for any
/// script a paste mixes, bounded whatever the paste holds.
const PASTE_CHARACTERS: usize = 256;

/// How far into the paste to look for them: the first screen shows its
/// beginning, and the scan stays short on the UI thread.
const PASTE_SCAN_CHARACTERS: usize = 64 * 1024;

/// Glyphs laid out per hold of the context's lock (each new one ≈ 15 µs).
const GLYPHS_PER_LAYOUT: usize = 16;

/// The sub-pixel offsets egui rasterizes proportional glyphs at
/// (`epaint`'s `SubpixelBin`: quarters of a pixel).
const SUBPIXEL_OFFSETS: [f32; 4] = [0.0, 0.25, 0.5, 0.75];

/// A warm-up running on its own thread, or none.
#[derive(Default)]
pub struct GlyphWarmup(Option<JoinHandle<()>>);

impl GlyphWarmup {
    /// Starts rasterizing, in `ctx`'s fonts, the characters the first
    /// screen is likely to show: in the interface's fonts printable ASCII,
    /// and the Cyrillic alphabet when the window speaks Russian; in the code
    /// font (the paste box, claim names) printable ASCII and the other
    /// characters of the start-up `paste`. Assumes the window's scale is 1
    /// (the X11 default); at any other scale the glyphs are made at the right
    /// size when needed, as they would be without a warm-up.
    pub fn start(ctx: &egui::Context, russian: bool, paste: Option<&str>) -> Self {
        let characters = Characters {
            interface: interface_characters(russian),
            code: code_characters(paste),
        };
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("tokenscope-glyphs".to_owned())
            .spawn(move || warm(&ctx, &characters));
        // No thread: the first frame makes its glyphs itself, as it would anyway.
        Self(spawned.ok())
    }

    /// Waits until the warm-up is done. Called before each of the window's
    /// passes; only the first one may wait.
    pub fn finish(&mut self) {
        if let Some(handle) = self.0.take() {
            // A warm-up that panicked leaves nothing behind but fewer ready glyphs.
            let _ = handle.join();
        }
    }
}

/// The characters to warm, each once, in a stable order.
struct Characters {
    /// For the proportional fonts (labels, buttons).
    interface: Vec<char>,
    /// For the monospace font.
    code: Vec<char>,
}

fn interface_characters(russian: bool) -> Vec<char> {
    let mut set: BTreeSet<char> = (' '..='~').collect();
    if russian {
        set.extend('А'..='я');
        set.extend(['Ё', 'ё', '«', '»', '—', '…']);
    }
    set.into_iter().collect()
}

fn code_characters(paste: Option<&str>) -> Vec<char> {
    let mut set: BTreeSet<char> = (' '..='~').collect();
    if let Some(paste) = paste {
        let extra = paste
            .chars()
            .take(PASTE_SCAN_CHARACTERS)
            .filter(|c| !c.is_control())
            .filter(|c| !c.is_ascii())
            .collect::<BTreeSet<char>>();
        set.extend(extra.into_iter().take(PASTE_CHARACTERS));
    }
    set.into_iter().collect()
}

/// One pass of `ctx` that lays out `characters` in each font the first
/// screen uses, at each sub-pixel offset, then hands the atlas it filled
/// back to the context, so the window's first frame uploads it.
fn warm(ctx: &egui::Context, characters: &Characters) {
    let input = egui::RawInput {
        max_texture_side: Some(FONT_ATLAS_SIDE),
        ..egui::RawInput::default()
    };
    let mut output = ctx.run_ui(input, |ui| {
        for font in first_screen_fonts(ui.style()) {
            // The monospace font is rasterized at whole pixels only (see
            // `install_fonts`); the others at each quarter.
            let (characters, offsets) = if font.family == egui::FontFamily::Monospace {
                (&characters.code, &SUBPIXEL_OFFSETS[..1])
            } else {
                (&characters.interface, &SUBPIXEL_OFFSETS[..])
            };
            let format = TextFormat::simple(font, egui::Color32::WHITE);
            for &offset in offsets {
                // A few glyphs per layout: each holds the context's lock,
                // which the window's thread also takes while it starts.
                for chunk in characters.chunks(GLYPHS_PER_LAYOUT) {
                    let mut job = LayoutJob::default();
                    job.append(&chunk.iter().collect::<String>(), offset, format.clone());
                    ui.fonts_mut(|fonts| fonts.layout_job(job));
                }
            }
        }
    });
    // The pass took the atlas's changes for its own (discarded) output;
    // queue them again so the window's first frame uploads them.
    let textures = ctx.tex_manager();
    let mut textures = textures.write();
    for (id, deltas) in std::mem::take(&mut output.textures_delta.set) {
        for delta in deltas {
            textures.set(id, delta);
        }
    }
    // Nothing else for a window to do: a pass of only layouts frees no texture.
    output.textures_delta.clear();
}

/// The fonts of body text, buttons and code: nearly all of the first
/// screen's glyphs (headings and small print are a few dozen glyphs and are
/// made when drawn).
fn first_screen_fonts(style: &egui::Style) -> Vec<FontId> {
    let mut fonts: Vec<FontId> = Vec::new();
    for text_style in [TextStyle::Body, TextStyle::Button, TextStyle::Monospace] {
        if let Some(font) = style.text_styles.get(&text_style)
            && !fonts.contains(font)
        {
            fonts.push(font.clone());
        }
    }
    fonts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interface_gets_ascii_and_cyrillic_in_russian_and_code_gets_the_paste_bounded() {
        assert_eq!(interface_characters(false).len(), 95);
        assert!(!interface_characters(false).contains(&'Ж'));
        let russian = interface_characters(true);
        assert!(russian.contains(&'Ж') && russian.contains(&'ё'));
        assert_eq!(code_characters(None).len(), 95);
        let code = code_characters(Some("Ошибка 🔑 \u{0}\u{7f}"));
        assert!(code.contains(&'О') && code.contains(&'🔑'));
        assert!(!code.contains(&'\u{0}') && !code.contains(&'\u{7f}'));
        // Any number of distinct characters adds at most the bound.
        let many: String = (0x4e00..0x4e00 + 5000).filter_map(char::from_u32).collect();
        assert_eq!(code_characters(Some(&many)).len(), 95 + PASTE_CHARACTERS);
    }

    /// Runs a pass that shows some of the first screen's text and returns
    /// how many atlas pixels it had to fill with new glyphs.
    fn new_glyph_pixels(ctx: &egui::Context) -> usize {
        let input = egui::RawInput {
            max_texture_side: Some(FONT_ATLAS_SIDE),
            ..egui::RawInput::default()
        };
        let mut output = ctx.run_ui(input, |ui| {
            ui.label("Signature: RS256, key kc-rsa-1: not verified (load keys)");
            ui.monospace("eyJhbGciOiJSUzI1NiJ9 · Ошибка аутентификации");
        });
        let pixels = output
            .textures_delta
            .set
            .values()
            .flatten()
            .map(|delta| delta.image.width() * delta.image.height())
            .sum();
        output.textures_delta.clear();
        pixels
    }

    /// A context with the window's fonts, whose atlas was uploaded once.
    fn context_after_an_empty_pass() -> egui::Context {
        let ctx = egui::Context::default();
        super::super::install_fonts(&ctx);
        let mut output = ctx.run_ui(
            egui::RawInput {
                max_texture_side: Some(FONT_ATLAS_SIDE),
                ..egui::RawInput::default()
            },
            |_| {},
        );
        output.textures_delta.clear();
        ctx
    }

    #[test]
    fn a_warmed_context_draws_the_first_screen_with_the_glyphs_it_has() {
        let cold = context_after_an_empty_pass();
        let cold_pixels = new_glyph_pixels(&cold);

        let warmed = egui::Context::default();
        super::super::install_fonts(&warmed);
        GlyphWarmup::start(&warmed, false, Some("Ошибка аутентификации ·")).finish();
        let mut queued = warmed.tex_manager().write().take_delta();
        assert!(
            queued.set.contains_key(&egui::TextureId::default()),
            "the atlas the warm-up filled is queued for the window's first upload"
        );
        queued.clear();
        let warmed_pixels = new_glyph_pixels(&warmed);
        // A glyph whose position falls on a quarter-pixel boundary may land
        // in a bin the warm-up missed: a few, not the hundreds a cold pass makes.
        assert!(
            warmed_pixels * 20 < cold_pixels,
            "warmed {warmed_pixels} vs cold {cold_pixels} atlas pixels"
        );
    }
}
