//! The show machine (`horizon kiosk`): its configuration refuses what it does not know and
//! says where; its rhythm (attract → a visitor's drive → "still there?" → the result →
//! attract) on a fake clock; and the real kiosk plugins headless, where a key press hands
//! the car to a fresh guest and idling gives it back to the autopilot and the show's player.

use std::process::Command;

use bevy::prelude::*;
use horizon::game::authority::{Authority, Intent};
use horizon::game::authority_link::AuthorityLink;
use horizon::game::autopilot::Autopilot;
use horizon::game::camera::GameCamera;
use horizon::game::car::PlayerDriven;
use horizon::game::deposits::DepositCrystal;
use horizon::game::kiosk::visitors::{ShowFloor, best_laps_file};
use horizon::game::kiosk::{CameraDirector, Shot, kiosk_app};
use horizon::game::screens::Profile;
use horizon::game::tasks::TaskProgress;
use horizon::game::world::CurrentLevel;
use horizon::game::DEFAULT_LEVEL;
use horizon::kiosk::best_laps::{BestLaps, ShowLap};
use horizon::kiosk::config::{Display, KioskValley, Language, OperatorKey};
use horizon::kiosk::stream::packed_rows;
use horizon::kiosk::{Change, DriveEnd, KioskConfig, Phase, StreamConfig, StreamOverlay, StreamTo, Timeline, Timeouts};
use horizon::ledger::{Body, Role};
use horizon::level::Level;
use horizon::profile::DataDir;
use horizon::valley::EmbeddedValley;
use horizon::valley::embedded::system_clock;

use super::support::{Server, server_name};

#[test]
fn an_empty_configuration_is_a_working_kiosk_and_a_full_one_is_read() {
    let config = KioskConfig::parse("show.ron", "").unwrap();
    assert_eq!(config, KioskConfig::default());
    assert_eq!((config.idle_s, config.languages.as_slice()), (45, &[Language::Chinese, Language::English][..]));
    assert_eq!(config.operator_combination().unwrap(), vec![OperatorKey::Ctrl, OperatorKey::Alt, OperatorKey::Letter('O')]);
    let text = r#"(
        level: Some("levels/quarry.ron"),
        idle_s: 30,
        session_s: 180,
        branding: "Auto Shanghai 2027 · 上海车展",
        languages: [English],
        quality: Low,
        display: Windowed(1280, 720),
        operator_keys: "Ctrl+Shift+F12",
    )"#;
    let config = KioskConfig::parse("show.ron", text).unwrap();
    assert_eq!((config.idle_s, config.session_s, config.display), (30, 180, Display::Windowed(1280, 720)));
    assert_eq!(config.branding, "Auto Shanghai 2027 · 上海车展");
}

#[test]
fn a_wrong_configuration_names_the_file_line_and_field() {
    let cases: [(&str, usize, &str); 7] = [
        ("(\n  idle_s: 45,\n  idel_s: 30,\n)", 3, "idel_s"),
        ("(\n  idle_s: 5,\n)", 2, "idle_s: 5 s is outside 10–600 s"),
        ("(\n  session_s: 60,\n  idle_s: 90,\n)", 3, "idle_s: 90 s is not shorter than the session (60 s)"),
        ("(\n  languages: [],\n)", 2, "languages: name at least one"),
        ("(\n\n  operator_keys: \"O\",\n)", 3, "needs at least two of Ctrl, Alt and Shift"),
        ("(\n  operator_keys: \"Ctrl+Alt+Enter\",\n)", 2, "\"Enter\" is not a key the combination can use"),
        ("(\n  valley: Server(\"ftp://valley\"),\n)", 2, "is not an http:// or https:// address"),
    ];
    for (text, line, words) in cases {
        let e = KioskConfig::parse("show.ron", text).unwrap_err();
        assert_eq!((e.path.as_str(), e.line), ("show.ron", line), "{text:?}: {e}");
        assert!(e.to_string().contains(words), "{text:?}: {e} should say {words:?}");
        assert!(e.to_string().starts_with(&format!("show.ron:{line}:")), "{e}");
    }
}

#[test]
fn horizon_kiosk_check_prints_the_configuration_or_where_it_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("show.ron");
    std::fs::write(&file, "(\n  idle_s: 30,\n  goodbye_s: 500,\n)\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_horizon")).args(["kiosk", "--check", "--config", file.to_str().unwrap()]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(said.contains("show.ron:3:3: goodbye_s: 500 s is outside 3–120 s"), "{said}");
    std::fs::write(&file, "(idle_s: 30)").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_horizon")).args(["kiosk", "--check", "--config", file.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("idle_s: 30"));
}

fn timeouts() -> Timeouts {
    Timeouts::of(&KioskConfig::default())
}

#[test]
fn the_rhythm_of_a_show_on_a_fake_clock() {
    let mut show = Timeline::new(timeouts());
    assert_eq!(show.tick(1000.0), None, "attract waits for visitors, however long");
    assert_eq!(show.input(1000.0), Some(Change::VisitorArrived));
    assert_eq!(show.input(1020.0), None, "driving");
    assert_eq!(show.tick(1064.9), None, "44.9 s without input is not idle yet");
    assert_eq!(show.tick(1065.0), Some(Change::AskedStillThere));
    assert_eq!(show.countdown_left(1068.0), Some(7.0));
    assert_eq!(show.input(1068.0), Some(Change::StillHere), "any input answers");
    assert!(matches!(show.phase(), Phase::Driving { .. }));
    assert_eq!(show.tick(1112.0), None);
    assert_eq!(show.tick(1113.0), Some(Change::AskedStillThere));
    assert_eq!(show.tick(1122.9), None);
    assert_eq!(show.tick(1123.0), Some(Change::DriveEnded(DriveEnd::Idle)), "nobody answered in 10 s");
    assert!(!show.visitor_present());
    assert_eq!(show.input(1124.0), None, "the leaving visitor's touches start nothing");
    assert_eq!(show.tick(1135.0), Some(Change::AttractResumed), "the result stays 12 s");
    assert_eq!(show.phase(), Phase::Attract);
}

#[test]
fn a_busy_visitor_is_stopped_when_the_session_is_over_and_the_next_can_start_from_the_result() {
    let mut show = Timeline::new(timeouts());
    show.input(0.0);
    for t in 1..240 {
        show.input(f64::from(t));
        assert_eq!(show.tick(f64::from(t)), None);
    }
    assert_eq!(show.session_left(239.5), Some(0.5));
    assert_eq!(show.tick(240.0), Some(Change::DriveEnded(DriveEnd::TimeUp)));
    assert_eq!(show.input(243.0), Some(Change::VisitorArrived), "after 3 s a touch is the next visitor");
    assert!(show.visitor_present());
}

/// The kiosk headless on a first-run profile in `dir` with the default configuration.
fn kiosk(dir: &std::path::Path) -> App {
    let (valley, key) = EmbeddedValley::open_with_player(&DataDir(dir.to_path_buf()), system_clock).unwrap();
    let level = Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL).unwrap();
    let mut app = kiosk_app(level, Authority::embedded(valley, key), dir, &KioskConfig::default());
    // The camera the director moves (the window's presentation spawns it).
    app.world_mut().spawn((GameCamera, Transform::default()));
    app
}

fn seconds(app: &mut App, s: f64) {
    for _ in 0..(s * 60.0).round() as u32 {
        app.update();
    }
    app.world().resource::<AuthorityLink>().wait_idle();
    app.update();
}

fn phase(app: &App) -> Phase {
    app.world().resource::<ShowFloor>().timeline.phase()
}

fn profile_key(app: &App) -> horizon::ledger::PublicKey {
    app.world().resource::<Profile>().player.key
}

fn car_at(app: &mut App) -> Vec3 {
    app.world_mut().query_filtered::<&Transform, With<PlayerDriven>>().single(app.world()).unwrap().translation
}

#[test]
fn a_key_hands_the_car_to_a_fresh_guest_and_idling_gives_it_back_to_the_autopilot() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = kiosk(dir.path());
    let host = profile_key(&app);
    let start = car_at(&mut app);

    // Attract: the autopilot drives, the director cuts between shots every 6–10 s.
    let mut shots = Vec::new();
    for _ in 0..30 {
        seconds(&mut app, 1.0);
        let d = app.world().resource::<CameraDirector>();
        if shots.last().map(|(n, _, _)| *n) != Some(d.cuts) {
            shots.push((d.cuts, d.shot, d.length_s));
        }
        let cam = app.world_mut().query_filtered::<&Transform, With<GameCamera>>().single(app.world()).unwrap().translation;
        let current = app.world().resource::<CurrentLevel>();
        assert!(cam.y > current.field.height_at(cam.x, cam.z), "the camera stays above the ground: {cam}");
    }
    assert!(app.world().get_resource::<Autopilot>().is_some());
    assert!(car_at(&mut app).distance(start) > 100.0, "the autopilot drove off: {} m", car_at(&mut app).distance(start));
    assert!(shots.len() >= 3 && shots.len() <= 6, "30 s of attract is 3–5 shots: {shots:?}");
    assert!(shots.iter().all(|(_, _, len)| (6.0..=10.0).contains(len)), "{shots:?}");
    let kinds: Vec<Shot> = shots.iter().map(|(_, s, _)| *s).collect();
    assert_eq!(kinds[..3], [Shot::DroneOrbit, Shot::Chase, Shot::Trackside], "{shots:?}");

    // A visitor presses W: a fresh guest with a car of its own, the car back at the start.
    let size_before = app.world().resource::<AuthorityLink>().ledger.size;
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(KeyCode::KeyW);
    seconds(&mut app, 0.5);
    assert!(matches!(phase(&app), Phase::Driving { .. }));
    assert!(app.world().get_resource::<Autopilot>().is_none(), "the visitor drives, not the autopilot");
    assert!(app.world().get_resource::<CameraDirector>().is_none(), "the chase camera is back");
    let visitor = profile_key(&app);
    assert_ne!(visitor, host);
    let view = app.world().resource::<Profile>().player.clone();
    assert_eq!((view.state.role.clone(), view.state.stones_milli), (Role::Owner { vehicle: horizon::valley::embedded::sample_car_for(&visitor) }, 0));
    assert!(view.state.unmined_milli() > 5_000, "the visitor's car's last day waits to be mined: {}", view.state.unmined_milli());
    let deposits = app.world_mut().query::<&DepositCrystal>().iter(app.world()).count();
    assert_eq!(deposits, view.state.deposits.len(), "the crystals on screen are the visitor's");
    assert!(car_at(&mut app).distance(start) < 30.0, "the visitor starts at the start");
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().release(KeyCode::KeyW);

    // 45 s without input: "still there?"; 10 s more: the result, and the show's player back.
    seconds(&mut app, 44.0);
    assert!(matches!(phase(&app), Phase::Driving { .. }), "{:?}", phase(&app));
    seconds(&mut app, 1.5);
    assert!(matches!(phase(&app), Phase::StillThere { .. }), "{:?}", phase(&app));
    seconds(&mut app, 10.0);
    assert!(matches!(phase(&app), Phase::Result { why: DriveEnd::Idle, .. }), "{:?}", phase(&app));
    assert_eq!(profile_key(&app), host, "nothing of the visitor's stays: the show's player is back");
    assert!(app.world().get_resource::<Autopilot>().is_some());
    let floor = app.world().resource::<ShowFloor>();
    let result = floor.result.clone().expect("the visitor's result");
    assert_eq!(result.key_hex, visitor.to_hex());
    assert_eq!(floor.visitors, 1);
    // The visitor's entries are in the ledger: enrolment, consents, their car, its week.
    let (first, end) = (result.first_entry, result.end_entry);
    assert_eq!(first, size_before);
    let theirs = app.world().resource::<AuthorityLink>().call(move |a| {
        let ledger = a.embedded_ledger().unwrap();
        (first..end).map(|i| ledger.read_entry(i).unwrap().0).collect::<Vec<_>>()
    });
    assert!(theirs.iter().any(|e| matches!(&e.body, Body::Enrol { player, role: Role::Guest, .. } if *player == visitor)), "{} entries", theirs.len());
    assert!(theirs.iter().any(|e| matches!(e.body, Body::CarTrip { .. })), "the car signed its day of trips");
    // Their keepsake: a receipt of one of their entries that checks with the show's key alone,
    // and a QR code that scans back to it.
    let floor = app.world().resource::<ShowFloor>();
    let keepsake = result.keepsake.clone().unwrap_or_else(|| panic!("a receipt on the result card (last error: {:?})", floor.last_error));
    assert!((first..end).contains(&keepsake.index), "entry #{} is the visitor's drive's", keepsake.index);
    let key = horizon::ledger::VerifierKey::parse(&keepsake.verifier_key).unwrap();
    let checked = horizon::ledger::Receipt::parse(&keepsake.receipt).unwrap().verify(&key).expect("the receipt checks offline");
    assert!(checked.entry.actor == visitor || checked.entry.body.subject() == Some(visitor), "the receipt is of the visitor's entry");
    assert_eq!(scan(&keepsake.qr), keepsake.receipt, "the QR code scans back to the receipt");

    // The result goes after 12 s: attract, and the figures count today's visitor.
    seconds(&mut app, 12.5);
    assert_eq!(phase(&app), Phase::Attract);
    assert!(app.world().resource::<ShowFloor>().result.is_none());
    let figures = app.world().resource::<ShowFloor>().figures.clone();
    assert!(figures.visitors_today >= 2 && figures.km_today > 0 && figures.size >= end, "{figures:?}");
    assert_eq!(figures.ticker.len(), horizon::kiosk::figures::TICKER_ENTRIES);
}

/// What a phone's camera reads from a QR code drawn 4 pixels a module with its quiet zone.
fn scan(qr: &horizon::kiosk::keepsake::QrModules) -> String {
    let (scale, quiet) = (4, 4);
    let side = (qr.width + 2 * quiet) * scale;
    let mut picture = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
        let (mx, my) = ((x / scale).wrapping_sub(quiet), (y / scale).wrapping_sub(quiet));
        if mx < qr.width && my < qr.width && qr.dark[my * qr.width + mx] { 0 } else { 255 }
    });
    let grids = picture.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().expect("the code decodes").1
}

#[test]
fn the_documented_show_configuration_is_the_default() {
    let config = KioskConfig::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/show.ron"))).unwrap();
    assert_eq!(config, KioskConfig::default(), "deploy/show.ron documents the defaults");
}

#[test]
fn a_stream_is_configured_and_becomes_ffmpegs_command_line() {
    let text = "(\n  stream: Some((\n    to: Hls(\"feed\"),\n    size: (640, 360),\n    fps: 25,\n  )),\n)";
    let config = KioskConfig::parse("show.ron", text).unwrap();
    let stream = config.stream.clone().expect("a stream");
    assert_eq!((stream.size, stream.fps, stream.kbps, stream.overlay), ((640, 360), 25, 4500, StreamOverlay::Broadcast), "unset fields keep their defaults");
    let data = std::path::Path::new("/srv/show");
    let args = stream.ffmpeg_args(data).join(" ");
    for part in ["-f rawvideo -pixel_format rgba -video_size 640x360 -framerate 25 -i pipe:0", "-c:v libx264", "-pix_fmt yuv420p", "-g 50", "-f hls", "/srv/show/feed/segment-%06d.ts /srv/show/feed/stream.m3u8"] {
        assert!(args.contains(part), "{part:?} in {args}");
    }
    assert_eq!(stream.hls_folder(data), Some(data.join("feed")), "a relative folder is under the data directory");

    let rtmp = StreamConfig { to: StreamTo::Rtmp("rtmp://live.example.com/app/SECRET-KEY".into()), ..StreamConfig::default() };
    assert!(rtmp.ffmpeg_args(data).join(" ").ends_with("-f flv rtmp://live.example.com/app/SECRET-KEY"));
    let told = rtmp.describe(data);
    assert!(told.contains("RTMP to rtmp://live.example.com/") && !told.contains("SECRET"), "the stream key is not shown: {told}");
    let srt = StreamConfig { to: StreamTo::Srt("srt://user:pass@203.0.113.5:9000?passphrase=x".into()), ..StreamConfig::default() };
    assert!(srt.ffmpeg_args(data).join(" ").ends_with("-f mpegts srt://user:pass@203.0.113.5:9000?passphrase=x"));
    assert!(!srt.describe(data).contains("pass"), "{}", srt.describe(data));
}

#[test]
fn a_wrong_stream_names_its_line_and_field() {
    let cases: [(&str, usize, &str); 5] = [
        ("(\n  stream: Some((\n    size: (641, 360),\n  )),\n)", 3, "size: 641×360 is not an even size"),
        ("(\n  stream: Some((\n    size: (3840, 2160),\n  )),\n)", 3, "within 320×180 … 1920×1080"),
        ("(\n  stream: Some((\n    fps: 120,\n  )),\n)", 3, "fps: 120 frames a second is outside 10–60"),
        ("(\n  stream: Some((\n    to: Rtmp(\"http://live\"),\n  )),\n)", 3, "is not an rtmp:// or rtmps:// address"),
        ("(\n  stream: Some((\n    resolution: (1280, 720),\n  )),\n)", 3, "resolution"),
    ];
    for (text, line, words) in cases {
        let e = KioskConfig::parse("show.ron", text).unwrap_err();
        assert_eq!(e.line, line, "{text:?}: {e}");
        assert!(e.to_string().contains(words), "{text:?}: {e} should say {words:?}");
    }
}

#[test]
fn frames_read_back_with_padded_rows_are_packed_for_ffmpeg() {
    // 3 pixels of 4 bytes a row, padded to 16 bytes, 2 rows.
    let mut padded = vec![0u8; 32];
    padded[..12].copy_from_slice(&[1; 12]);
    padded[16..28].copy_from_slice(&[2; 12]);
    let packed = packed_rows(&padded, 3, 2).unwrap();
    assert_eq!(packed, [[1u8; 12], [2u8; 12]].concat());
    assert_eq!(packed_rows(&[0u8; 20], 3, 2), None, "short data is refused, not read past");
}

/// Hours of a show in seconds, headless, with scripted visitors (`horizon kiosk --soak`), in a
/// process of its own so that its memory is its own: visitors keep coming, the entities stay
/// within a narrow band, memory does not climb with them.
#[test]
fn two_hours_of_a_show_soak_without_growing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("show");
    let out = Command::new(env!("CARGO_BIN_EXE_horizon")).args(["--data-dir", data.to_str().unwrap(), "kiosk", "--soak", "2"]).output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{said}{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("{said}");
    let hours: Vec<&str> = said.lines().filter(|l| l.starts_with("hour")).collect();
    assert_eq!(hours.len(), 3, "a sample at hours 0, 1 and 2: {said}");
    let number_before = |line: &str, word: &str| -> f64 {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = words.iter().position(|w| w.trim_end_matches(',') == word).unwrap_or_else(|| panic!("{word:?} in {line}"));
        words[at - 1].parse().unwrap_or_else(|e| panic!("{line}: {e}"))
    };
    let visitors = number_before(hours[2], "visitors");
    assert!(visitors >= 60.0, "visitors kept coming: {visitors} in two hours");
    let (one, two) = (number_before(hours[1], "entities"), number_before(hours[2], "entities"));
    assert!((two - one).abs() <= 60.0, "entities stay level: {one} at hour 1, {two} at hour 2");
    let resident = |line: &str| -> f64 { line.split("resident ").nth(1).and_then(|r| r.split(' ').next()).and_then(|m| m.parse().ok()).unwrap_or_else(|| panic!("resident memory in {line}")) };
    let grew = resident(hours[2]) - resident(hours[1]);
    assert!(grew < 8.0, "resident memory grew {grew:.1} MiB in the second hour");

    // A show's own valley is never soaked.
    let again = Command::new(env!("CARGO_BIN_EXE_horizon")).args(["--data-dir", data.to_str().unwrap(), "kiosk", "--soak", "1"]).output().unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("give it a new --data-dir"), "{}", String::from_utf8_lossy(&again.stderr));
}

#[test]
fn a_receipt_sized_text_fits_a_qr_code_that_scans_back() {
    let text: String = (0..900).map(|i| char::from(b'A' + (i % 26) as u8)).collect();
    let qr = horizon::kiosk::keepsake::qr_code(&text).expect("900 bytes fit a QR code");
    assert_eq!(scan(&qr), text);
    assert!(horizon::kiosk::keepsake::qr_code(&"x".repeat(4000)).is_none(), "4 kB is too long for any QR code");
}

fn show_lap(route: &str, ms: u64, visitor: &str) -> ShowLap {
    ShowLap { route: route.into(), ms, visitor: visitor.into(), clock: "10:00".into() }
}

#[test]
fn the_show_board_keeps_the_five_fastest_of_each_route_in_order() {
    let mut board = BestLaps::default();
    let day = "2026-12-06";
    assert_eq!(board.record(show_lap("lake", 60_000, "a"), day), Some(1));
    assert_eq!(board.record(show_lap("lake", 55_000, "b"), day), Some(1));
    assert_eq!(board.record(show_lap("hill", 90_000, "c"), day), Some(1));
    assert_eq!(board.record(show_lap("lake", 60_000, "d"), day), Some(3), "a tie goes behind the earlier lap");
    assert_eq!(board.record(show_lap("lake", 70_000, "e"), day), Some(4));
    assert_eq!(board.record(show_lap("lake", 58_000, "f"), day), Some(2));
    assert_eq!(board.record(show_lap("lake", 80_000, "g"), day), None, "slower than all five");
    let lake: Vec<&str> = board.route("lake", day).map(|l| l.visitor.as_str()).collect();
    assert_eq!(lake, ["b", "f", "a", "d", "e"]);
    assert_eq!(board.route("hill", day).count(), 1);
    assert_eq!(board.record(show_lap("lake", 1_000, "h"), day), None, "a one-second lap is a reset, not a lap");
    let back = BestLaps::from_json(&board.to_json()).unwrap();
    assert_eq!(back, board);
}

#[test]
fn a_new_day_starts_an_empty_board_of_best_laps() {
    let mut board = BestLaps::default();
    board.record(show_lap("lake", 60_000, "a"), "2026-12-06");
    assert_eq!(board.route("lake", "2026-12-07").count(), 0, "yesterday's laps are not today's");
    assert_eq!(board.record(show_lap("lake", 90_000, "b"), "2026-12-07"), Some(1));
    assert_eq!(board.laps.len(), 1);
}

#[test]
fn a_damaged_board_of_best_laps_is_refused_saying_where() {
    let err = BestLaps::from_json("{\"day\": \"2026-12-06\", \"laps\": [}").unwrap_err();
    assert!(err.starts_with("line 1, column"), "{err}");
    let mut unordered = BestLaps { day: "d".into(), laps: vec![show_lap("lake", 70_000, "a"), show_lap("lake", 60_000, "b")] };
    assert!(BestLaps::from_json(&unordered.to_json()).unwrap_err().contains("\"lake\""));
    unordered.laps.reverse();
    assert!(BestLaps::from_json(&unordered.to_json()).is_ok());
}

/// A visitor who laps the lakeside loop (the autopilot at the wheel for them, a key held so
/// they are not idle) finds their lap on the result card and on today's board, which a
/// restarted kiosk still shows; a damaged board file is set aside and the board starts empty.
#[test]
fn a_visitors_lap_goes_on_todays_board_and_stays_there_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = kiosk(dir.path());
    assert!(app.world().resource::<ShowFloor>().best_laps.laps.is_empty());
    // The show's own laps in attract (54 s a lap) are not visitors' laps.
    seconds(&mut app, 70.0);
    assert!(app.world().resource::<ShowFloor>().best_laps.laps.is_empty(), "the autopilot's laps stay off the board");

    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(KeyCode::F13);
    seconds(&mut app, 0.5);
    assert!(matches!(phase(&app), Phase::Driving { .. }));
    let visitor = profile_key(&app);
    app.world_mut().insert_resource(Autopilot::on_route(0));
    let mut lapped = None;
    for _ in 0..20 {
        seconds(&mut app, 10.0);
        lapped = app.world().resource::<TaskProgress>().best_laps.get("lakeside").copied();
        if lapped.is_some() {
            break;
        }
    }
    let lap_s = lapped.expect("a lap of the lakeside loop within 200 s");
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().release(KeyCode::F13);
    seconds(&mut app, 46.0);
    assert!(matches!(phase(&app), Phase::StillThere { .. }), "{:?}", phase(&app));
    seconds(&mut app, 10.5);
    assert!(matches!(phase(&app), Phase::Result { .. }), "{:?}", phase(&app));

    let floor = app.world().resource::<ShowFloor>();
    let lap = floor.result.as_ref().and_then(|r| r.lap.clone()).expect("the lap on the result card");
    assert_eq!((lap.route.as_str(), lap.place), ("lakeside", Some(1)), "{lap:?}");
    // The autopilot drove on while the visitor idled: their best may be a later lap.
    assert!(lap.ms <= (f64::from(lap_s) * 1000.0).round() as u64 + 1 && (30_000..120_000).contains(&lap.ms), "{lap:?} after a first lap of {lap_s} s");
    let board: Vec<ShowLap> = floor.best_laps.route("lakeside", &floor.today).cloned().collect();
    assert_eq!(board.len(), 1);
    assert_eq!(board[0].visitor, visitor.to_hex()[..8]);
    assert_eq!(board[0].clock.len(), 5, "a clock such as 14:32: {:?}", board[0].clock);
    let file = best_laps_file(dir.path());
    let saved = BestLaps::from_json(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved, floor.best_laps, "the board is on disk");
    drop(app);

    // A restart: the same board.
    let app = kiosk(dir.path());
    let floor = app.world().resource::<ShowFloor>();
    assert_eq!(floor.best_laps, saved);
    assert_eq!(floor.last_error, None);
    drop(app);

    // A damaged file: set aside, said, and an empty board.
    std::fs::write(&file, "{\"day\": \"2026-12-06\", \"laps\": [{\"route\": ").unwrap();
    let app = kiosk(dir.path());
    let floor = app.world().resource::<ShowFloor>();
    assert!(floor.best_laps.laps.is_empty());
    let error = floor.last_error.clone().expect("the operator is told");
    assert!(error.contains("best-laps.json") && error.contains("line 1") && error.contains("best-laps.json.unreadable"), "{error}");
    assert!(file.with_extension("json.unreadable").exists());
    assert!(!file.exists());
}

/// The visitors' folders a show on a server keeps (each holds a key and a queue).
fn visitor_folders(dir: &std::path::Path) -> usize {
    std::fs::read_dir(horizon::client::visitors::visitors_dir(&DataDir(dir.to_path_buf()))).map_or(0, |d| d.count())
}

/// A show in a server's valley: a visitor joins it with a car of their own, their receipt
/// checks with the server's key and their folder goes when they leave. With the server
/// away the show runs on: what a visitor did stays queued under their key, a visitor who
/// arrives drives unrecorded and the operator is told; back, the queue is sent.
#[test]
fn a_show_on_a_server_welcomes_visitors_there_and_sends_what_waited_when_it_is_back() {
    let server_dir = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::start(server_dir.path());
    let authority = horizon::game::kiosk::on_server(&DataDir(dir.path().to_path_buf()), &server.url).unwrap();
    let level = Level::parse("levels/stone_valley.ron", DEFAULT_LEVEL).unwrap();
    let config = KioskConfig { valley: KioskValley::Server(server.url.clone()), ..KioskConfig::default() };
    let mut app = kiosk_app(level, authority, dir.path(), &config);
    app.world_mut().spawn((GameCamera, Transform::default()));
    let host = profile_key(&app);
    seconds(&mut app, 6.0);
    let size = app.world().resource::<ShowFloor>().figures.size;
    assert!(size >= 3, "the figures follow the server's ledger: {size} entries");

    // A visitor joins the server's valley with a car of their own.
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(KeyCode::KeyW);
    seconds(&mut app, 1.0);
    let visitor = profile_key(&app);
    assert_ne!(visitor, host, "last error: {:?}", app.world().resource::<ShowFloor>().last_error);
    let view = app.world().resource::<Profile>().player.clone();
    assert_eq!(view.state.role, Role::Owner { vehicle: horizon::client::joining::sample_car_for(&visitor) });
    assert!(view.state.unmined_milli() > 50_000, "their car's week waits on the server: {}", view.state.unmined_milli());
    assert_eq!(visitor_folders(dir.path()), 1);
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().release(KeyCode::KeyW);
    seconds(&mut app, 56.5);
    assert!(matches!(phase(&app), Phase::Result { .. }), "{:?}", phase(&app));
    assert_eq!(profile_key(&app), host);
    let floor = app.world().resource::<ShowFloor>();
    let keepsake = floor.result.as_ref().and_then(|r| r.keepsake.clone()).unwrap_or_else(|| panic!("a receipt (last error: {:?})", floor.last_error));
    assert_eq!(keepsake.verifier_key, server_name(server_dir.path()), "the receipt is the server's");
    let key = horizon::ledger::VerifierKey::parse(&keepsake.verifier_key).unwrap();
    let checked = horizon::ledger::Receipt::parse(&keepsake.receipt).unwrap().verify(&key).expect("the receipt checks offline");
    assert!(checked.entry.actor == visitor || checked.entry.body.subject() == Some(visitor));
    assert_eq!(visitor_folders(dir.path()), 0, "all was sent: the visitor's key is gone");
    seconds(&mut app, 12.5);
    assert_eq!(phase(&app), Phase::Attract);

    // The next visitor; the server goes away while they drive and their mine is queued.
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(KeyCode::KeyW);
    seconds(&mut app, 1.0);
    let second = profile_key(&app);
    assert!(second != host && second != visitor);
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().release(KeyCode::KeyW);
    let deposit = app.world().resource::<Profile>().player.state.deposits.values().next().cloned().expect("a deposit to mine");
    let addr = server.addr().to_string();
    server.kill();
    let (answer, answered) = std::sync::mpsc::channel();
    app.world().resource::<AuthorityLink>().send_async(move |a| {
        Box::pin(async move {
            let _ = answer.send(a.apply(&Intent::Mine { km_index: deposit.km_index }).await.map(|_| ()).map_err(|e| e.to_string()));
            None
        })
    });
    let answer = answered.recv().unwrap();
    assert!(answer.as_ref().is_err_and(|e| e.contains("queued, it will be sent when the server is back")), "a mine the server cannot take now waits: {answer:?}");
    seconds(&mut app, 56.5);
    assert!(matches!(phase(&app), Phase::Result { .. }), "{:?}", phase(&app));
    assert_eq!(profile_key(&app), host);
    assert_eq!(visitor_folders(dir.path()), 1, "the queued mine keeps the visitor's folder");
    seconds(&mut app, 12.5);
    assert_eq!(phase(&app), Phase::Attract);
    assert_eq!(app.world().resource::<ShowFloor>().visitors_waiting, 1);

    // A visitor while the server is away drives the show's car, unrecorded; the show goes on.
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().press(KeyCode::KeyW);
    seconds(&mut app, 1.0);
    assert!(matches!(phase(&app), Phase::Driving { .. }));
    assert_eq!(profile_key(&app), host);
    let error = app.world().resource::<ShowFloor>().last_error.clone().expect("the operator is told");
    assert!(error.contains("welcoming a visitor"), "{error}");
    assert_eq!(visitor_folders(dir.path()), 1, "nothing was kept of the unrecorded visitor");
    app.world_mut().resource_mut::<ButtonInput<KeyCode>>().release(KeyCode::KeyW);
    seconds(&mut app, 56.5 + 12.5);
    assert_eq!(phase(&app), Phase::Attract);

    // The server is back: the waiting mine is sent under the second visitor's key.
    let mut server = Server::restart_at(server_dir.path(), &addr);
    seconds(&mut app, 6.0);
    assert_eq!(app.world().resource::<ShowFloor>().visitors_waiting, 0);
    assert_eq!(visitor_folders(dir.path()), 0);
    drop(app);
    server.kill();
    let report = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).expect("the server's ledger verifies");
    let ledger = horizon::ledger::Ledger::open(&server_dir.path().join("ledger"), None, None).unwrap().0;
    let mints: Vec<Body> = (0..report.checkpoint.size).map(|i| ledger.read_entry(i).unwrap().0.body).filter(|b| matches!(b, Body::Mint { player, .. } if *player == second)).collect();
    assert_eq!(mints.len(), 1, "the second visitor's mine reached the server once");
}
