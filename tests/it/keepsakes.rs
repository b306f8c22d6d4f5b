//! Keepsakes: twin cards that verify offline and say when they no longer stand, cards the
//! ledger's rules keep honest, and the merch shop's stock, prices, vouchers and addresses.

use std::path::Path;
use std::process::{Command, Output};

use horizon::economy::EconomyTables;
use horizon::economy::merch::MerchPrice;
use horizon::keepsake::canvas::Canvas;
use horizon::keepsake::png_text::{decode_rgba, encode, read_proof};
use horizon::keepsake::twin_card_image::STATS_BOX;
use horizon::ledger::keepsake_rules::card_of;
use horizon::ledger::twin_card::CardEnd;
use horizon::ledger::{Body, Ledger, NamedKey, Role};
use horizon::profile::DataDir;
use horizon::valley::embedded::{EmbeddedValley, system_clock};
use horizon::valley::{ValleyService, block_on_ready};

use super::support::{T0, Server, cli_owner_with_sample_week, horizon_ok, log_key, organiser, organiser_option, paired_car, player_key, valley_origin};

fn horizon(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_horizon")).arg("--data-dir").arg(data).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The number after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> u64 {
    let at = text.find(prefix).unwrap_or_else(|| panic!("no {prefix:?} in {text}")) + prefix.len();
    text[at..].chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap()
}

/// Rewrites a keepsake PNG with `proof` in place of its own (and its pixels as they are, or
/// changed by `paint`).
fn rewrite(png: &[u8], proof: &str, paint: impl FnOnce(&mut Canvas)) -> Vec<u8> {
    let (pixels, width, height) = decode_rgba(png).unwrap();
    let mut canvas = Canvas { width, height, pixels };
    paint(&mut canvas);
    encode(&canvas, proof, "")
}

#[test]
fn a_twin_card_verifies_offline_and_says_when_a_newer_card_supersedes_it() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(server_dir.path(), &organiser_option().each_ref().map(String::as_str));
    let me = tempfile::tempdir().unwrap();
    let data = me.path();
    cli_owner_with_sample_week(data, &server.url);
    let key = std::fs::read_to_string(server_dir.path().join("ledger").join("log.vkey")).unwrap();
    let key = key.trim();
    let card1 = data.join("card1.png");
    let out = horizon_ok(data, &["card", "issue", "--out", card1.to_str().unwrap()]);
    assert!(out.contains("twin card recorded in"), "{out}");
    let first = number_after(&out, "ledger entry ");
    // Kept where the render tests keep their screenshots, to be looked at.
    let shots = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::copy(&card1, shots.join("twin-card.png")).unwrap();

    // Offline, with the key alone: the facts are the entry's.
    let o = horizon(data, &["card", "verify", card1.to_str().unwrap(), "--key", key]);
    let verified = text(&o);
    assert!(o.status.success(), "{verified}");
    assert!(verified.contains(&format!("OK: the twin card of \"Driver\", ledger entry {first}")), "{verified}");
    assert!(verified.contains("car          EV-DEMO-01"), "{verified}");
    let km = number_after(&verified, "real km      ");
    assert!(km > 100, "the sample week is a few hundred km: {verified}");
    // Against the server's log: it stands.
    let o = horizon(data, &["card", "verify", card1.to_str().unwrap(), "--key", key, "--server", &server.url]);
    assert!(o.status.success() && text(&o).contains("STANDS"), "{}", text(&o));
    // Nothing changed: asking again gives the same card.
    let again = horizon_ok(data, &["card", "issue", "--out", data.join("again.png").to_str().unwrap()]);
    assert!(again.contains(&format!("your twin card is entry {first} (nothing changed")), "{again}");

    let png = std::fs::read(&card1).unwrap();
    let proof = read_proof(&png).unwrap().proof;
    assert_eq!(scan_qr(&png), proof, "the card's QR code is the receipt its PNG carries");
    // One pixel of the stats region changed: still a valid card, and the facts printed are
    // the signed entry's, not the picture's.
    let repainted = data.join("repainted.png");
    std::fs::write(&repainted, rewrite(&png, &proof, |c| {
        let (x, y, _, _) = STATS_BOX;
        let i = (((y + 60) * c.width + x + 60) * 4) as usize;
        c.pixels[i..i + 3].copy_from_slice(&[255, 0, 255]);
    }))
    .unwrap();
    let o = horizon(data, &["card", "verify", repainted.to_str().unwrap(), "--key", key]);
    assert!(o.status.success(), "{}", text(&o));
    assert_eq!(number_after(&text(&o), "real km      "), km);

    // An altered entry, index or checkpoint fails, with the reason.
    let mut lines: Vec<String> = proof.lines().map(str::to_string).collect();
    let extra = lines[1].clone();
    let flipped = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut bytes = b64.decode(extra.trim_start_matches("extra ")).unwrap();
        let n = bytes.len();
        bytes[n - 80] ^= 1; // in the card's body, before the signature
        format!("extra {}", b64.encode(bytes))
    };
    let cases: [(String, &str); 3] = [
        ({ lines[1] = flipped; let t = lines.join("\n") + "\n"; lines[1] = extra; t }, "the inclusion proof does not verify"),
        (proof.replacen(&format!("index {first}"), &format!("index {}", first - 1), 1), "the inclusion proof does not verify"),
        (proof.replacen("— ", "— X", 1), "checkpoint"),
    ];
    for (i, (altered, says)) in cases.iter().enumerate() {
        let file = data.join(format!("altered-{i}.png"));
        std::fs::write(&file, rewrite(&png, altered, |_| {})).unwrap();
        let o = horizon(data, &["card", "verify", file.to_str().unwrap(), "--key", key]);
        let t = text(&o);
        assert!(!o.status.success() && t.contains("FAILED") && t.contains(says), "case {i}: {t}");
    }
    // A picture with no proof at all.
    let plain = data.join("plain.png");
    let (pixels, w, h) = decode_rgba(&png).unwrap();
    image::save_buffer(&plain, &pixels, w, h, image::ColorType::Rgba8).unwrap();
    let t = text(&horizon(data, &["card", "verify", plain.to_str().unwrap(), "--key", key]));
    assert!(t.contains("FAILED") && t.contains("carries no proof"), "{t}");

    // The facts change (an organiser's grant pays 100 crystals and 200 XP): a new card.
    let me_key = horizon::profile::load_or_create_key(&DataDir(data.to_path_buf()).player_key(), "player").unwrap().0.public_key();
    grant_crystals(data, server_dir.path(), me_key);
    let card2 = data.join("card2.png");
    let out = horizon_ok(data, &["card", "issue", "--out", card2.to_str().unwrap()]);
    let second = number_after(&out, "ledger entry ");
    assert!(second > first, "{out}");
    let t = text(&horizon(data, &["card", "verify", card2.to_str().unwrap(), "--key", key]));
    assert!(t.contains(&format!("replaces     the card of entry {first}")), "{t}");
    // The old card is still authentic offline, but the newer log says it was superseded.
    assert!(horizon(data, &["card", "verify", card1.to_str().unwrap(), "--key", key]).status.success());
    let o = horizon(data, &["card", "verify", card1.to_str().unwrap(), "--key", key, "--server", &server.url]);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(2), "{t}");
    assert!(t.contains(&format!("SUPERSEDED: the player's newer card is entry {second}")), "{t}");
    // An auditor's copy of the ledger says the same.
    let o = horizon(data, &["card", "verify", card1.to_str().unwrap(), "--key", key, "--ledger", server_dir.path().join("ledger").to_str().unwrap()]);
    assert!(text(&o).contains("SUPERSEDED"), "{}", text(&o));

    // Under another valley's key nothing verifies.
    let other = NamedKey::from_seed("crypto-horizon.valley/other", [9; 32]).unwrap().verifier_key();
    let t = text(&horizon(data, &["card", "verify", card2.to_str().unwrap(), "--key", &other]));
    assert!(t.contains("FAILED"), "{t}");

    // The share card proves an entry of the player's, and says what it shows.
    let share = data.join("share.png");
    let out = horizon_ok(data, &["card", "share", "--out", share.to_str().unwrap()]);
    let _ = std::fs::copy(&share, std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots").join("share-card.png"));
    assert!(out.contains("its QR code the receipt of ledger entry"), "{out}");
    let t = text(&horizon(data, &["card", "verify", share.to_str().unwrap(), "--key", key]));
    // Its newest entry is the twin card just recorded: the share card proves it.
    assert!(t.starts_with("OK: the twin card of \"Driver\""), "{t}");
    let share = std::fs::read(&share).unwrap();
    assert_eq!(scan_qr(&share), read_proof(&share).unwrap().proof, "the share card's QR code is the receipt its PNG carries");
}

/// The text of the one QR code in a PNG, as a phone's camera would read it.
fn scan_qr(png: &[u8]) -> String {
    let (pixels, w, h) = decode_rgba(png).unwrap();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| pixels[(y * w as usize + x) * 4]);
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code");
    grids[0].decode().unwrap().1
}

/// The organiser signs a grant for `player` in the valley served from `server_dir`, and the
/// player imports it (100 crystals and 200 XP); returns what the import printed.
fn grant_crystals(data: &Path, server_dir: &Path, player: horizon::ledger::PublicKey) -> String {
    let grant = data.join("grant.json");
    let organiser_key = data.join("organiser.key");
    std::fs::write(&organiser_key, organiser().to_signer_string()).unwrap();
    let valley = valley_origin(server_dir);
    horizon_ok(data, &["organiser", "grant", "--key", organiser_key.to_str().unwrap(), "--valley", &valley, "--event", "expo", "--player", &player.to_hex(), "--out", grant.to_str().unwrap()]);
    horizon_ok(data, &["import", grant.to_str().unwrap()])
}

/// A valley of three guests with 30 crystals each, under `merch` as the catalogue.
fn ledger_with_catalogue(dir: &Path, merch: &str) -> (Ledger, [NamedKey; 3]) {
    let tables = EconomyTables::from_texts(
        include_str!("../../assets/economy/blind_box.ron"),
        include_str!("../../assets/economy/upgrades.ron"),
        include_str!("../../assets/economy/tasks.ron"),
        merch,
    )
    .unwrap();
    let mut ledger = Ledger::create_with(dir, log_key(), T0, std::sync::Arc::new(tables)).unwrap();
    let players = [player_key(1), player_key(2), player_key(3)];
    for (i, p) in players.iter().enumerate() {
        let e = ledger.sign_as_authority(Body::Enrol { player: p.public_key(), role: Role::Guest, name: format!("p{i}") }, T0 + 1).unwrap();
        ledger.append(&[e]).unwrap();
        let e = ledger.sign_as_authority(Body::CrystalAward { player: p.public_key(), amount: 30, task: "visit-lookout".into() }, T0 + 2).unwrap();
        ledger.append(&[e]).unwrap();
    }
    (ledger, players)
}

/// A merch order of `who`, signed at `time_ms`, priced from `edition`.
fn order_at(ledger: &Ledger, who: &NamedKey, item: &str, price: MerchPrice, edition: [u8; 32], time_ms: u64) -> horizon::ledger::Entry {
    let nonce = ledger.state().next_nonce(&who.public_key());
    horizon::ledger::Entry::sign(Body::MerchOrder { item: item.into(), price, edition }, &who.signing_key, nonce, time_ms).unwrap()
}

fn tables_with(merch: &str) -> std::sync::Arc<EconomyTables> {
    std::sync::Arc::new(
        EconomyTables::from_texts(
            include_str!("../../assets/economy/blind_box.ron"),
            include_str!("../../assets/economy/upgrades.ron"),
            include_str!("../../assets/economy/tasks.ron"),
            merch,
        )
        .unwrap(),
    )
}

#[test]
fn merch_orders_keep_to_the_catalogues_price_stock_and_limit_in_replay() {
    let dir = tempfile::tempdir().unwrap();
    // Two editions: the first on sale from before T0, the second (a cheaper pin, its stock raised to
    // 4 in all) from a day after.
    const DAY: u64 = 86_400_000;
    let merch = r#"[
        (from: "2025-10-01T00:00:00Z", items: [(id: "pin-test", name: "Test pin", name_zh: "测试徽章", about: "enamel", price: Crystals(count: 20), stock: 2, per_player: 1)]),
        (from: "2025-10-10T08:53:20Z", items: [(id: "pin-test", name: "Test pin", name_zh: "测试徽章", about: "enamel", price: Crystals(count: 5), stock: 4, per_player: 1)]),
    ]"#;
    let (mut ledger, [a, b, c]) = ledger_with_catalogue(dir.path(), merch);
    let tables = tables_with(merch);
    let (first, second) = (tables.merch.editions[0].digest, tables.merch.editions[1].digest);
    assert_eq!(tables.merch.editions[1].from_ms, T0 + DAY);
    let crystals = |count| MerchPrice::Crystals { count };
    let order = |ledger: &Ledger, who: &NamedKey, count: u64| order_at(ledger, who, "pin-test", crystals(count), first, T0 + 1000);
    ledger.append(&[order(&ledger, &a, 20)]).unwrap();
    let e = ledger.append(&[order(&ledger, &a, 20)]).unwrap_err().to_string();
    assert!(e.contains("already ordered pin-test 1 time(s), the most one player may"), "{e}");
    let e = ledger.append(&[order(&ledger, &b, 19)]).unwrap_err().to_string();
    assert!(e.contains("pin-test costs 20 crystals, not 19 crystals"), "{e}");
    let e = ledger.append(&[order_at(&ledger, &b, "pin-test", MerchPrice::Stones { milli: 20 }, first, T0 + 1000)]).unwrap_err().to_string();
    assert!(e.contains("costs 20 crystals, not 0.020 stones"), "{e}");
    // The cheaper edition before it is on sale: refused.
    let e = ledger.append(&[order_at(&ledger, &b, "pin-test", crystals(5), second, T0 + 1000)]).unwrap_err().to_string();
    assert!(e.contains(&format!("priced from catalogue edition {}", horizon::economy::merch::short_digest(&second))) && e.contains("on sale when it was made is Some"), "{e}");
    ledger.append(&[order(&ledger, &b, 20)]).unwrap();
    let e = ledger.append(&[order(&ledger, &c, 20)]).unwrap_err().to_string();
    assert!(e.contains("pin-test is sold out: all 2 were ordered"), "{e}");
    let e = ledger.append(&[order_at(&ledger, &c, "pin-other", crystals(20), first, T0 + 1000)]).unwrap_err().to_string();
    assert!(e.contains("\"pin-other\" is not in the merch shop's catalogue edition the order names"), "{e}");
    let e = ledger.append(&[order_at(&ledger, &c, "pin-test", crystals(20), [7; 32], T0 + 1000)]).unwrap_err().to_string();
    assert!(e.contains("names catalogue edition 0707070707070707, which this build does not have"), "{e}");
    // A day on, the second edition is on sale: the old price is refused, the restock sells.
    let e = ledger.append(&[order_at(&ledger, &c, "pin-test", crystals(20), first, T0 + DAY + 1)]).unwrap_err().to_string();
    assert!(e.contains(&format!("is {:?}", Some(horizon::economy::merch::short_digest(&second)))), "{e}");
    ledger.append(&[order_at(&ledger, &c, "pin-test", crystals(5), second, T0 + DAY + 1)]).unwrap();
    let e = ledger.append(&[order_at(&ledger, &a, "pin-test", crystals(5), second, T0 + DAY + 2)]).unwrap_err().to_string();
    assert!(e.contains("already ordered pin-test 1 time(s)"), "the limit counts orders from every edition: {e}");

    // Replay finds the same: three sold, a and b 10 crystals left, c 25, a voucher each.
    drop(ledger);
    let report = horizon::ledger::verify::verify_ledger_with(dir.path(), None, tables, &mut |_, _| {}).unwrap();
    assert_eq!(report.state.merch_sold.get("pin-test"), Some(&3));
    for (p, crystals, vouchers) in [(&a, 10, 1), (&b, 10, 1), (&c, 25, 1)] {
        let s = report.state.player(&p.public_key()).unwrap();
        assert_eq!((s.crystals, s.vouchers.len()), (crystals, vouchers));
    }
    // An edition edited after its orders (its stock raised) makes them unverifiable, and the
    // verifier says which; comments and layout do not.
    let edited = merch.replacen("stock: 2", "stock: 200", 1);
    let e = horizon::ledger::verify::verify_ledger_with(dir.path(), None, tables_with(&edited), &mut |_, _| {}).unwrap_err().to_string();
    assert!(e.contains(&format!("names catalogue edition {}, which this build does not have", horizon::economy::merch::short_digest(&first))), "{e}");
    let relaid = format!("// the shop\n{}", merch.replace("\n        ", " "));
    horizon::ledger::verify::verify_ledger_with(dir.path(), None, tables_with(&relaid), &mut |_, _| {}).unwrap();
}

#[test]
fn twin_cards_state_only_the_ledgers_facts_and_end_when_the_car_changes_hands() {
    let dir = tempfile::tempdir().unwrap();
    let data = DataDir(dir.path().to_path_buf());
    let mut valley = EmbeddedValley::open(&data, system_clock).unwrap();
    let (ada, bo) = (NamedKey::from_seed("player", [51; 32]).unwrap(), NamedKey::from_seed("player", [52; 32]).unwrap());
    valley.enrol(ada.public_key(), Role::Guest, "Ada").unwrap();
    valley.enrol(bo.public_key(), Role::Guest, "Bo").unwrap();
    let (mut car, pairing) = paired_car(dir.path(), "EV-T-1", ada.public_key());
    valley.pair(&ada.public_key(), pairing).unwrap();
    let card = block_on_ready(valley.issue_card(&ada.public_key())).unwrap();
    assert_eq!(block_on_ready(valley.issue_card(&ada.public_key())).unwrap(), card, "no change, no new card");
    let facts = card_of(ada.public_key(), valley.ledger().state().player(&ada.public_key()).unwrap());
    assert_eq!(facts.vehicle.as_deref(), Some("EV-T-1"));
    assert_eq!(facts.supersedes, Some(card));
    drop(valley);

    // The authority itself cannot record a card that claims more than the ledger shows.
    let mut ledger = Ledger::open(&data.ledger(), Some(horizon::profile::load_or_create_key(&data.authority_key(), "x").unwrap().0), None).unwrap().0;
    let p = ledger.state().player(&ada.public_key()).unwrap().clone();
    let mut richer = card_of(ada.public_key(), &p);
    richer.stones_milli += 1;
    richer.xp += 1; // a different card, so that only the false fact is wrong
    let e = ledger.stage_as_authority(Body::TwinCard(richer), system_clock()).unwrap_err().to_string();
    assert!(e.contains("states xp"), "{e}");
    let mut richer = card_of(ada.public_key(), &p);
    richer.stones_milli = 1_000_000;
    let e = ledger.stage_as_authority(Body::TwinCard(richer), system_clock()).unwrap_err().to_string();
    assert!(e.contains("states milli-stones 1000000, but the ledger has 0"), "{e}");
    let mut forked = card_of(ada.public_key(), &p);
    forked.supersedes = None;
    let e = ledger.stage_as_authority(Body::TwinCard(forked), system_clock()).unwrap_err().to_string();
    assert!(e.contains(&format!("says it replaces None, but the player's card is Some({card})")), "{e}");
    let e = ledger.stage_as_authority(Body::TwinCard(card_of(ada.public_key(), &p)), system_clock()).unwrap_err().to_string();
    assert!(e.contains("states the same facts as the card it replaces"), "{e}");
    drop(ledger);

    // The car is bound to Bo: Ada's card no longer stands, and replay agrees.
    let mut valley = EmbeddedValley::open(&data, system_clock).unwrap();
    let pairing = car.pair(bo.public_key(), system_clock()).unwrap();
    valley.pair(&bo.public_key(), pairing).unwrap();
    let bound = valley.ledger().size() - 1;
    assert_eq!(valley.ledger().state().card_status(card), Some(Err(CardEnd::CarTransferred { at: bound })));
    assert_eq!(valley.ledger().state().player(&ada.public_key()).unwrap().card, None);
    let bo_card = block_on_ready(valley.issue_card(&bo.public_key())).unwrap();
    drop(valley);
    let state = horizon::ledger::verify::verify_ledger(&data.ledger(), None, &mut |_, _| {}).unwrap().state;
    assert_eq!(state.card_status(card), Some(Err(CardEnd::CarTransferred { at: bound })));
    assert_eq!(state.card_status(bo_card), Some(Ok(())));
    assert_eq!(state.card_status(bound), None, "a binding is no card");
}

#[test]
fn a_merch_voucher_is_redeemed_once_and_its_address_never_reaches_the_ledger() {
    let server_dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(server_dir.path(), &organiser_option().each_ref().map(String::as_str));
    let me = tempfile::tempdir().unwrap();
    let data = me.path();
    horizon_ok(data, &["sync", "--server", &server.url, "--name", "Mei"]);
    let me_key = horizon::profile::load_or_create_key(&DataDir(data.to_path_buf()).player_key(), "player").unwrap().0.public_key();
    // 100 crystals from an organiser's grant.
    let out = grant_crystals(data, server_dir.path(), me_key);
    assert!(out.contains("100 crystals"), "{out}");

    let list = horizon_ok(data, &["merch", "list"]);
    assert!(list.contains("keyring-crystal") && list.contains("水晶钥匙扣") && list.contains("you have 0.000 stones and 100 crystals"), "{list}");
    let o = horizon(data, &["merch", "buy", "jacket-owner"]);
    assert!(!o.status.success() && text(&o).contains("costs 60.000 stones; you have 0.000 stones"), "{}", text(&o));
    let out = horizon_ok(data, &["merch", "buy", "keyring-crystal"]);
    let voucher: String = out.split("voucher ").nth(1).unwrap().chars().take_while(|c| !c.is_whitespace() && *c != ':').collect();
    assert!(voucher.starts_with("CHV-"), "{out}");

    let o = horizon(data, &["merch", "redeem", &voucher]);
    assert!(!o.status.success() && text(&o).contains("no shipping address on this device"), "{}", text(&o));
    let bad = horizon(data, &["merch", "address", "--name", "李梅", "--phone", "call me", "--region", "上海市 浦东新区", "--street", "世纪大道 100 号"]);
    assert!(!bad.status.success() && text(&bad).contains("the address's phone \"call me\" is not a phone number"), "{}", text(&bad));
    let street = "世纪大道 100 号 17 楼 1703 室";
    let phone = "+86 138 0013 8000";
    horizon_ok(data, &["merch", "address", "--name", "李梅", "--phone", phone, "--region", "上海市 浦东新区", "--street", street, "--postcode", "200120"]);
    // The plain redemption (for car entitlements) will not take merchandise: it must ship.
    let o = horizon(data, &["redeem", &voucher]);
    assert!(!o.status.success() && text(&o).contains("redeem it with a shipping address"), "{}", text(&o));
    let out = horizon_ok(data, &["merch", "redeem", &voucher]);
    assert!(out.contains(&format!("voucher {voucher} (keyring-crystal) redeemed: ledger entry")) && out.contains(street), "{out}");
    let o = horizon(data, &["merch", "redeem", &voucher]);
    assert!(!o.status.success() && text(&o).contains("was already redeemed"), "{}", text(&o));

    // The operator's list has the address; no byte of any ledger file, the server's or the
    // player's replica, holds it.
    let orders = horizon_ok(server_dir.path(), &["merch", "orders"]);
    assert!(orders.contains(&voucher) && orders.contains(street) && orders.contains("1 to ship; 0 merch voucher(s) ordered and not yet redeemed"), "{orders}");
    for root in [server_dir.path().join("ledger"), data.join("sync").join("replica")] {
        for file in walk(&root) {
            let bytes = std::fs::read(&file).unwrap();
            for secret in [street.as_bytes(), phone.as_bytes(), "李梅".as_bytes()] {
                assert!(!bytes.windows(secret.len()).any(|w| w == secret), "{} holds part of the address", file.display());
            }
        }
    }
    // Export shows it; forget deletes it.
    let export = horizon_ok(data, &["export"]);
    assert!(export.contains(street), "{export}");
    horizon_ok(data, &["forget", "--yes"]);
    assert!(!data.join("merch").exists());
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn the_bundled_merch_catalogue_is_valid_and_a_broken_one_names_the_item() {
    let tables = EconomyTables::bundled();
    let on_sale = tables.merch.in_force(horizon::valley::embedded::system_clock()).expect("the shop is open");
    assert!(on_sale.items.len() >= 5 && on_sale.items.iter().any(|m| matches!(m.price, MerchPrice::Stones { .. })) && on_sale.items.iter().any(|m| matches!(m.price, MerchPrice::Crystals { .. })));
    let texts = |merch: &str| {
        EconomyTables::from_texts(
            include_str!("../../assets/economy/blind_box.ron"),
            include_str!("../../assets/economy/upgrades.ron"),
            include_str!("../../assets/economy/tasks.ron"),
            merch,
        )
        .map(|_| ())
        .unwrap_err()
        .to_string()
    };
    let item = |id: &str, rest: &str| format!(r#"[(from: "2026-01-01T00:00:00+08:00", items: [(id: "{id}", name: "A", name_zh: "甲", about: "", {rest})])]"#);
    assert_eq!(texts(&item("cap", "price: Crystals(count: 0), stock: 5, per_player: 1")), "assets/economy/merch.ron: edition 1 (from 2026-01-01T00:00:00+08:00), item \"cap\": a price of 0 (merchandise is never free: it is shipped)");
    assert!(texts(&item("cap", "price: Crystals(count: 5), stock: 5, per_player: 6")).contains("per_player 6 must be 1 to the stock (5)"));
    assert!(texts(&item("Cap!", "price: Crystals(count: 5), stock: 5, per_player: 1")).contains("the id must be 1 to 40 characters"));
    assert!(texts(&item("motor-1", "price: Crystals(count: 5), stock: 5, per_player: 1")).contains("the id is an upgrade's too"));
    let e = texts("[(from: \"2026-01-01T00:00:00Z\", items: [(id: \"cap\", name: \"A\",\n  price: Gold(5))])]");
    assert!(e.starts_with("assets/economy/merch.ron:2:"), "{e}");
    // Editions come into force one after another, at real times.
    let edition = |from: &str| format!(r#"(from: "{from}", items: [(id: "cap", name: "A", name_zh: "甲", about: "", price: Crystals(count: 5), stock: 5, per_player: 1)])"#);
    let e = texts(&format!("[{}, {}]", edition("2026-02-01T00:00:00Z"), edition("2026-01-01T00:00:00Z")));
    assert!(e.contains("edition 2 (from 2026-01-01T00:00:00Z): it must come into force after edition 1 (2026-02-01T00:00:00Z): editions are only appended"), "{e}");
    let e = texts(&format!("[{}]", edition("next Tuesday")));
    assert!(e.contains("edition 1: from \"next Tuesday\" is not an RFC 3339 time"), "{e}");
    assert!(texts("[]").contains("no edition"));
}
