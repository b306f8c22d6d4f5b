//! The `horizon` command line as a user runs it.

use std::path::Path;
use std::process::{Command, Output};

fn horizon(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_horizon")).args(args).output().expect("horizon runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn keys_are_created_once_private_to_the_owner_and_never_printed() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let first = horizon(&["keys", "--data-dir", d]);
    assert!(first.status.success(), "{first:?}");
    let text = stdout(&first);
    assert!(text.contains("created a new player key"), "{text}");
    assert!(!text.contains("PRIVATE"), "the private key is never printed:\n{text}");
    let key_file = data.path().join("keys/player.key");
    let secret = std::fs::read_to_string(&key_file).unwrap();
    assert!(secret.starts_with("PRIVATE+KEY+player+"));
    let private_part = secret.trim().splitn(5, '+').nth(4).unwrap();
    assert!(private_part.len() >= 44 && !text.contains(private_part), "the private key is not in the output");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&key_file).unwrap().permissions().mode() & 0o777, 0o600);

    let second = horizon(&["keys", "--data-dir", d]);
    let again = stdout(&second);
    assert!(!again.contains("created"), "{again}");
    let public = |t: &str| t.lines().find(|l| l.starts_with("public key")).unwrap().to_string();
    assert_eq!(public(&text), public(&again), "the same key is shown again");

    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let open = horizon(&["keys", "--data-dir", d]);
    assert!(!open.status.success());
    assert!(String::from_utf8_lossy(&open.stderr).contains("chmod 600"), "{open:?}");
}

fn vkey_of(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("log.vkey")).unwrap().trim().to_string()
}

/// A fleet big enough that random 16-bit pseudonyms would repeat: every owner still gets a
/// car of their own (a car has one owner), and the ledger verifies.
#[test]
fn a_simulated_fleet_of_2000_players_enrols_and_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("fleet");
    let l = ledger.to_str().unwrap();
    let sim = horizon(&["ledger", "simulate", "--players", "2000", "--entries", "6000", "--out", l]);
    assert!(sim.status.success(), "{}", String::from_utf8_lossy(&sim.stderr));
    let verify = horizon(&["ledger", "verify", l, "--key", &vkey_of(&ledger)]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    assert!(stdout(&horizon(&["ledger", "show", l])).contains("players (2000)"));
}

#[test]
fn simulate_verify_show_prove_and_check_a_receipt() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("sim");
    let l = ledger.to_str().unwrap();
    let sim = horizon(&["ledger", "simulate", "--players", "12", "--entries", "3000", "--out", l]);
    assert!(sim.status.success(), "{sim:?}");
    let vkey = vkey_of(&ledger);

    let verify = horizon(&["ledger", "verify", l, "--key", &vkey]);
    let text = stdout(&verify);
    assert!(verify.status.success(), "{text}");
    assert!(text.starts_with("OK: 30"), "{text}");
    assert!(text.contains("(pinned)"));

    let show = horizon(&["ledger", "show", l]);
    let text = stdout(&show);
    assert!(show.status.success(), "{text}");
    for needle in ["verifier key", "mileage", "cultivation", "players (12)", "owner EV-", "guest"] {
        assert!(text.contains(needle), "show lacks {needle:?}:\n{text}");
    }

    let receipt = tmp.path().join("r.tlog-proof");
    let r = receipt.to_str().unwrap();
    let prove = horizon(&["ledger", "prove", "1234", l, "--out", r]);
    assert!(prove.status.success(), "{prove:?}");
    let text = std::fs::read_to_string(&receipt).unwrap();
    assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra "), "{text}");
    assert!(text.contains("\nindex 1234\n"));

    // Offline: the ledger is gone, only the receipt and the key remain.
    std::fs::rename(&ledger, tmp.path().join("elsewhere")).unwrap();
    let key_file = tmp.path().join("log.vkey");
    std::fs::write(&key_file, &vkey).unwrap();
    let check = horizon(&["ledger", "check-receipt", r, "--key", key_file.to_str().unwrap()]);
    let out = stdout(&check);
    assert!(check.status.success(), "{out}");
    assert!(out.starts_with("OK: entry 1234 is in log crypto-horizon.local/simulated-valley"), "{out}");

    let forged = text.replace("\nindex 1234\n", "\nindex 1235\n");
    std::fs::write(&receipt, forged).unwrap();
    let check = horizon(&["ledger", "check-receipt", r, "--key", &vkey]);
    assert_eq!(check.status.code(), Some(1));
    assert!(stdout(&check).contains("FAILED: entry 1235 is not in the checkpointed tree"), "{}", stdout(&check));
}

#[test]
fn verify_fails_with_the_first_bad_entry_and_a_nonzero_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let ledger = tmp.path().join("sim");
    let l = ledger.to_str().unwrap();
    assert!(horizon(&["ledger", "simulate", "--players", "3", "--entries", "200", "--out", l]).status.success());
    // Flip one byte inside the signature of the 101st record.
    let log = ledger.join("entries.log");
    let mut bytes = std::fs::read(&log).unwrap();
    let records = crate::support::split_records(&bytes);
    let offset: usize = 16 + records[..100].iter().map(Vec::len).sum::<usize>() + records[100].len() - 5;
    bytes[offset] ^= 0x10;
    // Keep the frame's checksum right, so that only the signature can catch it.
    let body_start = 16 + records[..100].iter().map(Vec::len).sum::<usize>();
    let crc = crc32fast::hash(&bytes[body_start + 8..body_start + records[100].len()]);
    bytes[body_start + 4..body_start + 8].copy_from_slice(&crc.to_be_bytes());
    std::fs::write(&log, bytes).unwrap();
    let verify = horizon(&["ledger", "verify", l]);
    assert_eq!(verify.status.code(), Some(1));
    let text = stdout(&verify);
    assert!(text.contains("FAILED: entry 100 has an invalid signature"), "{text}");
}

#[test]
fn a_missing_ledger_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = horizon(&["ledger", "show", tmp.path().join("nothing").to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is not a ledger directory"), "{err}");
}

#[test]
fn import_prints_what_it_accepted_and_why_it_rejected_the_rest() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let file = data.path().join("trips.json");
    std::fs::write(
        &file,
        r#"{ "format": "crypto-horizon/trips@1", "vehicle": "EV-DEMO-01", "trips": [
            { "start": "2025-10-01T08:00:00Z", "end": "2025-10-01T09:00:00Z", "odometer_start_km": 13061.5, "odometer_end_km": 13121.0, "energy_kwh": 9.0 },
            { "start": "2025-10-02T08:00:00Z", "end": "2025-10-02T08:05:00Z", "odometer_start_km": 13121.0, "odometer_end_km": 13221.0, "energy_kwh": 15.0 }
        ] }"#,
    )
    .unwrap();
    let out = horizon(&["--data-dir", d, "import", file.to_str().unwrap()]);
    let text = stdout(&out);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("accepted  2025-10-01 08:00     59.5 km  60 km minable"), "{text}");
    assert!(text.contains("REJECTED  2025-10-02 08:05") || text.contains("REJECTED  2025-10-02 08:00"), "{text}");
    assert!(text.contains("faster than a car can go"), "{text}");
    assert!(text.contains("trips: 1 accepted, 1 rejected, 0 imported before; 60 km attested;"), "{text}");

    let bad = data.path().join("bad.json");
    std::fs::write(&bad, "{ \"format\": \"crypto-horizon/trips@1\",\n  \"trips\": [ }").unwrap();
    let out = horizon(&["--data-dir", d, "import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:2:", bad.display())), "names the file and line: {err}");
}

#[test]
fn economy_simulate_shows_the_caps_hold_and_early_cars_earn_more_per_km() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("econ");
    let out = horizon(&["economy", "simulate", "--cars", "300", "--days", "120", "--out", out_dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(out_dir.join("supply.csv")).unwrap();
    let rows: Vec<Vec<f64>> = csv.lines().skip(1).map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    assert_eq!(rows.len(), 120);
    for r in &rows {
        assert!(r[4] <= r[7] && r[5] <= r[8], "a pool passed its cap: {r:?}");
    }
    let last = rows.last().unwrap();
    assert!(last[3] >= 4.0, "crosses several eras: {last:?}");
    assert!(last[9] > last[10], "early cars earn more per km than late ones: {last:?}");
    let png = std::fs::read(out_dir.join("supply.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn import_dry_run_says_what_it_would_read_and_assume_and_touches_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("profile");
    let file = dir.path().join("trips.csv");
    std::fs::write(&file, "Start Time,End Time,Total Distance (mi)\n1/2/2020 9:29,1/2/2020 9:46,11.16\n1/2/2020 9:29,1/2/2020 9:46,11.16\n").unwrap();
    let text = super::support::horizon_ok(&data, &["import", "--dry-run", "--timezone", "America/New_York", file.to_str().unwrap()]);
    assert!(text.contains("read as trip export (CSV, a trip a row): 1 trip\n"), "{text}");
    assert!(text.contains("note: 1 row repeats an earlier row exactly: skipped as a duplicate"), "{text}");
    assert!(text.contains("local time in America/New_York") && text.contains("month/day/year"), "{text}");
    assert!(text.contains("1 of 1 would be accepted") && text.contains("2020-01-02 14:29") && text.contains("18.0 km"), "{text}");
    assert!(!data.exists(), "a dry run creates no profile");
}

#[test]
fn a_simulated_car_signs_local_times_in_the_zone_it_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("profile");
    let car = dir.path().join("car");
    let car = car.to_str().unwrap();
    super::support::horizon_ok(&data, &["car", "new", "--car", car, "--vehicle", "EV-TZ-1"]);
    let file = dir.path().join("trips.csv");
    std::fs::write(&file, "Start,End,Distance (km)\n2026-11-30 08:00,2026-11-30 08:30,21.5\n").unwrap();
    let out = dir.path().join("signed.json");
    let text = super::support::horizon_ok(&data, &["car", "drive", "--car", car, "--timezone", "Asia/Shanghai", "--out", out.to_str().unwrap(), file.to_str().unwrap()]);
    assert!(text.contains("note: times without an offset read as local time in Asia/Shanghai"), "{text}");
    // 08:00 in Shanghai is 00:00 UTC: the day the car signs is 2026-11-30, its start midnight.
    let signed = std::fs::read_to_string(&out).unwrap();
    let (_, trips) = horizon::telemetry::car_signed::parse_car_trips("signed.json", &signed).unwrap();
    assert_eq!(horizon::telemetry::format_time(trips[0].details.start_s as i64), "2026-11-30T00:00:00Z");
}

/// The language of the messages: `--lang` first, then the choice the game saved in the
/// profile, then the system's; what scripts read (the verdict word) is the same in each.
#[test]
fn messages_come_in_the_chosen_language_then_the_saved_one_then_the_systems() {
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let run = |args: &[&str], system: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_horizon")).args(args).env_remove("LC_ALL").env_remove("LC_MESSAGES").env("LANG", system).output().unwrap();
        assert!(out.status.success(), "{out:?}");
        stdout(&out)
    };
    let created = run(&["keys", "--data-dir", d], "zh_CN.UTF-8");
    assert!(created.contains("已创建新的玩家密钥"), "the system's Chinese: {created}");
    // The first run opens the valley (its sample car's entries), so there is a ledger.
    assert!(run(&["consent", "--data-dir", d], "zh_CN.UTF-8").contains("已授权"));
    let verified = run(&["ledger", "verify", "--data-dir", d], "zh_CN.UTF-8");
    assert!(verified.starts_with("OK: ") && verified.contains("已校验"), "{verified}");
    assert!(run(&["ledger", "verify", "--data-dir", d], "C.UTF-8").contains("entries verified in"), "English on a system of neither");

    std::fs::write(data.path().join("language"), "en").unwrap();
    assert!(run(&["ledger", "verify", "--data-dir", d], "zh_CN.UTF-8").contains("entries verified in"), "the saved choice beats the system's");
    let asked = run(&["--lang", "zh-CN", "ledger", "verify", "--data-dir", d], "en_US.UTF-8");
    assert!(asked.starts_with("OK: ") && asked.contains("已校验"), "--lang beats both: {asked}");

    let wrong = horizon(&["--lang", "fr", "keys", "--data-dir", d]);
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("unknown language 'fr': say zh-CN or en"), "{wrong:?}");
}
