//! Where the valley's trees and boulders stand: a jittered grid over the level, forests in
//! patches of noise on the grass, boulders on rocky ground and a few on the grass; none on
//! the roads and their shoulders, the landmarks' pads, the deposit fields, the spawn, or in
//! the water. Deterministic from the level's seed: every client sees the same forest, and
//! the same trees stand in the simulation as on the screen.

use super::terrain::{ROAD_HALF_WIDTH_M, hash, smoothstep, value_noise};
use super::{Heightfield, LANDMARK_PAD_RADIUS_M, Level, distance};

/// Grid spacing of the candidate places, metres.
const CELL_M: f32 = 6.0;
/// Clear ground beside a road's edge (so a car leaving it has room).
const ROAD_CLEARANCE_M: f32 = 7.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlantKind {
    Conifer,
    Broadleaf,
    Boulder,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plant {
    pub kind: PlantKind,
    /// Base on the ground: x, height, z.
    pub position: [f32; 3],
    /// Turn about the vertical, radians.
    pub yaw: f32,
    /// Size relative to the kind's mesh (1 = a 9 m conifer, a 7 m broadleaf, a 1.6 m boulder).
    pub scale: f32,
}

/// Cells (of `CELL_M`) within reach of any road: marked by walking the roads' samples.
fn near_roads(level: &Level, cells: usize, half: f32) -> Vec<bool> {
    let mut near = vec![false; cells * cells];
    let reach = ROAD_HALF_WIDTH_M + ROAD_CLEARANCE_M;
    let r = (reach / CELL_M).ceil() as i64 + 1;
    for route in &level.routes {
        // Dense enough that consecutive points are closer than half a cell, and never coarser
        // than the route's own samples.
        let steps = ((route.length_m() / (CELL_M * 0.5)).ceil() as usize).max(route.samples().len());
        for i in 0..steps {
            let p = route.point_at(i as f32 / steps as f32);
            let (cx, cz) = (((p.0 + half) / CELL_M) as i64, ((p.1 + half) / CELL_M) as i64);
            for dz in -r..=r {
                for dx in -r..=r {
                    let (x, z) = (cx + dx, cz + dz);
                    if x < 0 || z < 0 || x >= cells as i64 || z >= cells as i64 {
                        continue;
                    }
                    let centre = ((x as f32 + 0.5) * CELL_M - half, (z as f32 + 0.5) * CELL_M - half);
                    if distance(centre, p) < reach + CELL_M * 0.75 {
                        near[z as usize * cells + x as usize] = true;
                    }
                }
            }
        }
    }
    near
}

/// The level's plants.
pub fn scatter(level: &Level, field: &Heightfield) -> Vec<Plant> {
    let spec = &level.terrain;
    let seed = spec.seed ^ 0x7EE5;
    let half = spec.size_m / 2.0;
    let cells = (spec.size_m / CELL_M) as usize;
    let roads = near_roads(level, cells, half);
    let mut plants = Vec::new();
    for cz in 0..cells {
        for cx in 0..cells {
            if roads[cz * cells + cx] {
                continue;
            }
            let (ix, iz) = (cx as i32, cz as i32);
            let r = |k: u64| hash(ix, iz, seed.wrapping_add(k));
            let p = ((cx as f32 + 0.15 + 0.7 * r(1)) * CELL_M - half, (cz as f32 + 0.15 + 0.7 * r(2)) * CELL_M - half);
            // Keep off the level's edge (the rim) and what the game needs clear.
            if p.0.abs() > half - 12.0 || p.1.abs() > half - 12.0 {
                continue;
            }
            if level.landmarks.iter().any(|l| distance(l.position, p) < LANDMARK_PAD_RADIUS_M + 10.0)
                || level.deposit_fields.iter().any(|f| distance(f.center, p) < f.radius_m + 6.0)
                || distance(level.spawn.position, p) < 30.0
            {
                continue;
            }
            let height = field.height_at(p.0, p.1);
            if height < spec.water_level_m + 1.2 {
                continue;
            }
            let slope = field.slope_at(p.0, p.1);
            let ground = spec.ground_at(height, slope);
            let forest = value_noise(p.0 / 140.0, p.1 / 140.0, seed ^ 0xF0) * 0.7 + value_noise(p.0 / 40.0, p.1 / 40.0, seed ^ 0xF1) * 0.3;
            let yaw = r(3) * std::f32::consts::TAU;
            let kind = if ground.grass > 0.6 && slope < 0.6 && r(4) < smoothstep(0.38, 0.62, forest) * 0.9 {
                // Conifers up the slopes, broadleaves on the floor.
                Some(if r(5) < 0.2 + height / 60.0 { PlantKind::Conifer } else { PlantKind::Broadleaf })
            } else if r(6) < 0.05 * ground.rock.max(ground.snow * 0.3) + 0.004 * ground.grass {
                Some(PlantKind::Boulder)
            } else {
                None
            };
            if let Some(kind) = kind {
                let scale = match kind {
                    PlantKind::Boulder => 0.5 + 1.6 * r(7) * r(7),
                    _ => 0.7 + 0.6 * r(7),
                };
                plants.push(Plant { kind, position: [p.0, height, p.1], yaw, scale });
            }
        }
    }
    plants
}

