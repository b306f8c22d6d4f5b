//! Economy benchmarks (numbers go into the README):
//! - mileage draws per second, against raw SHA-256 hashes per second of the same input size
//!   measured in the same run;
//! - `horizon economy simulate --cars 10000 --days 365`: wall time and peak memory (run as
//!   a child process of the release binary, so that its peak memory is its own).
//!
//! Run: `cargo bench --no-default-features --bench economy`.

use std::hint::black_box;
use std::process::Command;
use std::time::Instant;

use horizon::economy::mileage::{ERA0_STONES_PER_MILLION_KM, km_draw_hits};
use horizon::ledger::PublicKey;
use sha2::{Digest, Sha256};

const N: u64 = 5_000_000;

fn main() {
    let beacon = [7u8; 32];
    let player = PublicKey([9u8; 32]);
    let started = Instant::now();
    let mut hits = 0u64;
    for km in 0..N {
        hits += u64::from(km_draw_hits(black_box(&beacon), black_box(&player.0), km, ERA0_STONES_PER_MILLION_KM));
    }
    let draws = N as f64 / started.elapsed().as_secs_f64();

    // The same 72 bytes (beacon ‖ key ‖ km index) through SHA-256 alone.
    let mut input = [0u8; 72];
    input[..32].copy_from_slice(&beacon);
    input[32..64].copy_from_slice(&player.0);
    let started = Instant::now();
    let mut acc = 0u8;
    for km in 0..N {
        input[64..].copy_from_slice(&km.to_be_bytes());
        acc ^= Sha256::digest(black_box(&input))[0];
    }
    let raw = N as f64 / started.elapsed().as_secs_f64();
    black_box(acc);

    println!("## Economy benchmarks\n");
    println!("| measure | value |\n|---|---|");
    println!("| mileage draws ({N} km, {hits} stones) | {draws:.0} draws/s |");
    println!("| raw SHA-256 of the same 72-byte inputs | {raw:.0} hashes/s |");
    println!("| ratio | {:.2} |", draws / raw);

    // The release binary beside this bench (build it with `cargo build --release`).
    let exe = std::env::var("HORIZON_BIN").unwrap_or_else(|_| {
        let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").to_path_buf();
        target.join("release/horizon").display().to_string()
    });
    let out = tempfile::tempdir().expect("temporary directory");
    let started = Instant::now();
    let child = Command::new("/usr/bin/time")
        .args(["-f", "peak-rss-kb %M", &exe, "economy", "simulate", "--cars", "10000", "--days", "365", "--out"])
        .arg(out.path())
        .output();
    match child {
        Ok(o) if o.status.success() => {
            let secs = started.elapsed().as_secs_f64();
            let stderr = String::from_utf8_lossy(&o.stderr);
            let kb: f64 = stderr.lines().find_map(|l| l.strip_prefix("peak-rss-kb ")).and_then(|v| v.trim().parse().ok()).unwrap_or(0.0);
            println!("| `economy simulate --cars 10000 --days 365` wall time | {secs:.1} s |");
            println!("| its peak memory | {:.1} MB |", kb / 1024.0);
            for line in String::from_utf8_lossy(&o.stdout).lines().take(5) {
                println!("\n    {line}");
            }
        }
        other => println!("(economy simulate not measured: build `horizon` in release first and set HORIZON_BIN; {other:?})"),
    }
}
