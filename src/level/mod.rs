//! The valley is data (DESIGN 6): a level file (`levels/*.ron`) describes the terrain
//! (procedural from a seed and parameters), its colours by height and slope, landmarks,
//! deposit fields, routes and lighting. Pure and deterministic: the game builds meshes and
//! colliders from it, the tests and the server read it without Bevy.

pub mod drive;
pub mod mesh;
pub mod route;
pub mod scatter;
pub mod terrain;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

pub use route::Route;
pub use terrain::{Ground, GroundMix, Heightfield, HeightfieldBuilder, TerrainSpec};

/// The bundled levels' files, by file name: the game's default valley and the quarry. A
/// valley server checks drives against these (a client's own level file proves nothing).
pub const STONE_VALLEY: &str = include_str!("../../levels/stone_valley.ron");
pub const QUARRY: &str = include_str!("../../levels/quarry.ron");

/// The bundled levels, parsed.
pub fn bundled_levels() -> Vec<Level> {
    [("levels/stone_valley.ron", STONE_VALLEY), ("levels/quarry.ron", QUARRY)].into_iter().filter_map(|(path, text)| Level::parse(path, text).ok()).collect()
}

/// A bundled level by its name (`Level::name`), parsed.
pub fn bundled(name: &str) -> Option<Level> {
    bundled_levels().into_iter().find(|l| l.name == name)
}

/// Radius of the flat ground under a landmark.
pub const LANDMARK_PAD_RADIUS_M: f32 = 14.0;

/// A point on the ground plane: x east, z south (Bevy's axes), metres from the centre.
pub type Point = (f32, f32);

/// Distance between two points on the map, metres.
pub fn distance(a: Point, b: Point) -> f32 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LandmarkKind {
    Garage,
    LookoutTower,
    CrystalSpires,
    StoneArch,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Landmark {
    pub id: String,
    pub name: String,
    pub kind: LandmarkKind,
    pub position: Point,
    #[serde(default)]
    pub rotation_deg: f32,
}

/// A place where stones earned by mileage appear.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DepositField {
    pub id: String,
    pub center: Point,
    pub radius_m: f32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Lighting {
    pub sun_elevation_deg: f32,
    pub sun_azimuth_deg: f32,
    pub sun_lux: f32,
    pub ambient: f32,
    pub sky_color: (f32, f32, f32),
    pub fog_color: (f32, f32, f32),
    pub fog_start_m: f32,
    pub fog_end_m: f32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Spawn {
    pub position: Point,
    pub heading_deg: f32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Level {
    pub name: String,
    pub terrain: TerrainSpec,
    pub landmarks: Vec<Landmark>,
    pub deposit_fields: Vec<DepositField>,
    pub routes: Vec<Route>,
    pub lighting: Lighting,
    pub spawn: Spawn,
}

/// A level file that cannot be used: where, and what was expected.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelError {
    pub path: String,
    /// 1-based line and column, when the problem has a place in the text.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LevelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}:{}: {}", self.path, self.line, self.column, self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for LevelError {}

impl Level {
    /// The name as catalogue keys take it ("Stone Valley" → "stone-valley"), for
    /// `i18n::named("level", …)`.
    pub fn slug(&self) -> String {
        self.name.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect::<Vec<_>>().join("-")
    }

    /// Reads and validates a level file.
    pub fn load(path: &Path) -> Result<Level, LevelError> {
        let text = std::fs::read_to_string(path).map_err(|e| LevelError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            message: e.to_string(),
        })?;
        Level::parse(&path.display().to_string(), &text)
    }

    /// Parses and validates level text; `path` names it in errors.
    pub fn parse(path: &str, text: &str) -> Result<Level, LevelError> {
        let level: Level = ron::from_str(text).map_err(|e| LevelError {
            path: path.into(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
        level.validate().map_err(|message| LevelError { path: path.into(), line: 0, column: 0, message })?;
        Ok(level)
    }

    fn validate(&self) -> Result<(), String> {
        self.terrain.validate()?;
        let half = self.terrain.size_m / 2.0;
        let inside = |(x, z): Point| x.abs() < half && z.abs() < half;
        let mut ids = HashSet::new();
        for l in &self.landmarks {
            if !ids.insert(l.id.as_str()) {
                return Err(format!("landmark {:?}: the id is used twice", l.id));
            }
            if !inside(l.position) {
                return Err(format!("landmark {:?}: position {:?} is outside the {} m terrain", l.id, l.position, self.terrain.size_m));
            }
        }
        let mut ids = HashSet::new();
        for f in &self.deposit_fields {
            if !ids.insert(f.id.as_str()) {
                return Err(format!("deposit field {:?}: the id is used twice", f.id));
            }
            if f.radius_m <= 0.0 || !inside(f.center) {
                return Err(format!("deposit field {:?}: needs a radius > 0 and a centre on the terrain", f.id));
            }
        }
        if self.deposit_fields.is_empty() {
            return Err("a level needs at least one deposit field".into());
        }
        let mut ids = HashSet::new();
        for r in &self.routes {
            if !ids.insert(r.id.as_str()) {
                return Err(format!("route {:?}: the id is used twice", r.id));
            }
            if r.points.len() < 3 {
                return Err(format!("route {:?}: a closed route needs at least 3 points, found {}", r.id, r.points.len()));
            }
            if let Some(p) = r.points.iter().find(|p| !inside(**p)) {
                return Err(format!("route {:?}: point {p:?} is outside the terrain", r.id));
            }
        }
        if self.routes.is_empty() {
            return Err("a level needs at least one route".into());
        }
        if !inside(self.spawn.position) {
            return Err(format!("spawn {:?} is outside the terrain", self.spawn.position));
        }
        let l = &self.lighting;
        if !(0.0..=90.0).contains(&l.sun_elevation_deg) || l.fog_end_m <= l.fog_start_m {
            return Err("lighting: the sun's elevation is 0–90° and the fog must end after it starts".into());
        }
        Ok(())
    }

    /// The level's terrain: flat pads under the landmarks, roads cut along the routes.
    pub fn heightfield(&self) -> Heightfield {
        let mut builder = self.heightfield_builder();
        while !builder.build_rows(usize::MAX) {}
        builder.finish()
    }

    /// As [`Level::heightfield`], a few rows at a time (for loading screens).
    pub fn heightfield_builder(&self) -> HeightfieldBuilder {
        let pads: Vec<(Point, f32)> = self.landmarks.iter().map(|l| (l.position, LANDMARK_PAD_RADIUS_M)).collect();
        let roads: Vec<Vec<Point>> = self.routes.iter().map(|r| r.samples().into_iter().map(|(_, p)| p).collect()).collect();
        Heightfield::builder(&self.terrain, &pads, &roads)
    }

    pub fn route(&self, id: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.id == id)
    }

    pub fn landmark(&self, id: &str) -> Option<&Landmark> {
        self.landmarks.iter().find(|l| l.id == id)
    }

    /// Where a mileage deposit lies: a point in one of the deposit fields, chosen by the
    /// deposit's identity, so that every client shows it in the same place.
    pub fn deposit_position(&self, cause: u64, km_index: u64) -> Point {
        let h = Sha256::new().chain_update(b"deposit").chain_update(cause.to_be_bytes()).chain_update(km_index.to_be_bytes()).finalize();
        let word = |i: usize| u32::from_be_bytes(h[i..i + 4].try_into().expect("4 bytes"));
        let field = &self.deposit_fields[word(0) as usize % self.deposit_fields.len()];
        // Uniform over the disc: radius from the square root of a uniform number.
        let r = field.radius_m * (word(4) as f32 / u32::MAX as f32).sqrt();
        let angle = word(8) as f32 / u32::MAX as f32 * std::f32::consts::TAU;
        (field.center.0 + r * angle.cos(), field.center.1 + r * angle.sin())
    }
}
