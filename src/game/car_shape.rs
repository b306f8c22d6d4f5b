//! The twin's shape, generated: a fastback electric saloon lofted from cross-sections along
//! its length (a superellipse in plan and in section, wheel arches cut into the sill line), a
//! glass house on top, and patches that follow the body's surface for the light bars,
//! badge, charge port, cladding, seams and decals. Also the wheels: tyres with rounded
//! sidewalls, five twin-spoke rims, brake discs and callipers.
//!
//! In the car's frame: front is −z, the wheels' centres stand at `WHEEL_CENTRE_Y` (where the
//! suspension rests under the car's weight) and the ground at `GROUND_Y`.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use super::car::{SUSPENSION_REST, WHEEL_MOUNTS, WHEEL_RADIUS};

/// Rapier's suspension at rest carries a quarter of the weight: stiffness × compression = g/4.
const REST_COMPRESSION: f32 = 9.81 / (4.0 * 26.0);
pub const WHEEL_CENTRE_Y: f32 = -0.2 - SUSPENSION_REST + REST_COMPRESSION;
pub const GROUND_Y: f32 = WHEEL_CENTRE_Y - WHEEL_RADIUS;
/// Nose and tail (z), and the widest half width.
const FRONT_Z: f32 = -2.32;
const REAR_Z: f32 = 2.40;
const HALF_WIDTH: f32 = 0.95;
/// The wheel arches' radius around the wheels' centres.
const ARCH_RADIUS: f32 = 0.44;
/// Exponent of the body's cross-section (4: flat sides and top, round shoulders).
const SECTION_POWER: f32 = 4.0;

fn smoothstep(a: f32, b: f32, x: f32) -> f32 {
    let t = ((x - a) / (b - a)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn lerp(a: f32, b: f32, t: f32) -> f32 {
    a + (b - a) * t
}

/// Position along the car, 0 at the nose and 1 at the tail.
fn z_at(s: f32) -> f32 {
    lerp(FRONT_Z, REAR_Z, s)
}

/// Half width in plan: a rounded nose, a squarer tail.
fn half_width(s: f32) -> f32 {
    let (t, p) = if s < 0.5 { (1.0 - 2.0 * s, 3.2) } else { (2.0 * s - 1.0, 5.0) };
    HALF_WIDTH * (1.0 - t.abs().powf(p)).max(0.0).powf(1.0 / p)
}

/// Height of the shoulder: a low nose rising over the bonnet to the windscreen, the waist
/// along the doors, a short deck ending in a ducktail.
fn shoulder(s: f32) -> f32 {
    let g = GROUND_Y;
    let nose = g + 0.62;
    let bonnet = lerp(nose, g + 0.93, smoothstep(0.0, 0.30, s).powf(0.6));
    let waist = lerp(bonnet, g + 0.98, smoothstep(0.30, 0.70, s));
    let deck = lerp(waist, g + 1.03, smoothstep(0.78, 0.97, s));
    deck - 0.1 * smoothstep(0.975, 1.0, s)
}

/// Height of the sill, cut up into an arch over each wheel.
fn sill(z: f32) -> f32 {
    let base = GROUND_Y + 0.17;
    let mut y = base + 0.1 * (smoothstep(0.86, 1.0, (z - FRONT_Z) / (REAR_Z - FRONT_Z)) + smoothstep(0.1, 0.0, (z - FRONT_Z) / (REAR_Z - FRONT_Z)));
    for axle in [WHEEL_MOUNTS[0].z, WHEEL_MOUNTS[2].z] {
        let d = (z - axle) / ARCH_RADIUS;
        if d.abs() < 1.0 {
            y = y.max(WHEEL_CENTRE_Y + ARCH_RADIUS * (1.0 - d * d).sqrt());
        }
    }
    y
}

/// Height of the roof above the shoulder: the windscreen, the roof and the fastback.
fn roof_rise(s: f32) -> f32 {
    0.47 * smoothstep(0.30, 0.47, s) * (1.0 - smoothstep(0.58, 0.93, s).powf(1.3))
}

/// A point of the body's right half: `s` along the car, `v` from −1 (the sill) to 1 (the
/// shoulder's top, on the centre line).
pub fn body_point(s: f32, v: f32) -> Vec3 {
    let z = z_at(s);
    let (bottom, top) = (sill(z), shoulder(s));
    let (middle, half) = ((bottom + top) / 2.0, ((top - bottom) / 2.0).max(0.005));
    let x = half_width(s) * (1.0 - v.abs().powf(SECTION_POWER)).max(0.0).powf(1.0 / SECTION_POWER);
    Vec3::new(x, middle + half * v, z)
}

/// A point of the glass house's right half: `u` 0 on the waist to 1 on the roof's centre.
pub fn glass_point(s: f32, u: f32) -> Vec3 {
    let z = z_at(s);
    let base_half = half_width(s) - 0.1;
    let a = u * std::f32::consts::FRAC_PI_2;
    // Tumblehome: the side glass leans in towards the roof.
    let x = base_half * (1.0 - 0.3 * a.sin()) * a.cos().max(0.0).powf(0.55);
    Vec3::new(x, shoulder(s) - 0.03 + roof_rise(s) * a.sin().max(0.0).powf(0.45), z)
}

/// Samples `v` so that the shoulders (where the section turns fastest) get more rows.
fn v_of(t: f32) -> f32 {
    // t in [0, 1] → v in [−1, 1], denser near both ends.
    let a = (t * 2.0 - 1.0) * std::f32::consts::FRAC_PI_2;
    a.sin().signum() * a.sin().abs().powf(0.6)
}

/// A surface patch over a rectangle of parameters, both halves of the car (mirrored in x),
/// pushed `offset` metres out along its normal. UVs run 0..1 over each half's patch; on the
/// left half u is mirrored so that a decal reads from the front on both sides.
pub struct Patch {
    pub s: (f32, f32),
    pub v: (f32, f32),
    pub offset: f32,
    pub halves: Halves,
}

#[derive(Clone, Copy, PartialEq)]
pub enum Halves {
    Both,
    Left,
}

/// Which surface a patch lies on.
#[derive(Clone, Copy)]
pub enum Surface {
    Body,
    Glass,
}

impl Surface {
    fn point(self, s: f32, v: f32) -> Vec3 {
        match self {
            Surface::Body => body_point(s, v),
            Surface::Glass => glass_point(s, v),
        }
    }
}

pub fn patch_mesh(surface: Surface, patch: &Patch, rows: usize, cols: usize, dense_shoulders: bool) -> Mesh {
    let mut positions = Vec::new();
    let mut normals = Vec::new();
    let mut uvs = Vec::new();
    let mut indices: Vec<u32> = Vec::new();
    let halves: &[f32] = if patch.halves == Halves::Left { &[-1.0] } else { &[1.0, -1.0] };
    for &side in halves {
        let first = positions.len() as u32;
        for i in 0..=rows {
            let ts = i as f32 / rows as f32;
            let s = lerp(patch.s.0, patch.s.1, ts);
            for j in 0..=cols {
                let tv = j as f32 / cols as f32;
                let v = if dense_shoulders { lerp(patch.v.0, patch.v.1, (v_of(tv) + 1.0) / 2.0) } else { lerp(patch.v.0, patch.v.1, tv) };
                let p = surface.point(s, v);
                let (e, ev) = (1e-3, 1e-3);
                let ds = surface.point((s + e).min(1.0), v) - surface.point((s - e).max(0.0), v);
                let dv = surface.point(s, (v + ev).min(1.0)) - surface.point(s, (v - ev).max(-1.0));
                // Outward on the right half: along the length (+z) × up the section.
                let n = dv.cross(ds).normalize_or(Vec3::X);
                let q = p + n * patch.offset;
                positions.push([q.x * side, q.y, q.z]);
                normals.push([n.x * side, n.y, n.z]);
                uvs.push([if side > 0.0 { ts } else { 1.0 - ts }, 1.0 - tv]);
            }
        }
        for i in 0..rows as u32 {
            for j in 0..cols as u32 {
                let a = first + i * (cols as u32 + 1) + j;
                let (b, c, d) = (a + 1, a + cols as u32 + 1, a + cols as u32 + 2);
                // Counter-clockwise seen from outside; the mirror flips the winding.
                if side > 0.0 { indices.extend([a, b, c, b, d, c]) } else { indices.extend([a, c, b, b, c, d]) }
            }
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
        .with_inserted_indices(Indices::U32(indices))
}

/// The painted body, whole.
pub fn body() -> Mesh {
    patch_mesh(Surface::Body, &Patch { s: (0.0, 1.0), v: (-1.0, 1.0), offset: 0.0, halves: Halves::Both }, 160, 40, true)
}

/// The glass house, whole (a panoramic glass roof, as these cars have).
pub fn glass() -> Mesh {
    patch_mesh(Surface::Glass, &Patch { s: (0.28, 0.95), v: (0.0, 1.0), offset: 0.0, halves: Halves::Both }, 90, 16, false)
}

/// A strip of the body's surface, raised a few millimetres so that it shows over the paint.
pub fn body_strip(s: (f32, f32), v: (f32, f32), halves: Halves, offset: f32) -> Mesh {
    patch_mesh(Surface::Body, &Patch { s, v, offset, halves }, 24, 6, false)
}

/// A strip on the glass house (the chrome line around the side windows).
pub fn glass_strip(s: (f32, f32), u: (f32, f32), offset: f32) -> Mesh {
    patch_mesh(Surface::Glass, &Patch { s, v: u, offset, halves: Halves::Both }, 60, 2, false)
}

/// The inside of a wheel arch: a half cylinder above the wheel, open below, seen from inside.
pub fn arch_liner() -> Mesh {
    // Inside the body's side (0.95 m), so that only its hollow shows through the arch.
    let (segments, inner, outer) = (24, 0.55, 0.925);
    let (mut positions, mut normals, mut indices) = (Vec::new(), Vec::new(), Vec::<u32>::new());
    for i in 0..=segments {
        let a = std::f32::consts::PI * i as f32 / segments as f32;
        let (y, z) = (a.sin() * ARCH_RADIUS, -a.cos() * ARCH_RADIUS);
        for x in [inner, outer] {
            positions.push([x, y, z]);
            normals.push([0.0, -a.sin(), a.cos()]);
        }
    }
    for i in 0..segments as u32 {
        let a = i * 2;
        indices.extend([a, a + 2, a + 1, a + 1, a + 2, a + 3]);
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(Indices::U32(indices))
}

/// A solid of revolution around x from a profile of (x, radius) points, smooth-shaded.
fn lathe(profile: &[(f32, f32)], segments: usize) -> Mesh {
    let (mut positions, mut normals, mut indices) = (Vec::new(), Vec::new(), Vec::<u32>::new());
    let n = profile.len();
    for i in 0..=segments {
        let a = std::f32::consts::TAU * i as f32 / segments as f32;
        let (c, sn) = (a.cos(), a.sin());
        for k in 0..n {
            let (x, r) = profile[k];
            // The profile's own normal, from its neighbours.
            let (p0, p1) = (profile[k.saturating_sub(1)], profile[(k + 1).min(n - 1)]);
            let (dx, dr) = (p1.0 - p0.0, p1.1 - p0.1);
            let (nx, nr) = (-dr, dx);
            let len = (nx * nx + nr * nr).sqrt().max(1e-6);
            positions.push([x, r * c, r * sn]);
            normals.push([nx / len, nr / len * c, nr / len * sn]);
        }
    }
    for i in 0..segments as u32 {
        for k in 0..n as u32 - 1 {
            let a = i * n as u32 + k;
            let b = a + n as u32;
            indices.extend([a, b, a + 1, a + 1, b, b + 1]);
        }
    }
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(Indices::U32(indices))
}

/// The tyre, around x: tread, rounded shoulders and sidewalls down to the rim (outer side +x).
pub fn tyre() -> Mesh {
    let (r, w) = (WHEEL_RADIUS, 0.125);
    let rim = r * 0.7;
    let mut profile = vec![(-w + 0.01, rim)];
    for i in 0..=6 {
        let a = std::f32::consts::FRAC_PI_2 * i as f32 / 6.0;
        profile.push((-w + 0.04 - 0.04 * a.cos(), r - 0.04 + 0.04 * a.sin()));
    }
    for i in 0..=6 {
        let a = std::f32::consts::FRAC_PI_2 * i as f32 / 6.0;
        profile.push((w - 0.04 + 0.04 * a.sin(), r - 0.04 + 0.04 * a.cos()));
    }
    profile.push((w - 0.01, rim));
    // Wound from the inner bead over the tread to the outer bead: normals point outwards.
    lathe(&profile, 40)
}

/// The rim's barrel and lip, seen between the spokes, and the hub.
pub fn rim_barrel() -> Mesh {
    let r = WHEEL_RADIUS * 0.7;
    lathe(&[(0.11, 0.02), (0.11, r * 0.25), (0.095, r * 0.3), (0.095, r * 0.95), (0.11, r), (0.115, r * 1.02), (0.1, r * 1.02), (-0.1, r * 1.0)], 36)
}

/// One twin spoke of the rim, from the hub to the lip, on the outer face (+x).
pub fn spoke() -> Mesh {
    let r = WHEEL_RADIUS * 0.7;
    // A tapered bar in the y–z plane pointing +y, slightly dished.
    let (inner, outer) = (r * 0.28, r * 0.97);
    let (w0, w1, t) = (0.028, 0.018, 0.022);
    let corners = [(-w0, inner, 0.10), (w0, inner, 0.10), (w1, outer, 0.09), (-w1, outer, 0.09)];
    let mut positions = Vec::new();
    let mut normals = Vec::new();
    let mut indices = Vec::<u32>::new();
    let mut quad = |p: [[f32; 3]; 4], n: [f32; 3]| {
        let first = positions.len() as u32;
        positions.extend(p);
        normals.extend([n; 4]);
        indices.extend([first, first + 1, first + 2, first, first + 2, first + 3]);
    };
    let front: Vec<[f32; 3]> = corners.iter().map(|&(z, y, x)| [x + t, y, z]).collect();
    let back: Vec<[f32; 3]> = corners.iter().map(|&(z, y, x)| [x - t, y, z]).collect();
    quad([front[0], front[1], front[2], front[3]], [1.0, 0.0, 0.0]);
    quad([back[0], back[3], back[2], back[1]], [-1.0, 0.0, 0.0]);
    quad([front[1], back[1], back[2], front[2]], [0.0, 0.0, 1.0]);
    quad([front[0], front[3], back[3], back[0]], [0.0, 0.0, -1.0]);
    Mesh::new(PrimitiveTopology::TriangleList, RenderAssetUsages::default())
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_indices(Indices::U32(indices))
}

/// The soft shadow under the car: a square the size of the car's footprint, its alpha
/// falling off from the middle (what grounds the car where there are no shadow maps).
pub fn ground_shadow() -> Mesh {
    Plane3d::default().mesh().size(2.3, 5.3).build().translated_by(Vec3::Y * (GROUND_Y + 0.02))
}

/// Where the patches go: (s, v) ranges on the body.
pub mod places {
    /// The front light bar wraps round the nose, full width.
    pub const HEAD_BAR: ((f32, f32), (f32, f32)) = ((0.0, 0.085), (0.30, 0.40));
    /// The rear light bar wraps round the tail under the ducktail.
    pub const TAIL_BAR: ((f32, f32), (f32, f32)) = ((0.93, 1.0), (0.50, 0.62));
    /// Black gloss cladding along the sills and round the arches.
    pub const CLADDING: ((f32, f32), (f32, f32)) = ((0.0, 1.0), (-1.0, -0.82));
    /// The front intake under the nose.
    pub const INTAKE: ((f32, f32), (f32, f32)) = ((0.0, 0.05), (-0.7, -0.35));
    /// The badge on the nose's centre line, over the light bar.
    pub const BADGE: ((f32, f32), (f32, f32)) = ((0.0, 0.012), (0.46, 0.66));
    /// The charge port's door on the left rear wing.
    pub const CHARGE_PORT: ((f32, f32), (f32, f32)) = ((0.79, 0.835), (0.25, 0.62));
    /// Door decals along both sides.
    pub const DECAL: ((f32, f32), (f32, f32)) = ((0.40, 0.70), (-0.72, 0.45));
    /// Shut lines of the doors (s of each line).
    pub const SHUT_LINES: [f32; 3] = [0.385, 0.565, 0.735];
    /// The flush door handles (s of each), high on the doors.
    pub const HANDLES: [f32; 2] = [0.50, 0.675];
}
