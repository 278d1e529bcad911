//! What a frame costs the renderer: the real window clears its background
//! to the panels' colour instead of shading a window-sized fill per panel,
//! which on a software renderer (llvmpipe, a VM, a remote desktop) was
//! over half of the pixels a frame shaded.

use egui::epaint::{Primitive, WHITE_UV};
use egui::{Pos2, Rect};
use egui_kittest::Harness;
use tokenscope::app::{Clock, StartOptions, ThemeChoice, TokenscopeApp};
use tokenscope::token::Timestamp;
use tokenscope::ui::Background;

use crate::support::{A_DAY_LATER, fixture};

const WINDOW: [f32; 2] = [1280.0, 800.0];

fn window_with_the_keycloak_paste(background: Background) -> Harness<'static, TokenscopeApp> {
    let paste = fixture("keycloak-login-error.log");
    let mut harness = Harness::builder()
        .with_size(WINDOW)
        .build_eframe(move |cc| {
            TokenscopeApp::new(
                &cc.egui_ctx,
                StartOptions {
                    clock: Some(Clock::Fixed(Timestamp::from_unix(A_DAY_LATER))),
                    language: Some(tokenscope::i18n::Language::En),
                    theme: ThemeChoice::Light,
                    paste: Some((paste, None)),
                    background,
                    ..StartOptions::default()
                },
            )
        });
    harness.run_steps(2);
    harness
}

/// Pixels of the window covered by untextured fills (panels, frames,
/// buttons), each triangle clipped to its clip rectangle and the window,
/// as the rasteriser sees them; overlapping fills count twice, as they
/// are shaded twice.
fn shaded_fill_pixels(harness: &Harness<'static, TokenscopeApp>) -> f64 {
    let shapes = harness.output().shapes.clone();
    let window = Rect::from_min_size(Pos2::ZERO, WINDOW.into());
    harness
        .ctx
        .tessellate(shapes, 1.0)
        .iter()
        .map(|clipped| {
            let Primitive::Mesh(mesh) = &clipped.primitive else {
                return 0.0;
            };
            let clip = clipped.clip_rect.intersect(window);
            mesh.indices
                .chunks_exact(3)
                .map(|triangle| triangle.iter().map(|&i| mesh.vertices[i as usize]))
                .filter_map(|mut corners| {
                    let [a, b, c] = [corners.next()?, corners.next()?, corners.next()?];
                    let fill = [a, b, c].iter().all(|v| v.uv == WHITE_UV);
                    fill.then(|| clipped_area(&[a.pos, b.pos, c.pos], clip))
                })
                .sum::<f64>()
        })
        .sum()
}

/// A side of a clip rectangle: the coordinate it bounds, its value, and
/// whether the inside lies above it.
type Side = (fn(Pos2) -> f32, f32, bool);

/// The area of a triangle clipped to `rect` (Sutherland–Hodgman).
fn clipped_area(triangle: &[Pos2], rect: Rect) -> f64 {
    let mut polygon = triangle.to_vec();
    let sides: [Side; 4] = [
        (|p| p.x, rect.min.x, true),
        (|p| p.x, rect.max.x, false),
        (|p| p.y, rect.min.y, true),
        (|p| p.y, rect.max.y, false),
    ];
    for (coordinate, bound, keep_above) in sides {
        let inside = |p: Pos2| {
            if keep_above {
                coordinate(p) >= bound
            } else {
                coordinate(p) <= bound
            }
        };
        let cross = |a: Pos2, b: Pos2| {
            let t = (bound - coordinate(a)) / (coordinate(b) - coordinate(a));
            a + (b - a) * t
        };
        let mut kept = Vec::new();
        for (i, &current) in polygon.iter().enumerate() {
            let previous = polygon[(i + polygon.len() - 1) % polygon.len()];
            match (inside(previous), inside(current)) {
                (true, true) => kept.push(current),
                (true, false) => kept.push(cross(previous, current)),
                (false, true) => kept.extend([cross(previous, current), current]),
                (false, false) => {}
            }
        }
        polygon = kept;
        if polygon.is_empty() {
            return 0.0;
        }
    }
    let twice: f32 = (0..polygon.len())
        .map(|i| {
            let (p, q) = (polygon[i], polygon[(i + 1) % polygon.len()]);
            p.x * q.y - q.x * p.y
        })
        .sum();
    f64::from(twice.abs()) / 2.0
}

#[test]
fn the_real_window_shades_no_panel_backgrounds() {
    let window_area = f64::from(WINDOW[0] * WINDOW[1]);
    let painted = shaded_fill_pixels(&window_with_the_keycloak_paste(Background::Painted));
    let cleared = shaded_fill_pixels(&window_with_the_keycloak_paste(Background::Cleared));
    // Painted, the panels alone cover the window once.
    assert!(painted > window_area, "{painted} of {window_area}");
    // Cleared, what is left is the paste box, rows and buttons.
    assert!(cleared < window_area / 2.0, "{cleared} of {window_area}");
    assert!(
        painted - cleared > 0.9 * window_area,
        "{painted} → {cleared}"
    );
}

#[test]
fn the_window_is_cleared_to_the_panels_colour_in_both_themes() {
    for visuals in [egui::Visuals::light(), egui::Visuals::dark()] {
        let cleared = tokenscope::ui::clear_color(&visuals);
        let panel = visuals.panel_fill.to_array().map(|c| f32::from(c) / 255.0);
        let apart = cleared.iter().zip(panel).map(|(c, p)| (c - p).abs());
        assert!(apart.fold(0.0, f32::max) < 1e-6, "{cleared:?} vs {panel:?}");
    }
}
