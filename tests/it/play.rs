//! The play loop with the real plugins, headless (`game::play_app`): the car mines deposits,
//! finishes tasks, buys upgrades and opens boxes, and every change is a signed entry that the
//! authority recorded.

use std::path::Path;
use std::process::Command;

use bevy::ecs::message::{MessageCursor, Messages};
use bevy::prelude::*;
use bevy_rapier3d::prelude::Velocity;
use horizon::economy::EconomyTables;
use horizon::economy::boxes::{check_opening, commitment, roll};
use horizon::game::authority::{Authority, Intent, Outcome, PlayerCar};
use horizon::game::authority_link::AuthorityLink;
use horizon::game::autopilot::Autopilot;
use horizon::game::car::{Car, CarControls};
use horizon::game::deposits::DepositCrystal;
use horizon::game::car::PlayerDriven;
use horizon::game::world::CurrentLevel;
use horizon::game::{DEFAULT_LEVEL, play_app};
use horizon::ledger::replay::PlayerState;
use horizon::ledger::{Body, Entry, Kind, Pool, Prize};
use horizon::level::Level;
use horizon::profile::DataDir;
use horizon::valley::EmbeddedValley;
use horizon::valley::embedded::system_clock;

/// The game on a first-run sample profile in `dir` (the sample car's week of trips has left
/// stones in the valley).
fn sample_game(dir: &Path) -> (App, MessageCursor<Outcome>) {
    let (valley, key) = EmbeddedValley::open_with_player(&DataDir(dir.to_path_buf()), system_clock).unwrap();
    let level = Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL).unwrap();
    let mut app = play_app(level, Authority::embedded(valley, key), dir);
    let cursor = app.world().resource::<Messages<Outcome>>().get_cursor();
    for _ in 0..20 {
        app.update();
    }
    settle(&mut app);
    (app, cursor)
}

/// Runs `steps` frames and returns what the authority answered meanwhile. After each frame
/// it waits for the authority's worker, so that the answers to a frame's intents arrive in
/// the next frame, as they do when the disk is quick.
fn run(app: &mut App, cursor: &mut MessageCursor<Outcome>, steps: u32) -> Vec<Outcome> {
    let mut seen = Vec::new();
    for _ in 0..steps {
        app.update();
        link(app).wait_idle();
        seen.extend(cursor.read(app.world().resource::<Messages<Outcome>>()).cloned());
    }
    seen
}

/// Waits for every job sent so far and applies its answer.
fn settle(app: &mut App) {
    link(app).wait_idle();
    app.update();
}

fn link(app: &App) -> &AuthorityLink {
    app.world().resource::<AuthorityLink>()
}

/// Reads the embedded authority's ledger on its worker.
fn with_ledger<R: Send + 'static>(app: &App, f: impl FnOnce(&horizon::ledger::Ledger, &Authority) -> R + Send + 'static) -> R {
    link(app).call(move |a| f(a.embedded_ledger().expect("an embedded valley"), a))
}

fn player(app: &App) -> PlayerState {
    with_ledger(app, |ledger, a| ledger.state().player(&a.key.public_key()).unwrap().clone())
}

fn ledger_size(app: &App) -> u64 {
    with_ledger(app, |ledger, _| ledger.size())
}

fn last_entry(app: &App) -> Entry {
    with_ledger(app, |ledger, _| ledger.read_entry(ledger.size() - 1).unwrap().0)
}

fn car(app: &mut App) -> Entity {
    app.world_mut().query_filtered::<Entity, With<PlayerDriven>>().single(app.world()).unwrap()
}

/// Puts the car at (x, z) on the ground facing `towards`, at rest.
fn place_car(app: &mut App, x: f32, z: f32, towards: Vec2) {
    let ground = app.world().resource::<CurrentLevel>().field.height_at(x, z);
    let heading = (-towards.x).atan2(-towards.y);
    let car = car(app);
    let mut e = app.world_mut().entity_mut(car);
    *e.get_mut::<Transform>().unwrap() = Transform::from_xyz(x, ground + 1.2, z).with_rotation(Quat::from_rotation_y(heading));
    *e.get_mut::<Velocity>().unwrap() = Velocity::zero();
}

fn controls(app: &mut App, c: CarControls) {
    let car = car(app);
    *app.world_mut().get_mut::<CarControls>(car).unwrap() = c;
}

#[test]
fn driving_into_a_deposit_mines_exactly_that_deposit_and_it_stays_mined() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, mut cursor) = sample_game(dir.path());
    let deposits: Vec<(Entity, Vec3, DepositCrystal)> =
        app.world_mut().query::<(Entity, &Transform, &DepositCrystal)>().iter(app.world()).map(|(e, t, d)| (e, t.translation, *d)).collect();
    let before = player(&app);
    assert_eq!(deposits.len(), before.deposits.len(), "one crystal in the valley per unmined deposit");
    assert!(deposits.len() > 50, "the sample week leaves many deposits: {}", deposits.len());
    // A deposit and a 14 m approach to it with no other deposit within 7 m of the way, on
    // gentle, dry ground away from landmarks (half throttle does not climb a steep bank or
    // leave a river bed, and a landmark's collider stops the car).
    let field = app.world().resource::<CurrentLevel>().field.clone();
    let water = app.world().resource::<CurrentLevel>().level.terrain.water_level_m;
    // Landmarks have colliders (the arch's pillars stop a car).
    let landmarks: Vec<Vec2> = app.world().resource::<CurrentLevel>().level.landmarks.iter().map(|l| Vec2::new(l.position.0, l.position.1)).collect();
    let clear = |from: Vec2, to: Vec2, me: Entity| {
        let gentle = (0..=14).all(|i| {
            let p = from.lerp(to, i as f32 / 14.0);
            field.slope_at(p.x, p.y) < 0.25 && field.height_at(p.x, p.y) > water + 0.5 && landmarks.iter().all(|l| l.distance(p) > 20.0)
        });
        gentle
            && deposits.iter().filter(|(e, _, _)| *e != me).all(|(_, q, _)| {
                let (ab, aq) = (to - from, q.xz() - from);
                let t = (aq.dot(ab) / ab.length_squared()).clamp(0.0, 1.0);
                (from + ab * t).distance(q.xz()) > 7.0
            })
    };
    let (target, at, deposit, from) = deposits
        .iter()
        .flat_map(|(e, p, d)| (0..8).map(move |k| (*e, *p, *d, p.xz() + Vec2::from_angle(k as f32 * std::f32::consts::FRAC_PI_4) * 14.0)))
        .find(|(e, p, _, from)| clear(*from, p.xz(), *e))
        .expect("a deposit with a clear approach");
    place_car(&mut app, from.x, from.y, at.xz() - from);
    let size = ledger_size(&app);
    controls(&mut app, CarControls { throttle: 0.5, steer: 0.0, brake: 0.0 });
    let mut outcomes = Vec::new();
    for _ in 0..600 {
        outcomes.extend(run(&mut app, &mut cursor, 1));
        if app.world().get_entity(target).is_err() {
            break;
        }
    }
    let car_at = { let c = car(&mut app); app.world().get::<Transform>(c).unwrap().translation };
    assert!(app.world().get_entity(target).is_err(), "the crystal is gone once mined: crystal at {at}, the car from {from} is at {car_at}; outcomes {outcomes:?}");
    controls(&mut app, CarControls { throttle: 0.0, steer: 0.0, brake: 1.0 });
    // The way there may pass a landmark, whose task pays crystals: only the mining counts here.
    let tasks_done = outcomes.iter().filter(|o| matches!(o, Outcome::TaskDone { .. })).count() as u64;
    let mining: Vec<&Outcome> = outcomes.iter().filter(|o| !matches!(o, Outcome::TaskDone { .. })).collect();
    assert!(matches!(mining.as_slice(), [Outcome::Mined(d)] if d.km_index == deposit.km_index), "{outcomes:?}");

    // One signed mint of exactly that deposit, and the balance up by exactly it.
    assert_eq!(ledger_size(&app), size + 1 + tasks_done);
    let entry = with_ledger(&app, |ledger, _| ledger.entries().unwrap().into_iter().rev().find(|e| e.kind() == Kind::Mint).expect("a mint"));
    let authority_key = with_ledger(&app, |ledger, _| ledger.authority());
    assert_eq!(entry.actor, authority_key);
    assert!(entry.signature_is_valid());
    let me = link(&app).key();
    assert_eq!(
        entry.body,
        Body::Mint { player: me, pool: Pool::Mileage, amount_milli: deposit.amount_milli, cause: deposit.cause, km_index: deposit.km_index }
    );
    let after = player(&app);
    assert_eq!(after.stones_milli, before.stones_milli + deposit.amount_milli);
    assert_eq!(after.deposits.len(), before.deposits.len() - 1);
    // The HUD's profile shows the confirmed balance.
    let shown = app.world().resource::<horizon::game::screens::Profile>().player.state.stones_milli;
    assert_eq!(shown, after.stones_milli);

    // Next session: the mined deposit does not come back, the others are still there.
    drop(app);
    let (mut app, _) = sample_game(dir.path());
    let reopened = player(&app);
    assert_eq!(reopened.stones_milli, after.stones_milli);
    assert!(!reopened.deposits.contains_key(&deposit.km_index));
    assert_eq!(reopened.deposits.len(), after.deposits.len());
    let crystals = app.world_mut().query::<&DepositCrystal>().iter(app.world()).count();
    assert_eq!(crystals, reopened.deposits.len());
}

#[test]
fn buying_an_upgrade_spends_stones_records_a_purchase_and_changes_the_car() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, mut cursor) = sample_game(dir.path());
    // Three stones from the valley first.
    let kms: Vec<u64> = player(&app).deposits.keys().take(3).copied().collect();
    for km_index in kms {
        app.world_mut().write_message(Intent::Mine { km_index });
    }
    run(&mut app, &mut cursor, 2);
    let before = player(&app);
    assert_eq!(before.stones_milli, 3_000);
    let car = car(&mut app);
    let params_before = app.world().get::<Car>(car).unwrap().params;

    app.world_mut().write_message(Intent::Buy { item: "motor-1".into() });
    let outcomes = run(&mut app, &mut cursor, 2);
    assert!(matches!(outcomes.as_slice(), [Outcome::Bought { item }] if item == "motor-1"), "{outcomes:?}");
    let after = player(&app);
    assert_eq!(after.stones_milli, before.stones_milli - 2_000, "motor-1 costs 2 stones");
    assert!(after.items.contains("motor-1"));
    let entry = last_entry(&app);
    assert_eq!(entry.body, Body::Purchase { item: "motor-1".into(), price_milli: 2_000 });
    assert_eq!(entry.actor, link(&app).key(), "the player signed it");
    assert!(entry.signature_is_valid());
    let params_after = app.world().get::<Car>(car).unwrap().params;
    assert!(params_after.engine_force_n > params_before.engine_force_n + 300.0, "{params_before:?} -> {params_after:?}");
    assert!(params_after.top_speed_mps > params_before.top_speed_mps);
    assert_eq!(app.world().resource::<PlayerCar>().0, params_after);

    // Not enough stones for motor-2 (5): refused with the reason, nothing recorded.
    let size = ledger_size(&app);
    app.world_mut().write_message(Intent::Buy { item: "motor-2".into() });
    let outcomes = run(&mut app, &mut cursor, 2);
    assert!(matches!(outcomes.as_slice(), [Outcome::Refused { .. }]), "{outcomes:?}");
    assert_eq!(ledger_size(&app), size);
    assert_eq!(player(&app).stones_milli, after.stones_milli);
}

/// Drives to each landmark (placing the car on its pad) and returns the outcomes.
fn visit(app: &mut App, cursor: &mut MessageCursor<Outcome>, landmark: &str) -> Vec<Outcome> {
    let (x, z) = app.world().resource::<CurrentLevel>().level.landmarks.iter().find(|l| l.id == landmark).unwrap().position;
    place_car(app, x + 16.0, z, Vec2::new(-1.0, 0.0));
    run(app, cursor, 10)
}

#[test]
fn a_task_awards_its_crystals_once_not_twice() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, mut cursor) = sample_game(dir.path());
    let before = player(&app).crystals;
    let outcomes = visit(&mut app, &mut cursor, "garage");
    assert!(matches!(outcomes.as_slice(), [Outcome::TaskDone { task, crystals: 10 }] if task == "visit-garage"), "{outcomes:?}");
    assert_eq!(player(&app).crystals, before + 10);
    // Away and back, and asking outright: no second award.
    place_car(&mut app, 0.0, 60.0, Vec2::new(0.0, 1.0));
    run(&mut app, &mut cursor, 10);
    let again = visit(&mut app, &mut cursor, "garage");
    assert!(again.is_empty(), "{again:?}");
    app.world_mut().write_message(Intent::CompleteTask { task: "visit-garage".into() });
    let refused = run(&mut app, &mut cursor, 2);
    assert!(matches!(refused.as_slice(), [Outcome::Refused { reason, .. }] if reason.contains("done")), "{refused:?}");
    assert_eq!(player(&app).crystals, before + 10);
    let entries = with_ledger(&app, |ledger, _| ledger.entries().unwrap());
    let awards = entries.iter().filter(|e| matches!(&e.body, Body::CrystalAward { task, .. } if task == "visit-garage")).count();
    assert_eq!(awards, 1);
}

#[test]
fn a_box_bought_with_task_crystals_recomputes_from_its_revealed_seed() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, mut cursor) = sample_game(dir.path());
    for landmark in ["garage", "lookout", "spires", "arch"] {
        visit(&mut app, &mut cursor, landmark);
    }
    let state = player(&app);
    assert_eq!(state.crystals, 100, "10 + 30 + 30 + 30 crystals from visiting the four landmarks");
    app.world_mut().write_message(Intent::CommitBox);
    let committed = run(&mut app, &mut cursor, 2);
    let [Outcome::BoxCommitted(published)] = committed.as_slice() else { panic!("{committed:?}") };
    app.world_mut().write_message(Intent::OpenBox { commitment: *published });
    let opened = run(&mut app, &mut cursor, 2);
    let [Outcome::BoxOpened(o)] = opened.as_slice() else { panic!("{opened:?}") };

    // Recompute it the way any player could, from the published table and the seeds.
    assert_eq!(o.commitment, *published);
    assert_eq!(commitment(&o.server_seed), *published, "the revealed seed is the one committed to");
    let table = &EconomyTables::bundled().boxes;
    let drawn = table.owner.outcome(state.pity, roll(&o.server_seed, &o.client_seed, o.draw)).to_prize();
    assert!(o.prize == drawn || o.prize == (Prize::Crystals { count: 100 }), "{:?} vs {drawn:?}", o.prize);
    check_opening(table, true, o.pity_before, (&o.commitment, &o.server_seed, &o.client_seed), o.draw, &o.prize).unwrap();
    // A different client seed would (almost surely) not give the same roll: the check bites.
    assert_ne!(roll(&o.server_seed, &[0; 32], o.draw), roll(&o.server_seed, &o.client_seed, o.draw));

    // The ledger's entry holds the same seeds and prize, and the crystals were paid.
    let index = o.entry;
    let (entry, dir, size) = with_ledger(&app, move |ledger, _| (ledger.read_entry(index).unwrap().0, ledger.dir().to_path_buf(), ledger.size()));
    assert_eq!(entry.kind(), Kind::BoxDraw);
    let Body::BoxDraw { server_seed, client_seed, prize, commitment: c, .. } = entry.body else { unreachable!() };
    assert_eq!((server_seed, client_seed, prize, c), (o.server_seed, o.client_seed, o.prize.clone(), *published));
    assert_eq!(player(&app).boxes_opened, 1);
    let report = horizon::ledger::verify::verify_ledger(&dir, None, &mut |_, _| {}).unwrap();
    assert_eq!(report.checkpoint.size, size);
}

#[test]
fn the_autopilot_laps_the_lakeside_route_in_time_and_earns_the_lap_task() {
    let dir = tempfile::tempdir().unwrap();
    let (mut app, mut cursor) = sample_game(dir.path());
    app.insert_resource(Autopilot::on_route(0));
    let stones = player(&app).stones_milli;
    // Three simulated minutes at most.
    let outcomes = run(&mut app, &mut cursor, 180 * 60);
    let lap_done = outcomes.iter().any(|o| matches!(o, Outcome::TaskDone { task, .. } if task == "lap-lakeside"));
    let mined = outcomes.iter().filter(|o| matches!(o, Outcome::Mined(_))).count();
    let progress = app.world().resource::<horizon::game::tasks::TaskProgress>();
    assert!(lap_done, "no lap under 3:00; best laps {:?}, drove {:.2} km, mined {mined}", progress.best_laps, progress.km_today);
    assert!(mined >= 1, "the autopilot mines deposits near its route");
    assert!(player(&app).stones_milli > stones);
}

#[test]
fn horizon_play_autopilot_ends_with_more_stones_and_a_ledger_that_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let exe = env!("CARGO_BIN_EXE_horizon");
    let out = Command::new(exe).args(["--data-dir", data, "play", "--autopilot", "--headless", "--frames", "2400"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = text.lines().find(|l| l.starts_with("headless:")).expect("a report line");
    let stones: Vec<f64> = line.split("stones ").nth(1).unwrap().split(';').next().unwrap().split(" -> ").map(|s| s.trim().parse().unwrap()).collect();
    assert!(stones[1] > stones[0], "{line}");
    let verify = Command::new(exe).args(["--data-dir", data, "ledger", "verify"]).output().unwrap();
    assert!(verify.status.success(), "{}", String::from_utf8_lossy(&verify.stdout));
}

