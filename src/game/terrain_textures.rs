//! The ground's textures, drawn in code: grass, rock, sand and snow, each a tileable
//! 256 × 256 pattern around mid-grey that the terrain shader multiplies (× 2) into the
//! level's colour, so a texture adds grain and the level keeps its hues. Mip levels are
//! averaged here too (Bevy does not make them), or distant ground would shimmer.

/// Side of each layer, in pixels.
pub const SIDE: u32 = 256;
/// Layers in the order the shader reads them.
pub const LAYERS: u32 = 4;

/// Mip levels of a layer: 256, 128, … 1.
pub fn mip_levels() -> u32 {
    SIDE.ilog2() + 1
}

fn hash(x: i32, y: i32, seed: u32) -> f32 {
    let mut h = (x as u32).wrapping_mul(0x8da6_b343) ^ (y as u32).wrapping_mul(0xd816_3841) ^ seed.wrapping_mul(0xcb1a_b31f);
    h ^= h >> 13;
    h = h.wrapping_mul(0x5bd1_e995);
    h ^= h >> 15;
    (h & 0xffff) as f32 / 65535.0
}

/// Value noise with period `period` cells across the tile (so it wraps), in 0..1.
fn periodic_noise(u: f32, v: f32, period: i32, seed: u32) -> f32 {
    let (x, y) = (u * period as f32, v * period as f32);
    let (x0, y0) = (x.floor() as i32, y.floor() as i32);
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
    let at = |i: i32, j: i32| hash(i.rem_euclid(period), j.rem_euclid(period), seed);
    let top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * sx;
    let bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * sx;
    top + (bottom - top) * sy
}

/// Octaves of periodic noise from `period` cells up, in 0..1.
fn fractal(u: f32, v: f32, period: i32, octaves: u32, seed: u32) -> f32 {
    let (mut sum, mut amplitude, mut norm, mut p) = (0.0, 1.0, 0.0, period);
    for o in 0..octaves {
        sum += amplitude * periodic_noise(u, v, p, seed + o);
        norm += amplitude;
        amplitude *= 0.5;
        p *= 2;
    }
    sum / norm
}

/// One texel of a layer as linear-ish RGB multipliers around 0.5.
pub fn texel(layer: u32, u: f32, v: f32) -> [f32; 3] {
    match layer {
        // Grass: clumps, blades (fine speckle), a little yellow where it is dry. Stretched
        // contrast: averaged octaves sit near their middle, and grain that small vanishes.
        0 => {
            let clumps = stretch(fractal(u, v, 4, 3, 11), 2.5);
            let blades = stretch(fractal(u, v, 32, 2, 12), 1.8);
            let dry = (fractal(u, v, 2, 2, 13) - 0.5).max(0.0);
            let l = 0.20 + 0.34 * clumps + 0.26 * blades;
            [l * (1.0 + dry), l * (1.0 + 0.3 * dry), l * (1.0 - dry)]
        }
        // Rock: strata along v bent by noise, cracks where the noise crosses its middle.
        1 => {
            let bend = fractal(u, v, 4, 3, 21);
            let strata = (std::f32::consts::TAU * (v * 6.0 + bend * 1.5)).sin() * 0.5 + 0.5;
            let crack = ((fractal(u, v, 8, 4, 22) - 0.5).abs() * 14.0).min(1.0);
            let grain = periodic_noise(u, v, 64, 23);
            let l = (0.30 + 0.16 * strata + 0.10 * grain) * (0.55 + 0.45 * crack);
            [l, l * 0.98, l * 0.95]
        }
        // Sand: wind ripples across u, and grain.
        2 => {
            let bend = fractal(u, v, 4, 2, 31);
            let ripple = (std::f32::consts::TAU * (u * 24.0 + bend * 3.0)).sin() * 0.5 + 0.5;
            let grain = periodic_noise(u, v, 128, 32);
            let l = 0.42 + 0.07 * ripple + 0.08 * grain;
            [l, l, l * 0.97]
        }
        // Snow: soft drifts, a faint blue in the hollows, a few glints.
        _ => {
            let drift = fractal(u, v, 4, 4, 41);
            let glint = if periodic_noise(u, v, 128, 42) > 0.93 { 0.06 } else { 0.0 };
            let l = 0.36 + 0.26 * drift + glint;
            [l * (0.97 + 0.03 * drift), l, l * 1.02]
        }
    }
}

/// All layers with all their mip levels, layer after layer (each layer's mips from the
/// largest), as RGBA8 in sRGB: the layout of a layer-major 2D array texture.
pub fn ground_layers() -> Vec<u8> {
    let mut out = Vec::new();
    for layer in 0..LAYERS {
        let mut level: Vec<[f32; 3]> = (0..SIDE * SIDE)
            .map(|i| texel(layer, (i % SIDE) as f32 / SIDE as f32, (i / SIDE) as f32 / SIDE as f32))
            .collect();
        let mut side = SIDE;
        loop {
            for c in &level {
                out.extend(c.iter().map(|&x| (linear_to_srgb(x.clamp(0.0, 1.0)) * 255.0).round() as u8));
                out.push(255);
            }
            if side == 1 {
                break;
            }
            let half = side / 2;
            level = (0..half * half)
                .map(|i| {
                    let (x, y) = (2 * (i % half), 2 * (i / half));
                    let at = |dx: u32, dy: u32| level[((y + dy) * side + x + dx) as usize];
                    let [a, b, c, d] = [at(0, 0), at(1, 0), at(0, 1), at(1, 1)];
                    [0, 1, 2].map(|k| (a[k] + b[k] + c[k] + d[k]) / 4.0)
                })
                .collect();
            side = half;
        }
    }
    out
}

/// Spreads a value in 0..1 away from its middle by `k`.
fn stretch(x: f32, k: f32) -> f32 {
    ((x - 0.5) * k + 0.5).clamp(0.0, 1.0)
}

fn linear_to_srgb(c: f32) -> f32 {
    if c <= 0.003_130_8 { c * 12.92 } else { 1.055 * c.powf(1.0 / 2.4) - 0.055 }
}
