//! Every decoder of outside input, fed random and mutated bytes (property tests): entries,
//! the server's wire JSON, tile paths, checkpoints, verifier keys, receipts, trip files (JSON,
//! GPX, CSV). Each must answer Ok or a clear error, never panic.

use proptest::prelude::*;

use horizon::ledger::checkpoint::verify_checkpoint;
use horizon::ledger::{Body, Entry, NamedKey, Receipt, Scope, VerifierKey};
use horizon::server::tiles::{TilePath, parse_tile_path};
use horizon::telemetry::parse_trip_file;
use horizon::valley::wire::{EnrolRequest, OpenBoxRequest, SubmitRequest, TripsRequest};

fn sample_entry() -> Vec<u8> {
    let key = NamedKey::from_seed("player", [7; 32]).unwrap();
    Entry::sign(Body::Consent { scope: Scope::Mileage, granted: true }, &key.signing_key, 3, 1_700_000_000_000).unwrap().to_bytes()
}

fn log_key() -> NamedKey {
    NamedKey::from_seed("fuzz.example/log", [9; 32]).unwrap()
}

fn sample_checkpoint() -> Vec<u8> {
    horizon::ledger::checkpoint::sign_checkpoint(&log_key(), 42, tlog_tiles::Hash([5; 32])).note
}

/// `base` with some bytes replaced, some removed and some inserted.
fn mutated(base: Vec<u8>) -> impl Strategy<Value = Vec<u8>> {
    let len = base.len().max(1);
    proptest::collection::vec((0..len, any::<u8>(), 0u8..3), 1..8).prop_map(move |edits| {
        let mut b = base.clone();
        for (at, byte, how) in edits {
            let at = at.min(b.len());
            match how {
                0 if at < b.len() => b[at] = byte,
                1 if at < b.len() => {
                    b.remove(at);
                }
                _ => b.insert(at, byte),
            }
        }
        b
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn entries_decode_or_say_why(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = Entry::from_bytes(&bytes);
    }

    #[test]
    fn mutated_entries_decode_or_say_why(bytes in mutated(sample_entry())) {
        if let Ok(entry) = Entry::from_bytes(&bytes) {
            // What decodes re-encodes to the same bytes (one canonical form), or the
            // signature no longer covers it.
            let _ = entry.to_bytes();
        }
    }

    #[test]
    fn wire_json_decodes_or_says_why(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = serde_json::from_slice::<TripsRequest>(&bytes);
        let _ = serde_json::from_slice::<EnrolRequest>(&bytes);
        let _ = serde_json::from_slice::<SubmitRequest>(&bytes);
        let _ = serde_json::from_slice::<OpenBoxRequest>(&bytes);
    }

    #[test]
    fn tile_paths_parse_or_say_why(path in "[0-9a-z./x]{0,40}") {
        if let Ok(tile) = parse_tile_path(&path) {
            // Whatever parses names a tile whose extent is computed without overflow.
            let _ = tile.leaves_needed();
        }
    }

    #[test]
    fn every_tile_path_the_standard_writes_parses_back(level in 0u8..=7, index in any::<u64>(), width in 1u32..=256) {
        let path = tlog_tiles::Tile::new(8, level, index, width, false).path();
        let rest = path.strip_prefix("tile/8/").unwrap();
        let width = if width == 256 { 256 } else { width };
        prop_assert_eq!(parse_tile_path(rest), Ok(TilePath::Hashes { level, index, width }));
    }

    #[test]
    fn checkpoints_verify_or_say_why(bytes in mutated(sample_checkpoint())) {
        let key = VerifierKey::parse(&log_key().verifier_key()).unwrap();
        if let Ok(c) = verify_checkpoint(&bytes, &key) {
            prop_assert_eq!(c.size, 42, "a mutated note that still verifies says the same");
        }
    }

    #[test]
    fn verifier_keys_parse_or_say_why(text in "\\PC{0,80}") {
        let _ = VerifierKey::parse(&text);
    }

    #[test]
    fn receipts_parse_or_say_why(text in "\\PC{0,200}") {
        let _ = Receipt::parse(&text);
    }

    #[test]
    fn trip_files_parse_or_say_why(bytes in proptest::collection::vec(any::<u8>(), 0..400), ext in prop::sample::select(vec!["a.json", "a.gpx", "a.csv", "a.txt"])) {
        let _ = parse_trip_file(ext, &bytes, "EV-FUZZ", 0.0);
    }

    #[test]
    fn mutated_gpx_parses_or_says_why(bytes in mutated(include_bytes!("../fixtures/drive.gpx")[..1500].to_vec())) {
        let _ = parse_trip_file("drive.gpx", &bytes, "EV-FUZZ", 0.0);
    }

    #[test]
    fn mutated_csv_parses_or_says_why(bytes in mutated(include_bytes!("../fixtures/trips.csv").to_vec())) {
        let _ = parse_trip_file("trips.csv", &bytes, "EV-FUZZ", 0.0);
        let _ = parse_trip_file("trips.csv", &bytes, "EV-FUZZ", f64::MAX);
    }
}

#[test]
fn the_paths_that_stopped_the_server_are_clear_errors() {
    for path in ["entries/000.p/0", "64/000", "0/000.p/256", "entries/x019/x446/x744/x073/x709/x551/615", "0/x001/x002/x003/x004/x005/x006/x007/008", "0/x000/001", "8/000", "0/00", "0/000.p/1/2", "0/000.p/01", "entries/", ""] {
        let e = parse_tile_path(path).expect_err(path);
        assert!(e.to_string().starts_with(&format!("tile path {path:?}: ")), "{e}");
    }
    // u64::MAX as an index parses, and its extent is reported as beyond any tree.
    assert_eq!(parse_tile_path("0/x001/234.p/7"), Ok(TilePath::Hashes { level: 0, index: 1234, width: 7 }));
    assert_eq!(parse_tile_path("entries/x018/x446/x744/x073/x709/x551/615").unwrap().leaves_needed(), None);
}
