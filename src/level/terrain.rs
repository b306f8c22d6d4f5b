//! Procedural terrain: a meandering valley floor between noisy ridges, a rim that closes the
//! horizon, a lake and a river bed carved in, flat pads under landmarks. A small value-noise
//! of our own (integer hashing, no tables) keeps the heights identical on every platform
//! and costs no dependency.

use serde::Deserialize;

use super::Point;

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Ridges {
    pub height_m: f32,
    pub scale_m: f32,
    pub octaves: u32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Valley {
    /// Width of the flat-ish floor, running along x.
    pub width_m: f32,
    /// How far the floor's sides take to rise to the ridges.
    pub falloff_m: f32,
    /// Sideways swing of the floor and its wavelength.
    pub meander_m: f32,
    pub meander_wavelength_m: f32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Lake {
    pub center: Point,
    pub radius_m: f32,
    pub depth_m: f32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct River {
    pub points: Vec<Point>,
    pub width_m: f32,
    pub depth_m: f32,
}

/// Colour up to a height (bands in order), and rock where the slope is steep.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Band {
    pub up_to_m: f32,
    pub color: (f32, f32, f32),
    /// What the ground is made of there (the texture the renderer lays over the colour).
    #[serde(default)]
    pub ground: Ground,
}

/// The kinds of ground the renderer has a texture for.
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Ground {
    #[default]
    Grass,
    Sand,
    Rock,
    Snow,
}

/// How much of each texture covers a point: the shares sum to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GroundMix {
    pub grass: f32,
    pub rock: f32,
    pub sand: f32,
    pub snow: f32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct TerrainSpec {
    pub size_m: f32,
    /// Samples per side; 2ⁿ + 1 so that chunks share edges.
    pub resolution: u32,
    pub seed: u64,
    pub floor_height_m: f32,
    pub ridges: Ridges,
    pub valley: Valley,
    /// Height the outer rim rises to at the edge, closing the horizon.
    pub rim_height_m: f32,
    pub water_level_m: f32,
    pub lake: Option<Lake>,
    pub river: Option<River>,
    pub bands: Vec<Band>,
    pub rock_color: (f32, f32, f32),
    /// Slope (rise over run) above which rock shows.
    pub rock_slope: f32,
}

impl TerrainSpec {
    pub(super) fn validate(&self) -> Result<(), String> {
        if !(self.resolution >= 9 && (self.resolution - 1).is_power_of_two() && self.resolution <= 2049) {
            return Err(format!("terrain: resolution must be 2ⁿ + 1 between 9 and 2049, found {}", self.resolution));
        }
        if self.size_m <= 0.0 || self.ridges.scale_m <= 0.0 || self.ridges.octaves == 0 || self.ridges.octaves > 10 {
            return Err("terrain: size and ridge scale must be > 0, ridge octaves 1–10".into());
        }
        if self.bands.is_empty() || self.bands.windows(2).any(|w| w[0].up_to_m >= w[1].up_to_m) {
            return Err("terrain: colour bands must be listed from low to high".into());
        }
        if let Some(r) = &self.river
            && r.points.len() < 2
        {
            return Err("terrain: a river needs at least 2 points".into());
        }
        Ok(())
    }
}

pub(super) fn hash(ix: i32, iz: i32, seed: u64) -> f32 {
    let mut h = seed ^ (ix as u32 as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (iz as u32 as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^= h >> 33;
    (h >> 40) as f32 / (1u64 << 24) as f32
}

fn smooth(t: f32) -> f32 {
    t * t * t * (t * (t * 6.0 - 15.0) + 10.0)
}

/// Value noise in [0, 1).
pub(super) fn value_noise(x: f32, z: f32, seed: u64) -> f32 {
    let (ix, iz) = (x.floor() as i32, z.floor() as i32);
    let (fx, fz) = (smooth(x - ix as f32), smooth(z - iz as f32));
    let a = hash(ix, iz, seed) + (hash(ix + 1, iz, seed) - hash(ix, iz, seed)) * fx;
    let b = hash(ix, iz + 1, seed) + (hash(ix + 1, iz + 1, seed) - hash(ix, iz + 1, seed)) * fx;
    a + (b - a) * fz
}

/// Ridged multi-octave noise in [0, 1]: sharp crests, soft valleys. Each octave is turned
/// by about 34° so that the value-noise grid does not line up into visible blocks.
fn ridged(x: f32, z: f32, seed: u64, octaves: u32) -> f32 {
    const COS: f32 = 0.829_037_6;
    const SIN: f32 = 0.559_192_9;
    let (mut sum, mut amp, mut norm) = (0.0, 1.0, 0.0);
    let (mut px, mut pz) = (x, z);
    for o in 0..octaves {
        let n = 1.0 - (2.0 * value_noise(px, pz, seed.wrapping_add(u64::from(o))) - 1.0).abs();
        sum += n * n * amp;
        norm += amp;
        amp *= 0.5;
        (px, pz) = ((px * COS - pz * SIN) * 2.03, (px * SIN + pz * COS) * 2.03);
    }
    sum / norm
}

pub(super) fn smoothstep(e0: f32, e1: f32, x: f32) -> f32 {
    let t = ((x - e0) / (e1 - e0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (abx, abz) = (b.0 - a.0, b.1 - a.1);
    let t = (((p.0 - a.0) * abx + (p.1 - a.1) * abz) / (abx * abx + abz * abz).max(1e-6)).clamp(0.0, 1.0);
    ((p.0 - a.0 - t * abx).powi(2) + (p.1 - a.1 - t * abz).powi(2)).sqrt()
}

impl TerrainSpec {
    /// The valley floor's centre line at `x`.
    pub fn valley_center_z(&self, x: f32) -> f32 {
        self.valley.meander_m * (x / self.valley.meander_wavelength_m * std::f32::consts::TAU).sin()
    }

    /// The natural height at (x, z), before pads are flattened.
    pub fn natural_height(&self, x: f32, z: f32) -> f32 {
        let v = &self.valley;
        let off_floor = (z - self.valley_center_z(x)).abs();
        let walls = smoothstep(v.width_m / 2.0, v.width_m / 2.0 + v.falloff_m, off_floor);
        let r = ridged(x / self.ridges.scale_m, z / self.ridges.scale_m, self.seed, self.ridges.octaves);
        let floor_wobble = 2.0 * value_noise(x / 60.0, z / 60.0, self.seed ^ 0xF100) - 1.0;
        let half = self.size_m / 2.0;
        let edge = (x.abs().max(z.abs()) / half).min(1.0);
        let rim = self.rim_height_m * smoothstep(0.7, 1.0, edge);
        let mut h = self.floor_height_m + floor_wobble * 1.5 + walls * self.ridges.height_m * (0.35 + 0.65 * r) + rim;
        if let Some(lake) = &self.lake {
            let d = ((x - lake.center.0).powi(2) + (z - lake.center.1).powi(2)).sqrt();
            let bowl = self.water_level_m - lake.depth_m * (1.0 - (d / lake.radius_m).powi(2));
            let shore = smoothstep(lake.radius_m, lake.radius_m * 1.6, d);
            h = if d < lake.radius_m { bowl.min(h) } else { h * shore + (self.water_level_m + 0.4) * (1.0 - shore) };
        }
        if let Some(river) = &self.river {
            let d = river.points.windows(2).map(|w| distance_to_segment((x, z), w[0], w[1])).fold(f32::MAX, f32::min);
            let bed = smoothstep(river.width_m / 2.0, river.width_m * 1.5, d);
            h = h.min(h * bed + (self.water_level_m - river.depth_m) * (1.0 - bed));
        }
        h
    }

    /// The colour of the ground at a height and slope.
    pub fn color_at(&self, height: f32, slope: f32) -> (f32, f32, f32) {
        let band = self.bands.iter().find(|b| height <= b.up_to_m).unwrap_or_else(|| self.bands.last().expect("validated: bands"));
        let rock = smoothstep(self.rock_slope * 0.8, self.rock_slope * 1.2, slope);
        let mix = |a: f32, b: f32| a * (1.0 - rock) + b * rock;
        (mix(band.color.0, self.rock_color.0), mix(band.color.1, self.rock_color.1), mix(band.color.2, self.rock_color.2))
    }

    /// The ground at a height and slope: the band's own kind, blended into the next band's
    /// over the last 3 m below its top (so textures do not change on a contour line), and
    /// rock where the slope is steep, as `color_at` does with colour.
    pub fn ground_at(&self, height: f32, slope: f32) -> GroundMix {
        let i = self.bands.iter().position(|b| height <= b.up_to_m).unwrap_or(self.bands.len() - 1);
        let here = self.bands[i].ground;
        let next = self.bands.get(i + 1).map_or(here, |b| b.ground);
        let towards_next = smoothstep(self.bands[i].up_to_m - 3.0, self.bands[i].up_to_m, height);
        let mut shares = [0.0f32; 4];
        let slot = |g: Ground| match g {
            Ground::Grass => 0,
            Ground::Rock => 1,
            Ground::Sand => 2,
            Ground::Snow => 3,
        };
        shares[slot(here)] += 1.0 - towards_next;
        shares[slot(next)] += towards_next;
        let rock = smoothstep(self.rock_slope * 0.8, self.rock_slope * 1.2, slope);
        for share in &mut shares {
            *share *= 1.0 - rock;
        }
        shares[1] += rock;
        GroundMix { grass: shares[0], rock: shares[1], sand: shares[2], snow: shares[3] }
    }
}

/// Half the width of a road's flat top, and the shoulder over which it blends into the land.
pub const ROAD_HALF_WIDTH_M: f32 = 6.0;
pub const ROAD_SHOULDER_M: f32 = 18.0;
/// Length over which a road's profile averages the land, in samples of about 5 m.
const ROAD_SMOOTHING_SAMPLES: usize = 12;

/// A road's polyline with the height it runs at: the land's height averaged along the road,
/// kept above the water.
fn road_profile(spec: &TerrainSpec, road: &[Point]) -> Vec<(Point, f32)> {
    let raw: Vec<f32> = road.iter().map(|p| spec.natural_height(p.0, p.1)).collect();
    let n = raw.len();
    (0..n)
        .map(|i| {
            let k = ROAD_SMOOTHING_SAMPLES.min(n / 2);
            let sum: f32 = (0..=2 * k).map(|j| raw[(i + n + j - k) % n]).sum();
            (road[i], (sum / (2 * k + 1) as f32).max(spec.water_level_m + 0.6))
        })
        .collect()
}

/// Distance from `p` to a closed road, and the road's height at the nearest point, if `p`
/// is within reach of the road's shoulder.
fn nearest_on_road(profile: &[(Point, f32)], p: Point) -> Option<(f32, f32)> {
    let reach = ROAD_HALF_WIDTH_M + ROAD_SHOULDER_M;
    let mut best: Option<(f32, f32)> = None;
    for i in 0..profile.len() {
        let ((a, ha), (b, hb)) = (profile[i], profile[(i + 1) % profile.len()]);
        if (p.0 - a.0).abs() > reach + 20.0 && (p.0 - b.0).abs() > reach + 20.0 {
            continue;
        }
        let (abx, abz) = (b.0 - a.0, b.1 - a.1);
        let t = (((p.0 - a.0) * abx + (p.1 - a.1) * abz) / (abx * abx + abz * abz).max(1e-6)).clamp(0.0, 1.0);
        let d = ((p.0 - a.0 - t * abx).powi(2) + (p.1 - a.1 - t * abz).powi(2)).sqrt();
        if d < reach && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, ha + (hb - ha) * t));
        }
    }
    best
}

/// Heights sampled on a square grid, row by row (z), each row along x.
#[derive(Clone, Debug, PartialEq)]
pub struct Heightfield {
    pub size_m: f32,
    pub resolution: u32,
    pub heights: Vec<f32>,
}

/// A [`Heightfield`] being sampled, row by row.
#[derive(Clone, Debug)]
pub struct HeightfieldBuilder {
    spec: TerrainSpec,
    pads: Vec<((Point, f32), f32)>,
    road_profiles: Vec<Vec<(Point, f32)>>,
    heights: Vec<f32>,
    rows_done: usize,
}

impl HeightfieldBuilder {
    /// Samples up to `rows` more rows; true once every row is done.
    pub fn build_rows(&mut self, rows: usize) -> bool {
        let spec = &self.spec;
        let n = spec.resolution as usize;
        let step = spec.size_m / (n - 1) as f32;
        let half = spec.size_m / 2.0;
        let last = n.min(self.rows_done.saturating_add(rows));
        for iz in self.rows_done..last {
            for ix in 0..n {
                let (x, z) = (ix as f32 * step - half, iz as f32 * step - half);
                let mut h = spec.natural_height(x, z);
                for profile in &self.road_profiles {
                    if let Some((d, road_h)) = nearest_on_road(profile, (x, z)) {
                        let keep = smoothstep(ROAD_HALF_WIDTH_M, ROAD_HALF_WIDTH_M + ROAD_SHOULDER_M, d);
                        h = h * keep + road_h * (1.0 - keep);
                    }
                }
                for ((p, r), ph) in &self.pads {
                    let d = ((x - p.0).powi(2) + (z - p.1).powi(2)).sqrt();
                    let keep = smoothstep(*r, r * 1.8, d);
                    h = h * keep + ph * (1.0 - keep);
                }
                self.heights.push(h);
            }
        }
        self.rows_done = last;
        self.rows_done == n
    }

    /// The fraction of rows done, 0 … 1.
    pub fn done(&self) -> f32 {
        self.rows_done as f32 / self.spec.resolution as f32
    }

    /// The heightfield (taken out of the builder); call once
    /// [`HeightfieldBuilder::build_rows`] has said it is done.
    pub fn finish(&mut self) -> Heightfield {
        Heightfield { size_m: self.spec.size_m, resolution: self.spec.resolution, heights: std::mem::take(&mut self.heights) }
    }
}

impl Heightfield {
    /// Samples the terrain, flattening a pad of `radius` around each of `pads` (landmarks)
    /// and cutting a road along each of `roads` (closed polylines): the road follows a
    /// smoothed profile of the land, so that routes stay drivable.
    pub fn generate(spec: &TerrainSpec, pads: &[(Point, f32)], roads: &[Vec<Point>]) -> Heightfield {
        let mut builder = Heightfield::builder(spec, pads, roads);
        while !builder.build_rows(usize::MAX) {}
        builder.finish()
    }

    /// As [`Heightfield::generate`], built a few rows at a time by a [`HeightfieldBuilder`]
    /// (a loading screen builds some each frame, so that a page never freezes).
    pub fn builder(spec: &TerrainSpec, pads: &[(Point, f32)], roads: &[Vec<Point>]) -> HeightfieldBuilder {
        let pad_heights: Vec<f32> = pads.iter().map(|(p, _)| spec.natural_height(p.0, p.1).max(spec.water_level_m + 0.5)).collect();
        let road_profiles: Vec<Vec<(Point, f32)>> = roads.iter().map(|r| road_profile(spec, r)).collect();
        let n = spec.resolution as usize;
        HeightfieldBuilder { spec: spec.clone(), pads: pads.iter().copied().zip(pad_heights).collect(), road_profiles, heights: Vec::with_capacity(n * n), rows_done: 0 }
    }

    fn step(&self) -> f32 {
        self.size_m / (self.resolution - 1) as f32
    }

    /// The stored sample at grid (ix, iz), clamped to the grid.
    pub fn sample(&self, ix: i64, iz: i64) -> f32 {
        let n = i64::from(self.resolution);
        self.heights[(iz.clamp(0, n - 1) * n + ix.clamp(0, n - 1)) as usize]
    }

    /// Height at any point, bilinear between samples (what the collider's triangles give,
    /// to within the triangulation).
    pub fn height_at(&self, x: f32, z: f32) -> f32 {
        let half = self.size_m / 2.0;
        let (gx, gz) = ((x + half) / self.step(), (z + half) / self.step());
        let (ix, iz) = (gx.floor() as i64, gz.floor() as i64);
        let (fx, fz) = (gx - ix as f32, gz - iz as f32);
        let a = self.sample(ix, iz) * (1.0 - fx) + self.sample(ix + 1, iz) * fx;
        let b = self.sample(ix, iz + 1) * (1.0 - fx) + self.sample(ix + 1, iz + 1) * fx;
        a * (1.0 - fz) + b * fz
    }

    /// Slope (rise over run) at a point.
    pub fn slope_at(&self, x: f32, z: f32) -> f32 {
        let e = self.step();
        let dx = (self.height_at(x + e, z) - self.height_at(x - e, z)) / (2.0 * e);
        let dz = (self.height_at(x, z + e) - self.height_at(x, z - e)) / (2.0 * e);
        (dx * dx + dz * dz).sqrt()
    }

    pub fn min_max(&self) -> (f32, f32) {
        self.heights.iter().fold((f32::MAX, f32::MIN), |(lo, hi), h| (lo.min(*h), hi.max(*h)))
    }
}
