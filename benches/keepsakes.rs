//! Keepsake benchmarks (numbers go into the README): drawing a twin card (900×1260) and a
//! share card (1200×630), with and without a 1280×720 picture from the game, encoding the
//! PNG with its proof, and checking a card's proof offline (`horizon card verify` without a
//! newer log). The valley is a fresh local one (the sample car's first run), its card a real
//! ledger entry with a real receipt.
//!
//! Run: `cargo bench --no-default-features --bench keepsakes`.

use std::time::Instant;

use horizon::economy::EconomyTables;
use horizon::keepsake::canvas::Fonts;
use horizon::keepsake::png_text::encode;
use horizon::keepsake::twin_card_image::{self, Picture, TwinCardView};
use horizon::keepsake::verify::check_card_png;
use horizon::keepsake::{share_card, share_card::ShareView};
use horizon::ledger::{Body, Entry};
use horizon::profile::DataDir;
use horizon::valley::embedded::{EmbeddedValley, system_clock};

const ROUNDS: u32 = 20;

/// Mean milliseconds of `f` over [`ROUNDS`] runs (after one to warm up).
fn mean_ms(mut f: impl FnMut()) -> f64 {
    f();
    let started = Instant::now();
    for _ in 0..ROUNDS {
        f();
    }
    started.elapsed().as_secs_f64() * 1000.0 / f64::from(ROUNDS)
}

fn main() {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let data = DataDir(tmp.path().to_path_buf());
    let (mut valley, player) = EmbeddedValley::open_with_player(&data, system_clock).expect("a local valley");
    let me = player.public_key();
    let index = valley.issue_card_now(&me).expect("a twin card");
    let receipt = valley.ledger().receipt(index).expect("the card's receipt");
    let entry = Entry::from_bytes(&receipt.entry_bytes).expect("the card's entry");
    let Body::TwinCard(card) = &entry.body else { panic!("entry {index} is no twin card") };
    let text = receipt.to_text();
    let origin = valley.ledger().state().origin.clone();
    let key = valley.ledger().verifier_key().clone();

    let cjk = horizon::platform::cjk_font::read_cjk_font().and_then(Result::ok);
    let fonts = Fonts::new(cjk.as_ref().map(|(bytes, face)| (bytes.as_slice(), *face)));
    // A screenshot-sized picture: a gradient, so the PNG encoder has real work.
    let (pw, ph) = (1280u32, 720u32);
    let picture: Vec<u8> = (0..pw * ph).flat_map(|i| [(i % pw * 255 / pw) as u8, (i / pw * 255 / ph) as u8, 160, 255]).collect();
    let picture = Picture { rgba: &picture, width: pw, height: ph };

    println!("## Keepsake benchmarks (mean of {ROUNDS}; fonts: {})\n", if fonts.has_cjk() { "Noto CJK + DejaVu" } else { "DejaVu only" });
    println!("| step | time |");
    println!("|---|---|");
    for (name, pic) in [("without a picture", None), ("with a 1280×720 picture", Some(picture))] {
        let view = TwinCardView { card, index, issued_ms: entry.time_ms, origin: &origin, receipt: &text, picture: pic };
        let draw = mean_ms(|| drop(std::hint::black_box(twin_card_image::render(&view, &fonts, EconomyTables::bundled()))));
        println!("| draw a twin card {name} | {draw:.1} ms |");
    }
    let view = TwinCardView { card, index, issued_ms: entry.time_ms, origin: &origin, receipt: &text, picture: Some(picture) };
    let canvas = twin_card_image::render(&view, &fonts, EconomyTables::bundled());
    let mut png = Vec::new();
    let encode_ms = mean_ms(|| png = encode(&canvas, &text, &twin_card_image::description(&view)));
    println!("| encode its PNG with the proof | {encode_ms:.1} ms ({:.0} KB) |", png.len() as f64 / 1000.0);
    let check = mean_ms(|| drop(std::hint::black_box(check_card_png(&png, &key).expect("the card verifies"))));
    println!("| verify the card offline (decode, receipt, signatures, inclusion) | {check:.1} ms |");

    let p = valley.ledger().state().player(&me).expect("the player").clone();
    let upgrades: Vec<String> = p.items.iter().cloned().collect();
    let share = ShareView {
        name: &p.name,
        level: 1,
        stones_milli: p.stones_milli,
        km: p.km_attested,
        upgrades: &upgrades,
        best_lap: Some(("lakeside", 54_321)),
        receipt: &text,
        receipt_index: index,
        picture: Some(picture),
    };
    let draw = mean_ms(|| drop(std::hint::black_box(share_card::render(&share, &fonts))));
    println!("| draw a share card with a picture | {draw:.1} ms |");
}
