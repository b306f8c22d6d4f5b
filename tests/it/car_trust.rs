//! Stones only for real cars' real kilometres, tried as an attacker against the real
//! `horizon serve` on loopback: invented, foreign, forged and tampered trips mint nothing;
//! only trusted makers' cars pair; a new binding ends the previous owner's; each car's
//! counter, odometer, window and daily cap hold across players; and no one can know a
//! trip's drops before the server has recorded it; and only a voucher's owner redeems it, once.

use std::path::Path;

use horizon::client::http::HttpValley;
use horizon::client::queue::Intent;
use horizon::economy::mileage;
use horizon::ledger::car::{CarTrip, SignedTrip, draw_seed};
use horizon::ledger::replay::DAY_MS;
use horizon::ledger::{Body, NamedKey, PublicKey, Scope};
use horizon::profile::DataDir;
use horizon::simulated_car::{SIMULATED_HISTORY_MS, SimulatedCar};
use horizon::telemetry::{TripSummary, Verdict};
use horizon::valley::embedded::system_clock;
use horizon::valley::wire::{CarTripsRequest, EnrolRequest, MAX_TRIPS_PER_REQUEST, sign_request};
use horizon::valley::{ImportReport, ValleyService};

use super::support::{Server, car_signed, paired_car, server_name};

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap()
}

/// A client of `url` enrolled (a guest, or claiming `vehicle`) with both scopes.
async fn player(dir: &Path, url: &str, seed: u8, vehicle: Option<&str>) -> (HttpValley, PublicKey) {
    let key = NamedKey::from_seed("player", [seed; 32]).unwrap();
    let me = key.public_key();
    let mut valley = HttpValley::open(&DataDir(dir.to_path_buf()), url, key, system_clock).unwrap();
    valley.sync_replica().await.unwrap();
    valley.enqueue(Intent::Enrol(EnrolRequest { name: format!("p{seed}"), vehicle: vehicle.map(str::to_string) })).unwrap();
    valley.flush().await.unwrap();
    valley.sync_replica().await.unwrap();
    for scope in [Scope::Mileage, Scope::Behaviour] {
        let e = valley.sign(Body::Consent { scope, granted: true }).unwrap();
        valley.submit(e).await.unwrap();
    }
    (valley, me)
}

/// `n` trips of `km` km each, one a day on the days before today, from `odometer` on.
fn drives(vehicle: &str, n: i64, odometer: f64, km: f64) -> Vec<TripSummary> {
    let today = (system_clock() / DAY_MS) as i64;
    (0..n)
        .map(|i| {
            let start = (today - n + i) * 86_400 + 7 * 3600;
            TripSummary {
                vehicle: vehicle.into(),
                start,
                end: start + 7200,
                odometer_start_km: odometer + km * i as f64,
                odometer_end_km: odometer + km * (i + 1) as f64,
                energy_kwh: 10.0,
                hard_brakes: 0,
                hard_accelerations: 0,
            }
        })
        .collect()
}

fn reasons(report: &ImportReport) -> Vec<String> {
    report.checked.iter().filter_map(|c| if let Verdict::Rejected { reason } = &c.verdict { Some(reason.clone()) } else { None }).collect()
}

fn stones_and_deposits(valley: &HttpValley, key: &PublicKey) -> (u64, usize) {
    let s = valley.view(key).unwrap().state;
    (s.stones_milli, s.deposits.len())
}

#[test]
fn invented_foreign_forged_and_tampered_trips_mint_nothing() {
    let server_dir = tempfile::tempdir().unwrap();
    let (ada_dir, eve_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Server::start(server_dir.path());
    rt().block_on(async {
        // The attack that took 104,959 stones: invented 400 km trips dated 1990, from an
        // identity that names a car of its own.
        let (mut eve, eve_key) = player(eve_dir.path(), &server.url, 66, Some("EV-EVE")).await;
        let invented: Vec<TripSummary> = (0..20)
            .map(|i| {
                let start = 631_152_000 + i * 86_400;
                TripSummary { vehicle: "EV-EVE".into(), start, end: start + 7200, odometer_start_km: 400.0 * i as f64, odometer_end_km: 400.0 * (i + 1) as f64, energy_kwh: 60.0, hard_brakes: 0, hard_accelerations: 0 }
            })
            .collect();
        let report = eve.import_trips(&eve_key, invented).await.unwrap();
        assert_eq!((report.attested_km, report.new_deposits.len()), (0, 0), "{report:?}");
        assert!(report.checked.iter().all(|c| matches!(&c.verdict, Verdict::Accepted { minable_km: 0, note: Some(n) } if n.contains("car-signed"))), "{report:?}");

        // A car of her own making: a maker key the server does not trust.
        let fake_maker = NamedKey::from_seed("maker", [13; 32]).unwrap().signing_key;
        let mut fake = SimulatedCar::open_or_create(&eve_dir.path().join("fake"), "EV-EVE", &fake_maker, system_clock() - SIMULATED_HISTORY_MS).unwrap();
        let pairing = fake.pair(eve_key, system_clock()).unwrap();
        let e = eve.pair(&eve_key, pairing).await.unwrap_err();
        assert!(e.to_string().contains("is not trusted by this valley"), "{e}");

        // Ada's real (demo-provisioned) car mints.
        let (mut ada, ada_key) = player(ada_dir.path(), &server.url, 65, None).await;
        let (_, pairing) = paired_car(ada_dir.path(), "EV-ADA", ada_key);
        ada.pair(&ada_key, pairing).await.unwrap();
        let signed = car_signed(ada_dir.path(), "EV-ADA", &drives("EV-ADA", 3, 1000.0, 80.0));
        let report = ada.import_car_trips(&ada_key, signed.clone()).await.unwrap();
        assert_eq!(report.attested_km, 240);
        assert!(!report.new_deposits.is_empty(), "{report:?}");

        // Eve sends Ada's car-signed trips as her own.
        let report = eve.import_car_trips(&eve_key, signed.clone()).await.unwrap();
        assert_eq!((report.attested_km, report.new_deposits.len(), report.already_imported), (0, 0, 0), "{report:?}");
        assert!(reasons(&report).iter().all(|r| r.contains("is not the bound owner of vehicle \"EV-ADA\"")), "{report:?}");

        // Ada's next trip, signed by a key that is not the car's, or altered after signing.
        let next = drives("EV-ADA", 1, 1240.0, 80.0);
        let mut forged = car_signed(ada_dir.path(), "EV-ADA", &next);
        let eve_signing = NamedKey::from_seed("player", [66; 32]).unwrap().signing_key;
        forged[0].trip = CarTrip::sign(&eve_signing, "EV-ADA", forged[0].trip.counter + 1, (1_240_000, 1_320_000), &forged[0].details).unwrap();
        let mut tampered = car_signed(ada_dir.path(), "EV-ADA", &drives("EV-ADA", 1, 1320.0, 80.0));
        tampered[0].trip.odometer_end_m += 300_000;
        for (what, trips) in [("forged", forged), ("tampered", tampered)] {
            let report = ada.import_car_trips(&ada_key, trips).await.unwrap();
            assert_eq!((report.attested_km, report.new_deposits.len()), (0, 0), "{what}: {report:?}");
            assert!(reasons(&report)[0].contains("does not verify"), "{what}: {report:?}");
        }
        // Details that are not the ones the car signed (a longer trip, to pass a speed check).
        let mut swapped = car_signed(ada_dir.path(), "EV-ADA", &drives("EV-ADA", 1, 1400.0, 80.0));
        swapped[0].details.end_s += 3600;
        let report = ada.import_car_trips(&ada_key, swapped).await.unwrap();
        assert!(reasons(&report)[0].contains("do not match the digest the car signed"), "{report:?}");

        eve.sync_replica().await.unwrap();
        assert_eq!(stones_and_deposits(&eve, &eve_key), (0, 0), "Eve has nothing");
        // A car named at enrolment is no car: Eve's boxes draw from the guests' table (no
        // stones, no fragments); Ada's car bound her, so hers draw from the owners'.
        assert!(!eve.view(&eve_key).unwrap().state.draws_as_owner);
        ada.sync_replica().await.unwrap();
        assert!(ada.view(&ada_key).unwrap().state.draws_as_owner);
    });
    let report = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap();
    assert_eq!(report.state.entries_by_kind.get(&horizon::ledger::Kind::MileageAttestation), None, "no self-reported trip was attested");
    assert_eq!(report.state.entries_by_kind[&horizon::ledger::Kind::CarTrip], 3, "Ada's three trips, nothing else");
}

#[test]
fn only_makers_the_operator_trusts_provision_cars() {
    let maker = NamedKey::from_seed("maker", [21; 32]).unwrap();
    let maker_hex = maker.public_key().to_hex();
    let (plain, acme) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let client = tempfile::tempdir().unwrap();
    rt().block_on(async {
        // Without --trust-demo-maker a simulated car is a stranger.
        let server = Server::spawn(plain.path(), &[]);
        let (mut valley, me) = player(client.path(), &server.url, 70, None).await;
        let (_, pairing) = paired_car(client.path(), "EV-SIM", me);
        let e = valley.pair(&me, pairing).await.unwrap_err();
        assert!(e.to_string().contains("is not trusted by this valley"), "{e}");
        // A server trusting Acme takes Acme's cars.
        let server = Server::spawn(acme.path(), &["--maker", &format!("Acme={maker_hex}")]);
        let other = tempfile::tempdir().unwrap();
        let (mut valley, me) = player(other.path(), &server.url, 71, None).await;
        let mut car = SimulatedCar::open_or_create(&other.path().join("acme-car"), "EV-ACME-1", &maker.signing_key, system_clock() - SIMULATED_HISTORY_MS).unwrap();
        let pairing = car.pair(me, system_clock()).unwrap();
        valley.pair(&me, pairing).await.unwrap();
        let signed = car.sign_trips(&drives("EV-ACME-1", 2, 500.0, 50.0), false).unwrap();
        let report = valley.import_car_trips(&me, signed).await.unwrap();
        assert_eq!(report.attested_km, 100, "{report:?}");
    });
    let state = horizon::ledger::verify::verify_ledger(&acme.path().join("ledger"), None, &mut |_, _| {}).unwrap().state;
    assert_eq!(state.makers.get(&maker.public_key()).map(String::as_str), Some("Acme"), "the trusted maker is on the ledger for auditors");
    assert!(state.origin.starts_with("crypto-horizon.valley/"), "a deployment's own origin: {}", state.origin);
    let plain_origin = horizon::ledger::verify::verify_ledger(&plain.path().join("ledger"), None, &mut |_, _| {}).unwrap().state.origin;
    assert_ne!(state.origin, plain_origin, "each deployment has its own origin");
    // What an auditor reads of it.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_horizon")).args(["ledger", "show"]).arg(acme.path().join("ledger")).output().unwrap();
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(shown.contains("self-reported trips mint nothing (a shared valley)"), "{shown}");
    assert!(shown.contains(&format!("car maker Acme ({})", maker.public_key())), "{shown}");
    assert!(shown.contains("cars         1 provisioned, 1 with an owner"), "{shown}");
}

#[test]
fn a_new_binding_ends_the_previous_owners() {
    let server_dir = tempfile::tempdir().unwrap();
    let (ada_dir, bob_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Server::start(server_dir.path());
    rt().block_on(async {
        let (mut ada, ada_key) = player(ada_dir.path(), &server.url, 80, None).await;
        let (mut car, old_pairing) = paired_car(ada_dir.path(), "EV-SOLD", ada_key);
        ada.pair(&ada_key, old_pairing.clone()).await.unwrap();
        let report = ada.import_car_trips(&ada_key, car.sign_trips(&drives("EV-SOLD", 2, 100.0, 60.0), true).unwrap()).await.unwrap();
        assert_eq!(report.attested_km, 120);
        // A trip Ada's phone has not sent yet when the car is sold.
        let unsent = car.sign_trips(&drives("EV-SOLD", 1, 300.0, 30.0), true).unwrap();

        // Bob pairs in the car: the binding has a higher counter and ends Ada's ownership.
        let (mut bob, bob_key) = player(bob_dir.path(), &server.url, 81, None).await;
        bob.pair(&bob_key, car.pair(bob_key, system_clock()).unwrap()).await.unwrap();
        ada.sync_replica().await.unwrap();
        let ada_now = ada.view(&ada_key).unwrap().state;
        assert!(!ada_now.is_owner(), "Ada no longer owns the car: {:?}", ada_now.role);
        assert!(!ada_now.draws_as_owner, "nor draws from the owners' boxes");
        let report = ada.import_car_trips(&ada_key, unsent).await.unwrap();
        assert_eq!(report.attested_km, 0, "{report:?}");
        assert!(reasons(&report)[0].contains("not the bound owner"), "{report:?}");
        // What Ada earned stays hers.
        let deposit = *ada_now.deposits.values().next().expect("Ada's deposits");
        assert_eq!(ada.mine(&ada_key, deposit.km_index).await.unwrap().amount_milli, deposit.amount_milli);
        // Ada's old binding cannot take the car back.
        let e = ada.pair(&ada_key, old_pairing).await.unwrap_err();
        assert!(e.to_string().contains("last recorded statement has counter"), "{e}");
        // Bob's trips mint.
        let report = bob.import_car_trips(&bob_key, car.sign_trips(&drives("EV-SOLD", 1, 400.0, 40.0), true).unwrap()).await.unwrap();
        assert_eq!(report.attested_km, 40, "{report:?}");
    });
}

#[test]
fn each_cars_counter_odometer_window_and_daily_cap_hold() {
    let server_dir = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    let now_s = (system_clock() / 1000) as i64;
    let at = |start: i64, hours: i64, odometer: f64, km: f64| TripSummary {
        vehicle: "EV-RULES".into(),
        start,
        end: start + hours * 3600,
        odometer_start_km: odometer,
        odometer_end_km: odometer + km,
        energy_kwh: km / 6.0,
        hard_brakes: 0,
        hard_accelerations: 0,
    };
    rt().block_on(async {
        let (mut valley, me) = player(dir.path(), &server.url, 90, None).await;
        let (_, pairing) = paired_car(dir.path(), "EV-RULES", me);
        valley.pair(&me, pairing).await.unwrap();
        let mut one = async |trip: TripSummary| {
            let signed = car_signed(dir.path(), "EV-RULES", &[trip]);
            valley.import_car_trips(&me, signed).await.unwrap()
        };
        // Older than the window, or not yet driven.
        let old = one(at(now_s - 8 * 86_400 - 7200, 1, 1000.0, 50.0)).await;
        assert!(reasons(&old)[0].contains("more than 7 days ago"), "{old:?}");
        let future = one(at(now_s + 600, 1, 1050.0, 50.0)).await;
        assert!(reasons(&future)[0].contains("after the valley's clock"), "{future:?}");
        // Three 200 km trips on one day: the car's cap of 500 km a day cuts the third.
        let day = (now_s / 86_400 - 2) * 86_400;
        let mut minable = Vec::new();
        for k in 0..3 {
            let r = one(at(day + 3600 + k * 4 * 3600, 3, 1100.0 + 200.0 * k as f64, 200.0)).await;
            minable.push(r.attested_km);
        }
        assert_eq!(minable, [200, 200, 100], "the daily cap per car");
        // The odometer never goes back, even in a statement the car itself signed.
        let car_key = horizon::profile::load_or_create_key(&dir.path().join("car-EV-RULES").join("car.key"), "car").unwrap().0.signing_key;
        let details = horizon::ledger::car::TripDetails { salt: [1; 16], start_s: (day + 20 * 3600) as u64, end_s: (day + 21 * 3600) as u64, energy_wh: 2000, hard_brakes: 0, hard_accelerations: 0 };
        let back = SignedTrip { trip: CarTrip::sign(&car_key, "EV-RULES", 1000, (1_500_000, 1_510_000), &details).unwrap(), details };
        let back = valley.import_car_trips(&me, vec![back]).await.unwrap();
        assert!(reasons(&back)[0].contains("but the car's last trip ended at 1700000 m"), "{back:?}");
        // A statement the car already reported is not paid again.
        let signed = car_signed(dir.path(), "EV-RULES", &[at(now_s - 3 * 3600, 1, 1700.0, 30.0)]);
        assert_eq!(valley.import_car_trips(&me, signed.clone()).await.unwrap().attested_km, 30);
        let again = valley.import_car_trips(&me, signed).await.unwrap();
        assert_eq!((again.attested_km, again.already_imported), (0, 1), "{again:?}");
        // Too many trips in one request.
        let many: Vec<SignedTrip> = (0..=MAX_TRIPS_PER_REQUEST as i64).map(|i| car_signed(dir.path(), "EV-RULES", &[at(now_s - 7200 + i, 1, 2000.0 + i as f64, 0.5)]).remove(0)).collect();
        let body = serde_json::to_vec(&CarTripsRequest::new(&many)).unwrap();
        let key = NamedKey::from_seed("player", [90; 32]).unwrap();
        let headers = sign_request(&key, &server_name(server_dir.path()), "POST", "/v1/car-trips", system_clock(), "many", &body);
        let mut request = reqwest::Client::new().post(format!("{}/v1/car-trips", server.url)).body(body);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 400);
        assert!(answer.text().await.unwrap().contains("101 trips in one request; at most 100"));
    });
}

/// The grinding attack: the client knew every past day's beacon and picked keys and days
/// for rich drops. A car-signed trip's draws are seeded by the authority's signature on the
/// entry that records it: nothing the client holds before sending predicts them, and
/// anyone recomputes them from the ledger afterwards.
#[test]
fn no_one_knows_a_trips_drops_before_the_server_records_it() {
    let server_dir = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(server_dir.path());
    let (me, before_root, first_km) = rt().block_on(async {
        let (mut valley, me) = player(dir.path(), &server.url, 95, None).await;
        let (_, pairing) = paired_car(dir.path(), "EV-DRAW", me);
        valley.pair(&me, pairing).await.unwrap();
        valley.sync_replica().await.unwrap();
        // Everything the client knows before it sends: the checkpoint's root and the day's beacon.
        let root = valley.replica.checkpoint().unwrap().root.0;
        let signed = car_signed(dir.path(), "EV-DRAW", &drives("EV-DRAW", 2, 100.0, 150.0));
        let report = valley.import_car_trips(&me, signed).await.unwrap();
        assert_eq!(report.attested_km, 300);
        (me, root, 0u64)
    });
    drop(server);
    let (ledger, _) = horizon::ledger::Ledger::open(&server_dir.path().join("ledger"), None, None).unwrap();
    let entries = ledger.entries().unwrap();
    let state = ledger.state().player(&me).unwrap().clone();
    let mut km = first_km;
    let mut recomputed = std::collections::BTreeSet::new();
    let mut predictable = std::collections::BTreeSet::new();
    for entry in entries.iter().filter(|e| matches!(e.body, Body::CarTrip { .. })) {
        let Body::CarTrip { km: n, first_km, .. } = &entry.body else { unreachable!() };
        assert_eq!(*first_km, km);
        recomputed.extend(mileage::drops(&draw_seed(&entry.signature), &me.0, km, *n, 0));
        for seed in [before_root, ledger.state().beacon_for_day((entry.time_ms / DAY_MS) as u32).unwrap()] {
            predictable.extend(mileage::drops(&seed, &me.0, km, *n, 0));
        }
        km += u64::from(*n);
    }
    let deposits: std::collections::BTreeSet<u64> = state.deposits.keys().copied().collect();
    assert_eq!(deposits, recomputed, "the drops are the ones the ledger's signatures seed");
    assert!(!recomputed.is_subset(&predictable), "what the client could compute beforehand does not give them: {recomputed:?} vs {predictable:?}");
}

/// Voucher ids are public (anyone can recompute them from the ledger): what redeems one is
/// its owner's signature, once, on the ledger's register.
#[test]
fn a_voucher_is_redeemed_once_and_only_by_its_owner() {
    let server_dir = tempfile::tempdir().unwrap();
    let (ada_dir, eve_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Server::start(server_dir.path());
    rt().block_on(async {
        let (mut ada, ada_key) = player(ada_dir.path(), &server.url, 75, None).await;
        let (_, pairing) = paired_car(ada_dir.path(), "EV-VOUCH", ada_key);
        ada.pair(&ada_key, pairing).await.unwrap();
        let report = ada.import_car_trips(&ada_key, car_signed(ada_dir.path(), "EV-VOUCH", &drives("EV-VOUCH", 3, 100.0, 150.0))).await.unwrap();
        let mut stones = 0;
        for d in report.new_deposits.iter() {
            if stones >= 8000 {
                break;
            }
            stones += ada.mine(&ada_key, d.km_index).await.unwrap().amount_milli;
        }
        assert!(stones >= 8000, "enough for a charging credit: {stones}");
        let buy = ada.sign(Body::Purchase { item: "charging-credit-50".into(), price_milli: 8000 }).unwrap();
        ada.submit(buy).await.unwrap();
        ada.sync_replica().await.unwrap();
        let voucher = ada.view(&ada_key).unwrap().state.vouchers[0].id.clone();

        // Eve read the id off the public ledger and tries to redeem it.
        let (mut eve, _) = player(eve_dir.path(), &server.url, 76, None).await;
        let stolen = eve.sign(Body::Redeem { voucher: voucher.clone() }).unwrap();
        let e = eve.submit(stolen).await.unwrap_err();
        assert!(e.to_string().contains(&format!("voucher {voucher} is not one of the signer's")), "{e}");
        // Ada redeems it, once.
        let redeem = ada.sign(Body::Redeem { voucher: voucher.clone() }).unwrap();
        let at = ada.submit(redeem).await.unwrap();
        let again = ada.sign(Body::Redeem { voucher: voucher.clone() }).unwrap();
        let e = ada.submit(again).await.unwrap_err();
        assert!(e.to_string().contains(&format!("voucher {voucher} was already redeemed (entry {at})")), "{e}");
        ada.sync_replica().await.unwrap();
        assert_eq!(ada.view(&ada_key).unwrap().state.vouchers[0].redeemed, Some(at));
        assert_eq!(ada.replica.state().redeemed.get(&voucher), Some(&at), "the register of redeemed vouchers");
    });
}

/// All eight tasks paid on day one on a3005c1, co-creation (100 crystals) included, on the
/// player's say. Now co-creation pays only for a grant signed by an event organiser the
/// operator trusts, for this player, within a week of the event, once.
#[test]
fn co_creation_pays_only_for_a_trusted_organisers_grant() {
    use horizon::ledger::grant::Grant;
    let organiser = NamedKey::from_seed("organiser", [41; 32]).unwrap();
    let stranger = NamedKey::from_seed("organiser", [42; 32]).unwrap();
    let server_dir = tempfile::tempdir().unwrap();
    let (ada_dir, bob_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let server = Server::start_with(server_dir.path(), &["--organiser", &format!("Expo={}", organiser.public_key().to_hex())]);
    let today = (system_clock() / DAY_MS) as u32;
    let valley = super::support::valley_origin(server_dir.path());
    rt().block_on(async {
        let (mut ada, me) = player(ada_dir.path(), &server.url, 77, None).await;
        let e = ada.complete_task(&me, "co-creation").await.unwrap_err();
        assert!(e.to_string().contains("pays only for an event organiser's signed grant"), "{e}");
        for (grant, says) in [
            (Grant::sign(&stranger.signing_key, &valley, "expo-2026", me, today).unwrap(), "is not trusted by this valley"),
            (Grant::sign(&organiser.signing_key, &valley, "expo-2026", NamedKey::from_seed("player", [78; 32]).unwrap().public_key(), today).unwrap(), "names player"),
            (Grant::sign(&organiser.signing_key, "crypto-horizon.valley/elsewhere", "expo-2026", me, today).unwrap(), "not in this one"),
            (Grant::sign(&organiser.signing_key, &valley, "expo-2025", me, today - 10).unwrap(), "is not within 7 days before the claim"),
        ] {
            let e = ada.claim_grant(&me, grant).await.unwrap_err();
            assert!(e.to_string().contains(says), "{says}: {e}");
        }
        let grant = Grant::sign(&organiser.signing_key, &valley, "expo-2026", me, today).unwrap();
        assert_eq!(ada.claim_grant(&me, grant.clone()).await.unwrap(), 100);
        let e = ada.claim_grant(&me, grant).await.unwrap_err();
        assert!(e.to_string().contains("it was already paid"), "{e}");
    });
    // From the command line: the organiser signs, the player imports.
    let key_file = bob_dir.path().join("organiser.key");
    std::fs::write(&key_file, organiser.to_signer_string()).unwrap();
    super::support::horizon_ok(bob_dir.path(), &["sync", "--server", &server.url]);
    let bob = horizon::profile::load_or_create_key(&DataDir(bob_dir.path().to_path_buf()).player_key(), "player").unwrap().0.public_key();
    let grant_file = bob_dir.path().join("grant.json");
    super::support::horizon_ok(bob_dir.path(), &["organiser", "grant", "--key", key_file.to_str().unwrap(), "--valley", &valley, "--event", "expo-2026", "--player", &bob.to_hex(), "--out", grant_file.to_str().unwrap()]);
    let out = super::support::horizon_ok(bob_dir.path(), &["import", grant_file.to_str().unwrap()]);
    assert!(out.contains("granted: 100 crystals for event expo-2026"), "{out}");
    let state = horizon::ledger::verify::verify_ledger(&server_dir.path().join("ledger"), None, &mut |_, _| {}).unwrap().state;
    assert_eq!(state.player(&bob).unwrap().crystals, 100);
    assert_eq!(state.organisers.get(&organiser.public_key()).map(String::as_str), Some("Expo"));
}
