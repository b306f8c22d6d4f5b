//! A process appending to the ledger is killed with SIGKILL at random moments, 200 times;
//! after each kill the ledger opens, verifies, and holds every entry whose checkpoint was
//! written (and exactly the content that was appended).

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use horizon::ledger::verify::verify_ledger;
use horizon::ledger::{Body, Ledger, Role};
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

use crate::support::{T0, log_key, player_key};

const CHILD_ENV: &str = "HORIZON_CRASH_TEST_DIR";
const KILLS: usize = 200;

/// The player enrolled by entry `index`: lets the parent check every entry's content.
fn enrolment(index: u64) -> Body {
    let mut seed = [0u8; 32];
    seed[..8].copy_from_slice(&index.to_be_bytes());
    let player = horizon::ledger::NamedKey::from_seed("player", seed).unwrap().public_key();
    Body::Enrol { player, role: Role::Guest, name: format!("driver-{index}") }
}

/// The child: appends batches of 1–5 enrolments until killed, reporting each committed size.
/// Does nothing unless started by `appends_survive_sigkill`.
#[test]
#[ignore = "child process of appends_survive_sigkill"]
fn crash_child_appends_until_killed() {
    let Ok(dir) = std::env::var(CHILD_ENV) else { return };
    let (mut ledger, _) = Ledger::open(dir.as_ref(), Some(log_key()), None).expect("child opens the ledger");
    let mut out = std::io::stdout().lock();
    let started = Instant::now();
    let mut n = ledger.size();
    while started.elapsed() < Duration::from_secs(30) {
        let batch: Vec<_> = (0..1 + n % 5)
            .map(|i| {
                let body = enrolment(ledger.size() + i);
                let nonce = ledger.state().next_nonce(&ledger.authority()) + i;
                horizon::ledger::Entry::sign(body, &log_key().signing_key, nonce, T0 + n + i).unwrap()
            })
            .collect();
        ledger.append(&batch).expect("append");
        n = ledger.size();
        writeln!(out, "committed {n}").unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn appends_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut ledger = Ledger::create(dir.path(), log_key(), T0).unwrap();
        let enrol = ledger
            .sign_as_authority(Body::Enrol { player: player_key(1).public_key(), role: Role::Guest, name: "kim".into() }, T0)
            .unwrap();
        ledger.append(&[enrol]).unwrap();
    }
    let mut rng = ChaCha8Rng::seed_from_u64(42);
    let (mut recovered, mut torn) = (0u64, 0u64);
    let mut committed = 2u64;
    for round in 0..KILLS {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash::crash_child_appends_until_killed", "--include-ignored", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(n) = line.strip_prefix("committed ") {
                    let _ = tx.send(n.parse::<u64>().unwrap());
                }
            }
        });
        // Kill while it appends: after its first commit, at a random moment.
        let first = rx.recv_timeout(Duration::from_secs(20)).expect("child commits");
        std::thread::sleep(Duration::from_micros(rng.next_u64() % 15_000));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        reader.join().unwrap();
        committed = rx.try_iter().last().unwrap_or(first).max(committed);

        let (ledger, report) = Ledger::open(dir.path(), Some(log_key()), None)
            .unwrap_or_else(|e| panic!("round {round}: the ledger does not open after SIGKILL: {e}"));
        recovered += report.recovered;
        torn += u64::from(report.dropped_bytes > 0);
        assert!(ledger.size() >= committed, "round {round}: {} entries, but {committed} were committed", ledger.size());
        for (index, entry) in ledger.entries().unwrap().iter().enumerate().skip(2) {
            assert_eq!(entry.body, enrolment(index as u64), "round {round}: entry {index}");
        }
        committed = ledger.size();
        drop(ledger);
        let verified = verify_ledger(dir.path(), None, &mut |_, _| {})
            .unwrap_or_else(|e| panic!("round {round}: the ledger does not verify after SIGKILL: {e}"));
        assert_eq!(verified.checkpoint.size, committed);
    }
    eprintln!("{KILLS} kills: {committed} entries, {recovered} records re-committed on open, {torn} torn tails cut");
    assert!(committed > KILLS as u64, "the child appended between kills");
}
