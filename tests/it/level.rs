//! Levels are data: both bundled levels load, a broken one names its file, line and column,
//! and the terrain they describe is deterministic and shaped as described.

use horizon::level::{Heightfield, Level};

fn load(name: &str) -> Level {
    Level::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("levels").join(name)).unwrap()
}

#[test]
fn the_bundled_levels_load() {
    let valley = load("stone_valley.ron");
    assert_eq!(valley.name, "Stone Valley");
    for id in ["garage", "lookout", "spires", "arch"] {
        assert!(valley.landmark(id).is_some(), "{id}");
    }
    assert!(valley.route("lakeside").is_some());
    let quarry = load("quarry.ron");
    assert!(quarry.terrain.lake.is_none() && quarry.terrain.river.is_none());
}

#[test]
fn a_malformed_level_names_its_file_line_and_column_and_what_was_expected() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/levels/quarry.ron")).unwrap();
    let broken = text.replace("seed: 7,", "seed: \"seven\",");
    let e = Level::parse("levels/quarry.ron", &broken).unwrap_err();
    let line = text.lines().position(|l| l.contains("seed: 7,")).unwrap() + 1;
    assert_eq!((e.line, e.path.as_str()), (line, "levels/quarry.ron"), "{e}");
    assert!(e.to_string().starts_with(&format!("levels/quarry.ron:{line}:")), "{e}");
    assert!(e.message.to_lowercase().contains("expected"), "says what was expected: {e}");

    let missing = text.replace("        rock_slope: 0.7,\n", "");
    let e = Level::parse("q.ron", &missing).unwrap_err();
    assert!(e.message.contains("rock_slope"), "{e}");

    let outside = text.replace("position: (0.0, 20.0)", "position: (900.0, 20.0)");
    let e = Level::parse("q.ron", &outside).unwrap_err();
    assert_eq!(e.to_string(), "q.ron: landmark \"garage\": position (900.0, 20.0) is outside the 256 m terrain");

    let e = Level::load(std::path::Path::new("levels/nowhere.ron")).unwrap_err();
    assert!(e.to_string().starts_with("levels/nowhere.ron: "), "{e}");
}

#[test]
fn terrain_is_deterministic_and_shaped_as_described() {
    let level = load("stone_valley.ron");
    let spec = &level.terrain;
    let a = level.heightfield();
    let b = level.heightfield();
    assert_eq!(a, b, "the same level gives the same terrain");
    assert_eq!(a.heights.len(), 257 * 257);
    let mut other = spec.clone();
    other.seed += 1;
    assert_ne!(Heightfield::generate(&other, &[], &[]).heights, a.heights, "the seed matters");

    let (lo, hi) = a.min_max();
    assert!(lo < spec.water_level_m && hi > 60.0, "a lake below the water and ridges above: {lo}..{hi}");
    let lake = spec.lake.as_ref().unwrap();
    assert!(a.height_at(lake.center.0, lake.center.1) < spec.water_level_m - 3.0, "the lake is deep in the middle");
    // The valley floor is low and the rim closes the horizon.
    let floor = a.height_at(0.0, spec.valley_center_z(0.0));
    assert!(floor < 15.0, "floor {floor}");
    assert!(a.height_at(500.0, 500.0) > floor + 40.0, "rim");
    // Landmarks stand on flat pads.
    for l in &level.landmarks {
        let (x, z) = l.position;
        let spread = [(-8.0, 0.0), (8.0, 0.0), (0.0, -8.0), (0.0, 8.0)].iter().map(|(dx, dz)| a.height_at(x + dx, z + dz)).fold((f32::MAX, f32::MIN), |(lo, hi), h| (lo.min(h), hi.max(h)));
        assert!(spread.1 - spread.0 < 0.5, "{} is on a pad: {spread:?}", l.id);
        assert!(a.height_at(x, z) > spec.water_level_m, "{} is above water", l.id);
    }
}

#[test]
fn routes_are_closed_loops_on_dry_land_and_deposits_lie_in_their_fields() {
    let level = load("stone_valley.ron");
    let field = level.heightfield();
    for route in &level.routes {
        let (start, end) = (route.point_at(0.0), route.point_at(0.999_99));
        assert!(((start.0 - end.0).powi(2) + (start.1 - end.1).powi(2)).sqrt() < 0.5, "{} closes", route.id);
        let len = route.length_m();
        assert!(len > 500.0 && len < 5000.0, "{}: {len} m", route.id);
        let (t, d) = route.nearest(route.point_at(0.3));
        assert!(d < 1.0 && (t - 0.3).abs() < 0.02, "nearest finds the point itself: {t} {d}");
        for (_, (x, z)) in route.samples() {
            assert!(field.slope_at(x, z) < 0.25, "{} is drivable at ({x:.0}, {z:.0}): slope {}", route.id, field.slope_at(x, z));
            assert!(field.height_at(x, z) > level.terrain.water_level_m, "{} stays dry at ({x:.0}, {z:.0})", route.id);
        }
    }
    for km in 0..200 {
        let p = level.deposit_position(7, km);
        assert_eq!(p, level.deposit_position(7, km), "deterministic");
        assert!(
            level.deposit_fields.iter().any(|f| ((p.0 - f.center.0).powi(2) + (p.1 - f.center.1).powi(2)).sqrt() <= f.radius_m + 1e-3),
            "{p:?} is in a field"
        );
    }
}

#[test]
fn terrain_chunks_cover_the_heightfield_and_face_up() {
    use horizon::level::mesh::{chunk_mesh, chunks_per_side};
    let level = load("quarry.ron");
    let field = level.heightfield();
    let per_side = chunks_per_side(&field);
    assert_eq!(per_side, 1);
    let valley = load("stone_valley.ron");
    let big = valley.heightfield();
    assert_eq!(chunks_per_side(&big), 4);
    let mut triangles = 0;
    for cz in 0..4 {
        for cx in 0..4 {
            let m = chunk_mesh(&big, &valley.terrain, cx, cz);
            assert_eq!(m.positions.len(), 65 * 65);
            triangles += m.indices.len() / 3;
            for tri in m.indices.chunks(3) {
                let [a, b, c] = [m.positions[tri[0] as usize], m.positions[tri[1] as usize], m.positions[tri[2] as usize]];
                // Cross product's y > 0: the triangle faces up (counter-clockwise from above).
                let (u, v) = ([b[0] - a[0], b[2] - a[2]], [c[0] - a[0], c[2] - a[2]]);
                assert!(u[1] * v[0] - u[0] * v[1] > 0.0, "triangle {tri:?} faces down");
            }
            for (p, h) in m.positions.iter().map(|p| (p, big.height_at(p[0], p[2]))) {
                assert!((p[1] - h).abs() < 1e-3, "vertex on the heightfield");
            }
        }
    }
    assert_eq!(triangles, 256 * 256 * 2);
}

/// The ground's textures follow the level: sand on the lake shore, grass on the valley
/// floor, snow on the peaks, rock on steep slopes; every vertex's shares add up to one.
#[test]
fn the_ground_is_sand_by_the_water_grass_on_the_floor_snow_on_top_and_rock_on_cliffs() {
    use horizon::level::mesh::{chunk_mesh, chunks_per_side};
    let valley = load("stone_valley.ron");
    let field = valley.heightfield();
    let (mut sand, mut grass, mut snow, mut rock) = (0, 0, 0, 0);
    for cz in 0..chunks_per_side(&field) {
        for cx in 0..chunks_per_side(&field) {
            let m = chunk_mesh(&field, &valley.terrain, cx, cz);
            assert_eq!((m.rock_sand.len(), m.snow.len()), (m.positions.len(), m.positions.len()));
            for ((p, [r, s]), [w, _]) in m.positions.iter().zip(&m.rock_sand).zip(&m.snow) {
                let g = 1.0 - r - s - w;
                assert!(r.min(*s).min(*w) >= 0.0 && g > -1e-4, "shares at {p:?}: rock {r} sand {s} snow {w}");
                let h = p[1];
                if *s > 0.9 {
                    sand += 1;
                    assert!(h <= 4.0, "sand only on the shore band (≤ 4 m): {p:?}");
                }
                if *w > 0.9 {
                    snow += 1;
                    assert!(h > 77.0, "snow only high up: {p:?}");
                }
                if *r > 0.9 {
                    rock += 1;
                }
                if g > 0.9 {
                    grass += 1;
                    assert!((1.0..=45.0).contains(&h), "grass between the shore and the rock band: {p:?}");
                }
            }
        }
    }
    eprintln!("vertices mostly sand {sand}, grass {grass}, rock {rock}, snow {snow}");
    for (what, n) in [("sand", sand), ("grass", grass), ("rock", rock), ("snow", snow)] {
        assert!(n > 500, "{what} covers a part of the valley: {n} vertices");
    }
    // On the flat valley floor by the spawn: grass.
    let mix = valley.terrain.ground_at(10.0, 0.05);
    assert!(mix.grass > 0.99, "{mix:?}");
    // A cliff is rock, whatever its height.
    assert!(valley.terrain.ground_at(10.0, 2.0).rock > 0.99);
}

/// The forest and the boulders: thousands of them, the same every time, and none where the
/// game needs clear ground (roads, landmarks, deposit fields, the spawn) or in the water.
#[test]
fn trees_and_boulders_stand_in_thousands_but_never_on_roads_fields_pads_or_water() {
    use horizon::level::scatter::{PlantKind, scatter};
    let valley = load("stone_valley.ron");
    let field = valley.heightfield();
    let plants = scatter(&valley, &field);
    assert_eq!(plants, scatter(&valley, &field), "deterministic");
    let count = |k: PlantKind| plants.iter().filter(|p| p.kind == k).count();
    let (conifers, broadleaves, boulders) = (count(PlantKind::Conifer), count(PlantKind::Broadleaf), count(PlantKind::Boulder));
    eprintln!("{conifers} conifers, {broadleaves} broadleaves, {boulders} boulders");
    assert!(conifers + broadleaves > 2000 && conifers > 300 && broadleaves > 300, "forests: {conifers} + {broadleaves}");
    assert!(boulders > 100, "boulders: {boulders}");
    let d = |a: (f32, f32), b: (f32, f32)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    for p in &plants {
        let at = (p.position[0], p.position[2]);
        assert!((p.position[1] - field.height_at(at.0, at.1)).abs() < 1e-3, "on the ground: {p:?}");
        assert!(p.position[1] > valley.terrain.water_level_m + 1.0, "not in the water: {p:?}");
        for route in &valley.routes {
            let (_, off) = route.nearest(at);
            assert!(off > horizon::level::terrain::ROAD_HALF_WIDTH_M + 6.0, "{p:?} stands {off:.1} m from the {} road's centre", route.id);
        }
        for l in &valley.landmarks {
            assert!(d(l.position, at) > horizon::level::LANDMARK_PAD_RADIUS_M + 9.0, "{p:?} on {}'s pad", l.id);
        }
        for f in &valley.deposit_fields {
            assert!(d(f.center, at) > f.radius_m + 5.0, "{p:?} in the {} field", f.id);
        }
        assert!(d(valley.spawn.position, at) > 29.0, "{p:?} at the spawn");
    }
}
