//! Triangle meshes of the terrain, in square chunks (so that the renderer can cull what is
//! off screen), as plain arrays the game hands to Bevy.

use super::TerrainSpec;
use super::terrain::Heightfield;

/// Quads per chunk side.
pub const CHUNK_QUADS: u32 = 64;

/// One chunk's vertices (position, normal, linear RGBA colour, the ground's shares of rock
/// and sand, and of snow) and triangle indices. The shares travel as the two UV sets, which
/// the terrain has no other use for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MeshData {
    pub positions: Vec<[f32; 3]>,
    pub normals: Vec<[f32; 3]>,
    pub colors: Vec<[f32; 4]>,
    pub rock_sand: Vec<[f32; 2]>,
    pub snow: Vec<[f32; 2]>,
    pub indices: Vec<u32>,
}

fn srgb_to_linear(c: f32) -> f32 {
    if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
}

/// Chunks along one side.
pub fn chunks_per_side(field: &Heightfield) -> u32 {
    (field.resolution - 1).div_ceil(CHUNK_QUADS)
}

/// The mesh of chunk (cx, cz): vertices on the heightfield's own samples, coloured by height
/// and slope, wound counter-clockwise seen from above.
pub fn chunk_mesh(field: &Heightfield, spec: &TerrainSpec, cx: u32, cz: u32) -> MeshData {
    let n = field.resolution;
    let step = field.size_m / (n - 1) as f32;
    let half = field.size_m / 2.0;
    let (x0, z0) = (cx * CHUNK_QUADS, cz * CHUNK_QUADS);
    let (x1, z1) = ((x0 + CHUNK_QUADS).min(n - 1), (z0 + CHUNK_QUADS).min(n - 1));
    let width = x1 - x0 + 1;
    let mut mesh = MeshData::default();
    for iz in z0..=z1 {
        for ix in x0..=x1 {
            let (x, z) = (ix as f32 * step - half, iz as f32 * step - half);
            let h = field.sample(i64::from(ix), i64::from(iz));
            let dx = field.sample(i64::from(ix) + 1, i64::from(iz)) - field.sample(i64::from(ix) - 1, i64::from(iz));
            let dz = field.sample(i64::from(ix), i64::from(iz) + 1) - field.sample(i64::from(ix), i64::from(iz) - 1);
            let normal = [-dx, 2.0 * step, -dz];
            let len = (normal[0] * normal[0] + normal[1] * normal[1] + normal[2] * normal[2]).sqrt();
            let slope = (dx * dx + dz * dz).sqrt() / (2.0 * step);
            let (r, g, b) = spec.color_at(h, slope);
            mesh.positions.push([x, h, z]);
            mesh.normals.push([normal[0] / len, normal[1] / len, normal[2] / len]);
            mesh.colors.push([srgb_to_linear(r), srgb_to_linear(g), srgb_to_linear(b), 1.0]);
            let ground = spec.ground_at(h, slope);
            mesh.rock_sand.push([ground.rock, ground.sand]);
            mesh.snow.push([ground.snow, 0.0]);
        }
    }
    for row in 0..(z1 - z0) {
        for col in 0..(x1 - x0) {
            let i = row * width + col;
            // Counter-clockwise from above (+y): i, i+width, i+1 and i+1, i+width, i+width+1.
            mesh.indices.extend_from_slice(&[i, i + width, i + 1, i + 1, i + width, i + width + 1]);
        }
    }
    mesh
}
