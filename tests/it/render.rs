//! The real game under Xvfb with Mesa's software Vulkan (lavapipe): it starts, renders the
//! valley, saves a screenshot and exits. The screenshots are kept under the build
//! directory's `tmp/screenshots/` for people to look at.

use std::path::PathBuf;
use std::process::Command;

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A piece of text the game painted in the screenshot's frame, at `(x, y)` in pixels.
struct Painted {
    x: f32,
    y: f32,
    text: String,
}

/// Runs `horizon play` under Xvfb for `frames` frames and returns the screenshot's pixels and the text painted in it (the game saves it beside the picture).
fn play_and_capture_with(name: &str, extra: &[&str], frames: u32, env: &[(&str, &str)]) -> (image::RgbaImage, Vec<Painted>) {
    let data = tempfile::tempdir().unwrap();
    let shot = screenshot_dir().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&shot);
    let frames = frames.to_string();
    let mut args = vec!["-a", "-s", "-screen 0 1280x720x24", env!("CARGO_BIN_EXE_horizon"), "--data-dir", data.path().to_str().unwrap(), "play"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--frames", &frames, "--screenshot", shot.to_str().unwrap()]);
    let out = Command::new("xvfb-run")
        .args(&args)
        .env("WGPU_BACKEND", "vulkan")
        .envs(env.iter().copied())
        .output()
        .expect("xvfb-run runs (scripts/setup-debian.sh --render installs it)");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the game failed: {}", log.lines().rev().take(30).collect::<Vec<_>>().join("\n"));
    eprintln!("screenshot: {}", shot.display());
    let img = image::open(&shot).unwrap_or_else(|e| panic!("{}: {e}", shot.display())).to_rgba8();
    let listing = std::fs::read_to_string(shot.with_extension("txt")).unwrap_or_else(|e| panic!("the painted text beside {}: {e}", shot.display()));
    let painted = listing
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, ' ');
            Some(Painted { x: parts.next()?.parse().ok()?, y: parts.next()?.parse().ok()?, text: parts.next()?.to_string() })
        })
        .collect();
    (img, painted)
}

/// What each screen alone paints: the test of one screen also checks that no other
/// screen's words are there, so a panel drawn in the wrong place fails.
const SCREEN_WORDS: [(&str, &[&str]); 7] = [
    ("title", &["CRYPTO HORIZON", "the Stone Valley"]),
    ("twin", &["real km from", "summaries only"]),
    ("garage", &["every purchase is signed with your key"]),
    ("box", &["Odds for", "Pity:"]),
    ("ledger", &["entries in the ledger", "verifier key"]),
    ("profile", &["key fingerprint", "Consent"]),
    ("shop", &["every order is signed with your key", "Merch shop", "Make my twin card", "Crystal keyring"]),
];

/// Asserts that the screen's own words are painted inside `area` (x0, x1, y0, y1) and no
/// other screen's words anywhere.
fn assert_shows_only(name: &str, painted: &[Painted], area: (f32, f32, f32, f32)) {
    let all: Vec<&str> = painted.iter().map(|p| p.text.as_str()).collect();
    for (screen, words) in SCREEN_WORDS {
        for word in words {
            let found: Vec<&Painted> = painted.iter().filter(|p| p.text.contains(word)).collect();
            if screen == name {
                assert!(!found.is_empty(), "the {name} screen paints {word:?}; it painted {all:?}");
                let (x0, x1, y0, y1) = area;
                assert!(
                    found.iter().any(|p| (x0..x1).contains(&p.x) && (y0..y1).contains(&p.y)),
                    "{word:?} is painted inside the {name} window {area:?}, not at {:?}",
                    found.iter().map(|p| (p.x, p.y)).collect::<Vec<_>>()
                );
            } else {
                assert!(found.is_empty(), "the {name} screen shows the {screen} screen's {word:?}");
            }
        }
    }
}

fn mean_color(img: &image::RgbaImage, y0: u32, y1: u32) -> [f32; 3] {
    let mut sum = [0f64; 3];
    let mut n = 0f64;
    for y in y0..y1 {
        for x in (0..img.width()).step_by(4) {
            let p = img.get_pixel(x, y);
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
            n += 1.0;
        }
    }
    sum.map(|s| (s / n) as f32)
}

fn mean_color_rect(img: &image::RgbaImage, x0: u32, x1: u32, y0: u32, y1: u32) -> [f32; 3] {
    let mut sum = [0f64; 3];
    let mut n = 0f64;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = img.get_pixel(x, y);
            for c in 0..3 {
                sum[c] += f64::from(p[c]);
            }
            n += 1.0;
        }
    }
    sum.map(|s| (s / n) as f32)
}

#[test]
fn the_valley_renders_sky_land_the_car_and_the_hud() {
    let (img, painted) = play_and_capture_with("valley", &[], 40, &[]);
    // The HUD's speed and balances, and none of the screens' windows.
    assert_shows_only("valley", &painted, (0.0, 0.0, 0.0, 0.0));
    for word in ["km/h", "stones", "crystals"] {
        assert!(painted.iter().any(|p| p.text.contains(word) && p.y > 500.0), "the HUD at the bottom shows {word:?}");
    }
    assert_eq!((img.width(), img.height()), (1280, 720));
    // Not blank: many distinct colours.
    let distinct: std::collections::HashSet<[u8; 3]> = img.pixels().step_by(7).map(|p| [p[0] >> 2, p[1] >> 2, p[2] >> 2]).collect();
    assert!(distinct.len() > 200, "only {} distinct colours: blank or flat", distinct.len());
    // Sky at the top right (the HUD sits top left): bluish.
    let sky = mean_color(&img, 0, 30);
    assert!(sky[2] > sky[0] + 30.0, "the top is sky blue: {sky:?}");
    // Land at the bottom: more green than blue.
    let land = mean_color(&img, 620, 720);
    assert!(land[1] > land[2] + 20.0, "the bottom is land: {land:?}");
    // The car is in the middle of the lower half, darker and bluer than the grass.
    let car = mean_color_rect(&img, 560, 720, 420, 540);
    assert!(car[2] > car[1], "the blue car sits below the centre: {car:?}");
    // The speed panel is at the bottom left.
    let hud = mean_color_rect(&img, 30, 200, 600, 700);
    let beside = mean_color_rect(&img, 250, 450, 600, 700);
    assert!(hud[1] < beside[1] - 25.0, "the HUD panel darkens the bottom left: {hud:?} vs beside it {beside:?}");
}

#[test]
fn the_title_screen_shows_the_profile_over_the_valley() {
    let (img, painted) = play_and_capture_with("title", &["--screen", "title"], 30, &[]);
    assert_shows_only("title", &painted, (200.0, 1080.0, 100.0, 650.0));
    assert!(!painted.iter().any(|p| p.text.contains("km/h")), "no driving HUD on the title");
    // The title panel sits in the middle, dark, with the valley around it.
    let centre = img.get_pixel(640, 330);
    assert!(centre[0] < 60 && centre[1] < 60 && centre[2] < 60, "the title panel is in the middle: {centre:?}");
    let sky = mean_color(&img, 0, 40);
    assert!(sky[2] > sky[0] + 30.0, "sky behind it: {sky:?}");
    let distinct: std::collections::HashSet<[u8; 3]> = img.pixels().step_by(7).map(|p| [p[0] >> 2, p[1] >> 2, p[2] >> 2]).collect();
    assert!(distinct.len() > 200, "not blank: {} colours", distinct.len());
}

/// The vista behind the title (the flyover over the valley): forests of dark green trees
/// stand out from the lighter grass, and the lake's water ripples (a flat sheet would be one
/// colour).
#[test]
fn the_valley_vista_has_forests_and_rippling_water() {
    let (img, _) = play_and_capture_with("vista", &["--screen", "title"], 30, &[]);
    let outside_the_panel = |x: u32, y: u32| !(450..830).contains(&x) || !(200..520).contains(&y);
    let (mut trees, mut grass, mut water) = (0, 0, Vec::new());
    for y in 120..500 {
        for x in (0..1280).filter(|&x| outside_the_panel(x, y)) {
            let [r, g, b, _] = img.get_pixel(x, y).0.map(i32::from);
            if g > r + 12 && g > b + 8 {
                if g < 125 { trees += 1 } else if g >= 140 { grass += 1 }
            }
            if b > r + 15 && b > g + 5 && r < 170 && y > 200 {
                water.push(b as f32);
            }
        }
    }
    let mean = water.iter().sum::<f32>() / water.len().max(1) as f32;
    let sd = (water.iter().map(|b| (b - mean).powi(2)).sum::<f32>() / water.len().max(1) as f32).sqrt();
    eprintln!("vista: {trees} tree pixels, {grass} grass pixels, {} water pixels (blue {mean:.0} ± {sd:.1})", water.len());
    assert!(trees > 2000, "forests in the valley: {trees} dark green pixels");
    assert!(grass > trees, "and more grass round them: {grass}");
    assert!(water.len() > 4000, "the lake: {} water pixels", water.len());
    assert!(sd > 3.5, "the water ripples: its blue varies by {sd:.1}");
}

/// The second level, on a touch screen: the on-screen buttons are drawn.
#[test]
fn a_second_level_renders_too_with_touch_buttons() {
    let level = concat!(env!("CARGO_MANIFEST_DIR"), "/levels/quarry.ron");
    // 40 frames: egui's pipelines, like the scene's, compile in the background first.
    let (img, _) = play_and_capture_with("quarry", &["--level", level], 40, &[("HORIZON_TOUCH_BUTTONS", "1")]);
    for (what, x0, x1, y0, y1) in [("go and brake", 1070, 1240, 610, 680), ("steering", 30, 210, 480, 560)] {
        let c = mean_color_rect(&img, x0, x1, y0, y1);
        // The theme's night-blue buttons, not the valley's green behind them.
        assert!(c.iter().all(|v| *v < 110.0) && c[2] > c[0] + 15.0 && c[2] > c[1] + 10.0, "the blue {what} buttons are there: {c:?}");
    }
    let distinct: std::collections::HashSet<[u8; 3]> = img.pixels().step_by(7).map(|p| [p[0] >> 2, p[1] >> 2, p[2] >> 2]).collect();
    assert!(distinct.len() > 100, "only {} distinct colours", distinct.len());
}

/// Each screen over the valley: a dark window in the middle, text on it, and the valley
/// still visible around it.
fn screen_shot(name: &str) -> image::RgbaImage {
    let (img, painted) = play_and_capture_with(name, &["--screen", name], 40, &[]);
    assert_shows_only(name, &painted, (200.0, 1080.0, 100.0, 650.0));
    let panel = mean_color_rect(&img, 300, 980, 200, 560);
    assert!(panel.iter().all(|c| *c < 90.0), "the {name} window covers the middle: {panel:?}");
    // Text: bright pixels inside the window.
    let bright = (200..560).flat_map(|y| (300..980).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y)[0] > 150).count();
    assert!(bright > 1500, "the {name} window has text on it: {bright} bright pixels");
    let sky = mean_color_rect(&img, 560, 900, 0, 20);
    assert!(sky[2] > sky[0] + 20.0, "the valley's sky shows above it: {sky:?}");
    img
}

#[test]
fn the_twin_screen_renders() {
    screen_shot("twin");
}

#[test]
fn the_garage_screen_renders() {
    screen_shot("garage");
}

#[test]
fn the_blind_box_screen_renders() {
    let img = screen_shot("box");
    // The purple box is drawn in the right half.
    let purple = (200..560).flat_map(|y| (660..980).map(move |x| (x, y))).filter(|&(x, y)| {
        let p = img.get_pixel(x, y);
        p[2] > 120 && p[0] > 70 && p[1] < 100
    });
    assert!(purple.count() > 2000, "the box is drawn");
}

#[test]
fn the_ledger_screen_renders() {
    screen_shot("ledger");
}

#[test]
fn the_profile_screen_renders() {
    screen_shot("profile");
}

#[test]
fn the_shop_screen_renders() {
    // The merch grid makes this window wider than the others.
    let (_, painted) = play_and_capture_with("shop", &["--screen", "shop"], 40, &[]);
    assert_shows_only("shop", &painted, (100.0, 1180.0, 100.0, 680.0));
}

/// The show machine in attract mode (`horizon kiosk`, in a 1280×720 window): the call to
/// drive in Chinese and English over the lower middle, the show's name, the valley's
/// figures, no player HUD, the valley behind.
#[test]
fn the_kiosk_attract_mode_invites_visitors_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("show.ron");
    std::fs::write(&config, "(display: Windowed(1280, 720), branding: \"Auto Shanghai 2027 · 上海车展\")").unwrap();
    // This morning's fastest visitor, as an earlier run of the show left the board.
    let today = horizon::telemetry::LocalZone::system().date_and_clock(horizon::valley::embedded::system_clock()).0;
    let mut board = horizon::kiosk::best_laps::BestLaps::default();
    board.record(horizon::kiosk::best_laps::ShowLap { route: "lakeside".into(), ms: 52_340, visitor: "1a2b3c4d".into(), clock: "10:17".into() }, &today);
    std::fs::create_dir_all(dir.path().join("kiosk")).unwrap();
    std::fs::write(horizon::game::kiosk::visitors::best_laps_file(dir.path()), board.to_json()).unwrap();
    let shot = screenshot_dir().join("kiosk-attract.png");
    let _ = std::fs::remove_file(&shot);
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x720x24", env!("CARGO_BIN_EXE_horizon"), "--data-dir", dir.path().to_str().unwrap(), "kiosk", "--config", config.to_str().unwrap()])
        .args(["--frames", "40", "--screenshot", shot.to_str().unwrap()])
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the kiosk failed: {}", log.lines().rev().take(30).collect::<Vec<_>>().join("\n"));
    assert!(!log.contains("no Chinese font found"), "the Chinese font is there (fonts-noto-cjk)");
    eprintln!("screenshot: {}", shot.display());
    let img = image::open(&shot).unwrap().to_rgba8();
    let painted = std::fs::read_to_string(shot.with_extension("txt")).unwrap();
    for words in ["触摸、按键或扣动扳机，开始驾驶", "Touch, press or pull a trigger to drive", "Auto Shanghai 2027 · 上海车展", "stones mined today", "今日访客", "今日最佳圈速 · Best laps today", "Lakeside loop", "1.  0:52.3  1a2b3c4d  10:17"] {
        assert!(painted.contains(words), "attract paints {words:?}: {painted}");
    }
    for hud in ["km/h", "Tasks", "Twin", "Garage"] {
        assert!(!painted.lines().any(|l| l.split_once(' ').and_then(|(_, r)| r.split_once(' ')).is_some_and(|(_, t)| t.contains(hud))), "no player HUD in attract: {hud:?} in {painted}");
    }
    let call = painted.lines().find(|l| l.contains("Touch, press")).unwrap();
    let y: f32 = call.split(' ').nth(1).unwrap().parse().unwrap();
    assert!((400.0..700.0).contains(&y), "the call to drive sits low: {call}");
    // Gold letters: bright, much redder than blue, in the lower middle.
    let gold = (400..700).flat_map(|y| (200..1080).map(move |x| (x, y))).filter(|&(x, y)| {
        let p = img.get_pixel(x, y);
        p[0] > 200 && i32::from(p[0]) - i32::from(p[2]) > 80
    });
    assert!(gold.count() > 2000, "the call to drive is written in gold");
    let sky = mean_color(&img, 0, 20);
    assert!(sky[2] > sky[0] + 30.0, "the valley's sky: {sky:?}");
}

/// A display of our own for tests that need the kiosk's process itself (xvfb-run would stand
/// between): Xvfb on the first free display number.
struct OwnDisplay {
    server: std::process::Child,
    name: String,
}

impl OwnDisplay {
    fn start() -> OwnDisplay {
        // Tests run at once: each takes its own numbers to try (by process and by a count).
        static TAKEN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let first = 100 + (std::process::id() % 50) * 8 + TAKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % 8;
        let n = (0..40).map(|k| first + k * 400).find(|n| !std::path::Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !std::path::Path::new(&format!("/tmp/.X{n}-lock")).exists()).unwrap();
        let name = format!(":{n}");
        let server = Command::new("Xvfb").args([name.as_str(), "-screen", "0", "1280x720x24", "-nolisten", "tcp"]).stderr(std::process::Stdio::null()).spawn().expect("Xvfb (scripts/setup-debian.sh --render)");
        let socket = format!("/tmp/.X11-unix/X{n}");
        let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !std::path::Path::new(&socket).exists() {
            assert!(std::time::Instant::now() < until, "Xvfb did not start on {name}");
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        OwnDisplay { server, name }
    }
}

impl Drop for OwnDisplay {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Waits for a supervisor message containing `what` on `socket`; returns all it received.
fn hear(socket: &std::os::unix::net::UnixDatagram, what: &str, within: std::time::Duration, kiosk: &mut std::process::Child) -> Vec<String> {
    let until = std::time::Instant::now() + within;
    let mut heard = Vec::new();
    let mut buf = [0u8; 4096];
    socket.set_read_timeout(Some(std::time::Duration::from_millis(200))).unwrap();
    loop {
        if let Ok(n) = socket.recv(&mut buf) {
            heard.push(String::from_utf8_lossy(&buf[..n]).to_string());
            if heard.last().unwrap().contains(what) {
                return heard;
            }
        }
        if let Ok(Some(status)) = kiosk.try_wait() {
            panic!("the kiosk exited ({status}) before saying {what:?}; it said {heard:?}");
        }
        assert!(std::time::Instant::now() < until, "no {what:?} from the kiosk within {within:?}; it said {heard:?}");
    }
}

/// Waits for `child` to end by itself; fails saying `otherwise` if it runs on past `within`.
fn exit_within(child: &mut std::process::Child, within: std::time::Duration, otherwise: &str) -> std::process::ExitStatus {
    let until = std::time::Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(std::time::Instant::now() < until, "{otherwise}");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// The kiosk under a supervisor (this test, standing in for systemd's notify socket): it says
/// READY=1 in attract mode and feeds the watchdog; killed with SIGKILL and started again, as
/// `Restart=always` does, it is back in attract within 5 s on the same valley. A lost render
/// device (destroyed as a driver reset would) ends it with a failure, never a frozen screen
/// that feeds the watchdog, and it is back in attract within 5 s of that too.
#[test]
fn a_killed_kiosk_is_back_in_attract_within_five_seconds() {
    let display = OwnDisplay::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("show.ron");
    std::fs::write(&config, "(display: Windowed(1280, 720))").unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    let data = dir.path().join("data");
    let start_with = |env: &[(&str, &str)]| {
        Command::new(env!("CARGO_BIN_EXE_horizon"))
            .args(["--data-dir", data.to_str().unwrap(), "kiosk", "--config", config.to_str().unwrap()])
            .envs(env.iter().copied())
            .env("DISPLAY", &display.name)
            .env("WGPU_BACKEND", "vulkan")
            .env("NOTIFY_SOCKET", &socket_path)
            .env("WATCHDOG_USEC", "2000000")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let start = || start_with(&[]);
    let mut kiosk = start();
    // The first start compiles the shaders into Mesa's cache.
    let heard = hear(&socket, "READY=1", std::time::Duration::from_secs(120), &mut kiosk);
    assert!(heard.concat().contains("STATUS=attract"), "{heard:?}");
    let fed = hear(&socket, "WATCHDOG=1", std::time::Duration::from_secs(10), &mut kiosk);
    eprintln!("the kiosk said {heard:?}, then {fed:?}");
    assert!(data.join("ledger").is_dir(), "the kiosk's valley is on disk");

    kiosk.kill().unwrap(); // SIGKILL
    kiosk.wait().unwrap();
    let killed = std::time::Instant::now();
    let mut again = start();
    hear(&socket, "READY=1", std::time::Duration::from_secs(30), &mut again);
    let back = killed.elapsed();
    eprintln!("back in attract {:.2} s after SIGKILL", back.as_secs_f64());
    hear(&socket, "WATCHDOG=1", std::time::Duration::from_secs(10), &mut again);
    again.kill().unwrap();
    again.wait().unwrap();
    assert!(back < std::time::Duration::from_secs(5), "back in attract after {back:?}");

    let mut losing = start_with(&[(horizon::game::kiosk::LOSE_DEVICE_ENV, "30")]);
    hear(&socket, "READY=1", std::time::Duration::from_secs(30), &mut losing);
    // Software rendering draws about a frame a second here.
    let status = exit_within(&mut losing, std::time::Duration::from_secs(300), "the kiosk ran on for 5 min after losing its render device at frame 30");
    let lost = std::time::Instant::now();
    assert!(!status.success(), "a lost render device ends the kiosk as a failure for the supervisor: {status}");
    let mut recovered = start();
    hear(&socket, "READY=1", std::time::Duration::from_secs(30), &mut recovered);
    let back = lost.elapsed();
    eprintln!("back in attract {:.2} s after the render device was lost ({status})", back.as_secs_f64());
    recovered.kill().unwrap();
    recovered.wait().unwrap();
    assert!(back < std::time::Duration::from_secs(5), "back in attract {back:?} after the device was lost");
}

/// A visitor presses W at the kiosk (xdotool, on a display of the test's own): the show's
/// overlays give way to the player's HUD and the time left, and the car is theirs. The test
/// stops reading the notify socket meanwhile: the kiosk must not wait on its supervisor.
#[test]
fn a_visitor_pressing_a_key_at_the_kiosk_gets_the_hud_and_the_time_left() {
    let display = OwnDisplay::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("show.ron");
    std::fs::write(&config, "(display: Windowed(1280, 720))").unwrap();
    let socket_path = dir.path().join("notify.sock");
    let socket = std::os::unix::net::UnixDatagram::bind(&socket_path).unwrap();
    let shot = screenshot_dir().join("kiosk-visitor.png");
    let _ = std::fs::remove_file(&shot);
    let mut kiosk = Command::new(env!("CARGO_BIN_EXE_horizon"))
        .args(["--data-dir", dir.path().join("data").to_str().unwrap(), "kiosk", "--config", config.to_str().unwrap()])
        .args(["--frames", "60", "--screenshot", shot.to_str().unwrap()])
        .env("DISPLAY", &display.name)
        .env("WGPU_BACKEND", "vulkan")
        .env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    hear(&socket, "READY=1", std::time::Duration::from_secs(120), &mut kiosk);
    let xdotool = |args: &[&str]| {
        let out = Command::new("xdotool").args(args).env("DISPLAY", &display.name).output().expect("xdotool (scripts/setup-debian.sh --render)");
        assert!(out.status.success(), "xdotool {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    xdotool(&["search", "--name", "Crypto Horizon", "windowfocus", "--sync", "keydown", "w"]);
    let heard = hear(&socket, "STATUS=visitor 1 driving", std::time::Duration::from_secs(30), &mut kiosk);
    eprintln!("the kiosk said {heard:?}");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(240);
    let status = loop {
        if let Some(status) = kiosk.try_wait().unwrap() {
            break status;
        }
        if std::time::Instant::now() > until {
            let _ = kiosk.kill();
            panic!("the kiosk stopped drawing while its supervisor was not reading");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    xdotool(&["keyup", "w"]);
    assert!(status.success(), "the kiosk ran its frames: {status}");
    let painted = std::fs::read_to_string(shot.with_extension("txt")).unwrap();
    eprintln!("screenshot: {}", shot.display());
    assert!(painted.contains("km/h") && painted.contains("Tasks"), "the visitor has the HUD: {painted}");
    assert!(painted.contains("剩余") && painted.contains("left"), "and the time left: {painted}");
    assert!(!painted.contains("Touch, press"), "the call to drive is gone: {painted}");
    let img = image::open(&shot).unwrap().to_rgba8();
    let car = mean_color_rect(&img, 560, 720, 420, 540);
    assert!(car[2] > car[1], "the visitor's blue car is in the chase camera's view: {car:?}");
}

/// The seconds of media an HLS playlist lists (the sum of its segments' #EXTINF).
fn listed_seconds(playlist: &std::path::Path) -> f64 {
    std::fs::read_to_string(playlist).unwrap_or_default().lines().filter_map(|l| l.strip_prefix("#EXTINF:")).filter_map(|d| d.trim_end_matches(',').split(',').next()?.parse::<f64>().ok()).sum()
}

/// The show's program feed as HLS, from the real renderer (lavapipe) at 640×360: ten
/// seconds and more of H.264 that `ffprobe` reads back at the size asked, frames that
/// change (the valley moves), a picture that is not black; stopped as systemd stops it
/// (SIGTERM), the kiosk has ffmpeg write the playlist's end.
#[test]
fn the_kiosk_streams_its_program_feed_as_hls_that_ffprobe_reads() {
    let display = OwnDisplay::start();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("show.ron");
    std::fs::write(&config, "(\n  display: Windowed(640, 360),\n  quality: Low,\n  stream: Some((to: Hls(\"feed\"), size: (640, 360), fps: 30)),\n)\n").unwrap();
    let data = dir.path().join("data");
    let log = std::fs::File::create(dir.path().join("kiosk.log")).unwrap();
    let mut kiosk = Command::new(env!("CARGO_BIN_EXE_horizon"))
        .args(["--data-dir", data.to_str().unwrap(), "kiosk", "--config", config.to_str().unwrap()])
        .env("DISPLAY", &display.name)
        .env("WGPU_BACKEND", "vulkan")
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    let said = || std::fs::read_to_string(dir.path().join("kiosk.log")).unwrap_or_default().lines().rev().take(30).collect::<Vec<_>>().join("\n");
    let playlist = data.join("feed").join("stream.m3u8");
    let until = std::time::Instant::now() + std::time::Duration::from_secs(300);
    while listed_seconds(&playlist) < 10.5 {
        if let Some(status) = kiosk.try_wait().unwrap() {
            panic!("the kiosk exited ({status}) before streaming 10 s: {}", said());
        }
        if std::time::Instant::now() > until {
            let _ = kiosk.kill();
            panic!("no 10 s of stream within 5 minutes ({:.1} s listed): {}", listed_seconds(&playlist), said());
        }
        std::thread::sleep(std::time::Duration::from_millis(250));
    }
    unsafe { libc::kill(kiosk.id() as i32, libc::SIGTERM) };
    let status = exit_within(&mut kiosk, std::time::Duration::from_secs(60), "the kiosk did not end within 60 s of SIGTERM");
    eprintln!("the kiosk ended ({status}) after SIGTERM: {}", said());
    let listed = std::fs::read_to_string(&playlist).unwrap();
    assert!(listed.contains("#EXT-X-ENDLIST"), "ffmpeg wrote the playlist's end:\n{listed}");

    let probe = Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height:format=duration", "-of", "default=noprint_wrappers=1"])
        .arg(&playlist)
        .output()
        .expect("ffprobe (scripts/setup-debian.sh --render)");
    let probed = String::from_utf8_lossy(&probe.stdout).to_string();
    eprintln!("ffprobe: {probed}");
    let field = |name: &str| probed.lines().find_map(|l| l.strip_prefix(&format!("{name}="))).unwrap_or_else(|| panic!("ffprobe says no {name}: {probed}")).to_string();
    assert_eq!((field("codec_name").as_str(), field("width").as_str(), field("height").as_str()), ("h264", "640", "360"));
    let duration: f64 = field("duration").parse().unwrap();
    assert!(duration >= 9.0, "{duration} s of stream");

    // Every frame's checksum: the valley moves, so many differ.
    let frames = Command::new("ffmpeg").args(["-v", "error", "-i"]).arg(&playlist).args(["-f", "framemd5", "-"]).output().unwrap();
    let sums: std::collections::HashSet<String> = String::from_utf8_lossy(&frames.stdout).lines().filter(|l| !l.starts_with('#')).filter_map(|l| l.rsplit(',').next().map(|s| s.trim().to_string())).collect();
    eprintln!("{} different frames in {duration:.1} s", sums.len());
    assert!(sums.len() >= 5, "only {} different frames: the feed is frozen", sums.len());

    // A frame from the middle: the valley under the sky, not black, not one colour.
    let still = screenshot_dir().join("kiosk-stream.png");
    let _ = std::fs::remove_file(&still);
    let out = Command::new("ffmpeg").args(["-v", "error", "-sseof", "-4", "-i"]).arg(&playlist).args(["-frames:v", "1", "-y"]).arg(&still).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    eprintln!("a frame of the stream: {}", still.display());
    let img = image::open(&still).unwrap().to_rgba8();
    assert_eq!(img.dimensions(), (640, 360));
    let luma: Vec<f64> = img.pixels().map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2])).collect();
    let mean = luma.iter().sum::<f64>() / luma.len() as f64;
    let spread = (luma.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / luma.len() as f64).sqrt();
    assert!(mean > 40.0, "the stream is not black: mean luma {mean:.0}");
    assert!(spread > 12.0, "the stream shows a scene, not one colour: luma spread {spread:.1}");
}

/// A twin card made in the game as the shop's button makes it (`--keepsake twin-card` after
/// the frames): the shop closes, the HUD hides, and the card's picture is the valley the
/// player sees, sky above land; the PNG verifies offline with the key the game names.
#[test]
fn a_twin_card_made_in_the_game_shows_the_valley_and_verifies() {
    use horizon::keepsake::twin_card_image::PICTURE_BOX;
    let data = tempfile::tempdir().unwrap();
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x720x24", env!("CARGO_BIN_EXE_horizon"), "--data-dir", data.path().to_str().unwrap(), "play"])
        .args(["--screen", "shop", "--frames", "20", "--keepsake", "twin-card"])
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the game failed: {said}{}", log.lines().rev().take(30).collect::<Vec<_>>().join("\n"));
    let line = said.lines().find(|l| l.starts_with("keepsake: ")).unwrap_or_else(|| panic!("the game says where the card went: {said}"));
    let cards: Vec<_> = std::fs::read_dir(data.path().join("keepsakes")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(cards.len(), 1, "{cards:?}");
    let card = &cards[0];
    assert!(card.file_name().unwrap().to_str().unwrap().starts_with("twin-card-") && line.contains(card.to_str().unwrap()), "{line}");
    std::fs::copy(card, screenshot_dir().join("twin-card-from-the-game.png")).unwrap();

    let img = image::open(card).unwrap().to_rgba8();
    assert_eq!(img.dimensions(), (900, 1260));
    let (x, y, w, h) = PICTURE_BOX;
    let sky = mean_color_rect(&img, x, x + w, y + 4, y + h / 6);
    let land = mean_color_rect(&img, x, x + w, y + h * 5 / 6, y + h - 4);
    eprintln!("card picture: sky {sky:?}, land {land:?}");
    assert!(sky[2] > sky[0] + 25.0, "the picture's top is the sky: {sky:?}");
    assert!(land[1] > land[2] + 10.0, "the picture's bottom is the valley's land: {land:?}");
    // Not the drawn stand-in, which has a night-blue sky; and the shop's dark window is gone.
    assert!(sky.iter().sum::<f32>() / 3.0 > 120.0, "a daylight sky, not the shop's window or the drawn car: {sky:?}");

    let key = line.split("--key '").nth(1).and_then(|k| k.split('\'').next()).unwrap_or_else(|| panic!("the game names the key: {line}"));
    let verified = Command::new(env!("CARGO_BIN_EXE_horizon")).args(["card", "verify", card.to_str().unwrap(), "--key", key]).output().unwrap();
    let text = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success() && text.contains("OK: the twin card of \"Driver\""), "{text}");
}

/// Counts the pixels of a rectangle (x0..x1, y0..y1) that `test` accepts.
fn count_pixels(img: &image::RgbaImage, (x0, x1, y0, y1): (u32, u32, u32, u32), test: impl Fn([u8; 3]) -> bool) -> usize {
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| {
        let p = img.get_pixel(x, y);
        test([p[0], p[1], p[2]])
    }).count()
}

/// Photo mode's close-up of the twin (issue 15): a painted body, dark glass and tyres, and
/// the front light bar glowing white, in the middle of the frame, with the HUD gone.
#[test]
fn photo_mode_shows_the_twin_close_up_with_paint_glass_wheels_and_its_light_bar() {
    let (img, painted) = play_and_capture_with("photo-car", &["--screen", "photo"], 40, &[]);
    assert!(painted.iter().any(|p| p.text.contains("Photo mode") && p.y > 650.0), "photo mode's hint line is at the bottom");
    for word in ["km/h", "Tasks", "1 Twin"] {
        assert!(!painted.iter().any(|p| p.text.contains(word)), "photo mode hides the HUD, yet {word:?} is painted");
    }
    let middle = (420, 900, 380, 640);
    // The brand's blue paint, far bluer than the grass and the sky's haze.
    let paint = |[r, g, b]: [u8; 3]| i32::from(b) > i32::from(r) + 45 && i32::from(b) > i32::from(g) + 25;
    let body = count_pixels(&img, middle, paint);
    // Grey and dark (grass, even in shade, is green; the sky is blue).
    let dark = count_pixels(&img, middle, |c| c.iter().all(|&v| v < 115) && c.iter().max().unwrap() - c.iter().min().unwrap() < 28);
    let bar = count_pixels(&img, (640, 900, 480, 600), |c| c.iter().all(|&v| v > 205));
    eprintln!("close-up: {body} paint, {dark} dark, {bar} light-bar pixels");
    assert!(body > 20_000, "the car's painted body fills the middle of the close-up: {body} blue pixels");
    let left = count_pixels(&img, (0, 300, 380, 640), paint);
    assert!(left < 500, "and only the middle: {left} blue pixels at the left");
    // Glass, tyres and cladding.
    assert!(dark > 12_000, "dark glass, tyres and cladding show: {dark} pixels");
    // The light bar across the nose: near white, low on the car's front (bottom right).
    assert!(bar > 150, "the front light bar glows: {bar} white pixels");
}

/// Bright (text) pixels in a box of the screenshot.
fn ink(img: &image::RgbaImage, x0: u32, x1: u32, y0: u32, y1: u32) -> usize {
    (y0..y1).flat_map(|y| (x0..x1).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y).0[..3].iter().all(|c| *c > 170)).count()
}

/// `--lang zh-CN`: the title says 密境时空 and 原石谷 in the panel, drawn with the bundled
/// font (strokes, not empty boxes: a Chinese heading has ink across its whole width), and
/// none of the English title's words.
#[test]
fn the_title_screen_speaks_chinese_with_lang_zh_cn() {
    let (img, painted) = play_and_capture_with("title-zh", &["--screen", "title", "--lang", "zh-CN"], 30, &[]);
    let all: Vec<&str> = painted.iter().map(|p| p.text.as_str()).collect();
    for word in ["密境时空", "原石谷", "开始驾驶", "语言"] {
        assert!(painted.iter().any(|p| p.text.contains(word) && (200.0..1080.0).contains(&p.x) && (100.0..650.0).contains(&p.y)), "the title paints {word:?} in its panel: {all:?}");
    }
    for word in ["CRYPTO HORIZON", "the Stone Valley", "Play", "real km", "stones"] {
        assert!(!painted.iter().any(|p| p.text.contains(word)), "no English {word:?} on the Chinese title: {all:?}");
    }
    let heading = painted.iter().find(|p| p.text == "密境时空").expect("the heading alone");
    // A centred heading is placed by its middle; four characters of 36 px, each with strokes.
    let (x, y) = (heading.x as u32 - 72, heading.y as u32);
    for quarter in 0..4 {
        let ink = ink(&img, x + quarter * 36, x + quarter * 36 + 36, y, y + 44);
        assert!(ink > 120, "character {} of the heading is drawn: {ink} bright pixels", quarter + 1);
    }
}

/// The garage in Chinese: its title, its sections and the signing note, and no English.
#[test]
fn the_garage_screen_speaks_chinese_with_lang_zh_cn() {
    let (img, painted) = play_and_capture_with("garage-zh", &["--screen", "garage", "--lang", "zh-CN"], 40, &[]);
    let all: Vec<&str> = painted.iter().map(|p| p.text.as_str()).collect();
    for word in ["车库", "零部件", "每笔购买都由你的密钥签名并写入账本", "原石"] {
        assert!(painted.iter().any(|p| p.text.contains(word)), "the garage paints {word:?}: {all:?}");
    }
    for word in ["Garage", "Parts", "Buy", "every purchase is signed", "stones"] {
        assert!(!painted.iter().any(|p| p.text.contains(word)), "no English {word:?} in the Chinese garage: {all:?}");
    }
    let text = (200..560).flat_map(|y| (300..980).map(move |x| (x, y))).filter(|&(x, y)| img.get_pixel(x, y)[0] > 150).count();
    assert!(text > 1500, "the garage's window has text on it: {text} bright pixels");
}
