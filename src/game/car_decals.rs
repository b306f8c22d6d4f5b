//! The cosmetic decals' pictures, drawn in code (no downloaded assets): crystal spires rising
//! from the sill, and a band of stone runes. RGBA with a transparent ground, laid on the
//! doors by `car_look`.

use bevy::asset::RenderAssetUsages;
use bevy::image::Image;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

const WIDTH: u32 = 512;
const HEIGHT: u32 = 256;

/// Which decal a car wears, from the cosmetics its owner holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decal {
    Spire,
    StoneRunes,
}

impl Decal {
    pub fn item(self) -> &'static str {
        match self {
            Decal::Spire => "decal-spire",
            Decal::StoneRunes => "decal-stone-runes",
        }
    }
}

fn inside_triangle(p: (f32, f32), a: (f32, f32), b: (f32, f32), c: (f32, f32)) -> bool {
    let side = |p: (f32, f32), q: (f32, f32), r: (f32, f32)| (p.0 - r.0) * (q.1 - r.1) - (q.0 - r.0) * (p.1 - r.1);
    let (d1, d2, d3) = (side(p, a, b), side(p, b, c), side(p, c, a));
    !((d1 < 0.0 || d2 < 0.0 || d3 < 0.0) && (d1 > 0.0 || d2 > 0.0 || d3 > 0.0))
}

/// Colour and coverage of the spire decal at (x, y) in 0..1 (y down).
fn spire(x: f32, y: f32) -> Option<[f32; 4]> {
    // Spires of different heights rising from the bottom edge, brightest at their tips.
    let spires = [(0.12, 0.55, 0.05), (0.22, 0.25, 0.07), (0.33, 0.45, 0.05), (0.47, 0.1, 0.08), (0.6, 0.4, 0.05), (0.72, 0.2, 0.065), (0.85, 0.5, 0.05)];
    for (cx, tip, half) in spires {
        if inside_triangle((x, y), (cx - half, 1.0), (cx + half, 1.0), (cx, tip)) {
            // Two facets: the left one lit, the right one in shade.
            let lit = x < cx;
            let glow = 1.0 - (y - tip) / (1.0 - tip);
            let base = if lit { [0.55, 0.95, 1.0] } else { [0.2, 0.6, 0.85] };
            return Some([base[0] + 0.4 * glow, base[1], base[2], 0.92]);
        }
    }
    // A thin bright line along the sill, fading towards the front.
    (y > 0.93 && y < 0.97).then_some([0.6, 0.95, 1.0, 0.9 * (1.0 - x * 0.6)])
}

/// Colour and coverage of the stone-runes decal: a band of angular glyphs in gold.
fn stone_runes(x: f32, y: f32) -> Option<[f32; 4]> {
    let gold = [1.0, 0.78, 0.3, 0.95];
    let (band_top, band_bottom) = (0.55, 0.85);
    if (y - band_top).abs() < 0.012 || (y - band_bottom).abs() < 0.012 {
        return Some(gold);
    }
    if !(band_top..band_bottom).contains(&y) {
        return None;
    }
    let cell = 0.1;
    let i = (x / cell).floor() as i32;
    let (u, v) = ((x - i as f32 * cell) / cell, (y - band_top) / (band_bottom - band_top));
    if !(0.2..0.8).contains(&u) || !(0.15..0.85).contains(&v) {
        return None;
    }
    let stroke = 0.09;
    // Each glyph: a stem and one or two diagonals, chosen by its place.
    let stem = (u - 0.5).abs() < stroke;
    let diagonal = |k: f32| (v - (u - 0.2) / 0.6 * k - (1.0 - k) / 2.0).abs() < stroke;
    let hit = match i.rem_euclid(4) {
        0 => stem || diagonal(0.6),
        1 => stem || diagonal(-0.6),
        2 => diagonal(1.0) || diagonal(-1.0),
        _ => stem || (v - 0.3).abs() < stroke,
    };
    hit.then_some(gold)
}

pub fn picture(decal: Decal) -> Image {
    let mut data = Vec::with_capacity((WIDTH * HEIGHT * 4) as usize);
    for py in 0..HEIGHT {
        for px in 0..WIDTH {
            let (x, y) = ((px as f32 + 0.5) / WIDTH as f32, (py as f32 + 0.5) / HEIGHT as f32);
            let c = match decal {
                Decal::Spire => spire(x, y),
                Decal::StoneRunes => stone_runes(x, y),
            }
            .unwrap_or([0.0; 4]);
            data.extend(c.map(|v| (v.clamp(0.0, 1.0) * 255.0) as u8));
        }
    }
    Image::new(Extent3d { width: WIDTH, height: HEIGHT, depth_or_array_layers: 1 }, TextureDimension::D2, data, TextureFormat::Rgba8UnormSrgb, RenderAssetUsages::default())
}

/// The car's soft shadow on the ground: black, its alpha falling off from the middle of a
/// rounded rectangle to nothing at the edges.
pub fn soft_shadow() -> Image {
    let (w, h) = (64u32, 128u32);
    let mut data = Vec::with_capacity((w * h * 4) as usize);
    for py in 0..h {
        for px in 0..w {
            let (x, y) = (((px as f32 + 0.5) / w as f32) * 2.0 - 1.0, ((py as f32 + 0.5) / h as f32) * 2.0 - 1.0);
            // A superellipse distance: 0 in the middle, 1 at the edge.
            let d = (x.abs().powi(4) + y.abs().powi(4)).powf(0.25);
            let alpha = (1.0 - ((d - 0.55) / 0.45).clamp(0.0, 1.0)).powf(1.5) * 0.75;
            data.extend([0, 0, 0, (alpha * 255.0) as u8]);
        }
    }
    Image::new(Extent3d { width: w, height: h, depth_or_array_layers: 1 }, TextureDimension::D2, data, TextureFormat::Rgba8UnormSrgb, RenderAssetUsages::default())
}
