//! `horizon card …` (the twin card and the share card, and checking either offline) and
//! `horizon merch …` (the merch shop: the catalogue, orders, the shipping address kept on
//! this device, redemptions, and the operator's shipping list). Each works on the local
//! valley, or on the profile's server once `horizon sync` has set one.
//!
//! ```text
//! DATA/merch/address.json   the player's shipping address (owner-only; export and forget cover it)
//! ```

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use horizon::client::http::HttpValley;
use horizon::economy::EconomyTables;
use horizon::economy::merch::MerchPrice;
use horizon::keepsake::canvas::Fonts;
use horizon::keepsake::png_text::{decode_rgba, encode};
use horizon::keepsake::verify::{CardStanding, check_png};
use horizon::keepsake::{Picture, share_card, twin_card_image};
use horizon::ledger::state::voucher_id;
use horizon::ledger::{Body, Entry, Ledger, LedgerState, NamedKey, PlayerState, PublicKey, Receipt};
use horizon::profile::DataDir;
use horizon::t;
use horizon::valley::embedded::{EmbeddedValley, system_clock};
use horizon::valley::shipping::ShippingAddress;
use horizon::valley::{ValleyError, ValleyService, block_on_ready};

#[derive(Subcommand)]
pub enum CardCommand {
    /// Record your twin card on the ledger (a new one only when your facts changed) and
    /// write it as a PNG that carries its proof
    Issue {
        /// A picture of your twin for the card (a PNG, e.g. a screenshot) [default: the car drawn in profile]
        #[arg(long, value_name = "PNG")]
        picture: Option<PathBuf>,
        #[arg(long, value_name = "FILE", default_value = "twin-card.png")]
        out: PathBuf,
    },
    /// A picture of your stones, level and best lap with a receipt's QR code, to share
    Share {
        #[arg(long, value_name = "PNG")]
        picture: Option<PathBuf>,
        #[arg(long, value_name = "FILE", default_value = "share-card.png")]
        out: PathBuf,
    },
    /// Check a twin card or share card offline with the valley's verifier key; with a newer
    /// copy of the log, also whether a twin card still stands
    Verify {
        file: PathBuf,
        /// The valley's verifier key (text or a file holding it)
        #[arg(long, value_name = "VKEY")]
        key: String,
        /// A copy of the valley's ledger (a directory), to check the card still stands
        #[arg(long, value_name = "DIR", conflicts_with = "server")]
        ledger: Option<PathBuf>,
        /// The valley's server: its log is fetched and verified under the key, to check the card still stands
        #[arg(long, value_name = "URL")]
        server: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum MerchCommand {
    /// The catalogue: prices, stock left, what you ordered
    List,
    /// Order an item: signed by you, paid in its currency; you get a voucher
    Buy { item: String },
    /// Show or set the shipping address kept on this device (sent only when you redeem)
    Address {
        /// The recipient
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Province, city, district
        #[arg(long)]
        region: Option<String>,
        /// Street, building, flat
        #[arg(long)]
        street: Option<String>,
        #[arg(long, default_value = "")]
        postcode: String,
    },
    /// Redeem a merch voucher: your signed redemption goes on the ledger, your address to
    /// the valley's fulfilment list (never the ledger)
    Redeem { voucher: String },
    /// The operator's shipping list: the redeemed merch vouchers of the valley under
    /// --data-dir (a server's) with their addresses
    Orders,
}

/// The valley a keepsake command works on: the local one, or the profile's server.
enum Valley {
    Local { valley: EmbeddedValley, player: NamedKey },
    Remote { valley: Box<HttpValley>, rt: tokio::runtime::Runtime },
}

impl Valley {
    fn open(data: &DataDir) -> Result<Valley> {
        if let Some(mut valley) = super::sync::client(data, None)? {
            let rt = super::sync::runtime();
            rt.block_on(async {
                valley.sync_replica().await?;
                // Queued entries first: a new entry's nonce follows theirs.
                valley.flush().await?;
                valley.sync_replica().await
            })?;
            return Ok(Valley::Remote { valley: Box::new(valley), rt });
        }
        let (valley, player) = EmbeddedValley::open_with_player(data, system_clock)?;
        Ok(Valley::Local { valley, player })
    }

    fn me(&self) -> PublicKey {
        match self {
            Valley::Local { player, .. } => player.public_key(),
            Valley::Remote { valley, .. } => valley.player_key(),
        }
    }

    fn state(&self) -> &LedgerState {
        match self {
            Valley::Local { valley, .. } => valley.ledger().state(),
            Valley::Remote { valley, .. } => valley.replica.state(),
        }
    }

    fn player(&self) -> Result<&PlayerState> {
        let me = self.me();
        self.state().player(&me).with_context(|| t!("cli-not-a-player-yet", me = me.to_string(), place = self.place()))
    }

    fn place(&self) -> String {
        match self {
            Valley::Local { .. } => t!("cli-local-valley"),
            Valley::Remote { valley, .. } => valley.base().to_string(),
        }
    }

    fn verifier_key(&self) -> String {
        match self {
            Valley::Local { valley, .. } => valley.ledger().verifier_key().text.clone(),
            Valley::Remote { valley, .. } => valley.replica.key().map(|k| k.text.clone()).unwrap_or_default(),
        }
    }

    fn sign(&self, body: Body) -> Result<Entry> {
        Ok(match self {
            Valley::Local { valley, player } => valley.sign_for(player, body)?,
            Valley::Remote { valley, .. } => valley.sign(body)?,
        })
    }

    /// Runs one request of the authority's, then brings the replica up to date.
    fn ask<T>(&mut self, request: impl AsyncFnOnce(&mut dyn Service) -> Result<T, ValleyError>) -> Result<T> {
        Ok(match self {
            Valley::Local { valley, .. } => block_on_ready(request(valley as &mut dyn Service))?,
            Valley::Remote { valley, rt } => rt.block_on(async {
                let answer = request(valley.as_mut() as &mut dyn Service).await?;
                valley.sync_replica().await?;
                Ok::<_, ValleyError>(answer)
            })?,
        })
    }

    fn receipt(&self, index: u64) -> Result<Receipt> {
        Ok(match self {
            Valley::Local { valley, .. } => valley.ledger().receipt(index)?,
            Valley::Remote { valley, .. } => valley.replica.receipt(index)?,
        })
    }

    fn entries(&self) -> Result<Vec<Entry>> {
        Ok(match self {
            Valley::Local { valley, .. } => valley.ledger().entries()?,
            Valley::Remote { valley, .. } => valley.replica.entries()?,
        })
    }
}

/// The three requests keepsakes make, as one object-safe trait over both valleys.
trait Service {
    fn submit_entry(&mut self, entry: Entry) -> std::pin::Pin<Box<dyn Future<Output = Result<u64, ValleyError>> + '_>>;
    fn card(&mut self, key: PublicKey) -> std::pin::Pin<Box<dyn Future<Output = Result<u64, ValleyError>> + '_>>;
    fn redeem(&mut self, entry: Entry, address: ShippingAddress) -> std::pin::Pin<Box<dyn Future<Output = Result<u64, ValleyError>> + '_>>;
}

impl<V: ValleyService> Service for V {
    fn submit_entry(&mut self, entry: Entry) -> std::pin::Pin<Box<dyn Future<Output = Result<u64, ValleyError>> + '_>> {
        Box::pin(self.submit(entry))
    }
    fn card(&mut self, key: PublicKey) -> std::pin::Pin<Box<dyn Future<Output = Result<u64, ValleyError>> + '_>> {
        Box::pin(async move { self.issue_card(&key).await })
    }
    fn redeem(&mut self, entry: Entry, address: ShippingAddress) -> std::pin::Pin<Box<dyn Future<Output = Result<u64, ValleyError>> + '_>> {
        Box::pin(self.redeem_merch(entry, address))
    }
}

/// The fonts keepsakes are drawn with: this machine's CJK font when it has one.
fn fonts_bytes() -> Option<(Vec<u8>, u32)> {
    match horizon::platform::cjk_font::read_cjk_font() {
        Some(Ok(font)) => Some(font),
        Some(Err(e)) => {
            eprintln!("{}", t!("cli-card-font-warning", error = e.to_string()));
            None
        }
        None => {
            eprintln!("{}", t!("cli-card-no-chinese-font"));
            None
        }
    }
}

fn read_picture(path: Option<&Path>) -> Result<Option<(Vec<u8>, u32, u32)>> {
    let Some(path) = path else { return Ok(None) };
    let bytes = std::fs::read(path).with_context(|| t!("cli-reading", path = path.display().to_string()))?;
    Ok(Some(decode_rgba(&bytes).with_context(|| format!("{}", path.display()))?))
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| t!("cli-writing", path = path.display().to_string()))
}

pub fn card(cmd: CardCommand, data: &DataDir) -> Result<ExitCode> {
    match cmd {
        CardCommand::Issue { picture, out } => issue_card(data, picture.as_deref(), &out),
        CardCommand::Share { picture, out } => share(data, picture.as_deref(), &out),
        CardCommand::Verify { file, key, ledger, server } => verify(&file, &key, ledger.as_deref(), server.as_deref()),
    }
}

fn issue_card(data: &DataDir, picture: Option<&Path>, out: &Path) -> Result<ExitCode> {
    let picture = read_picture(picture)?;
    let mut valley = Valley::open(data)?;
    valley.player()?;
    let me = valley.me();
    let standing = valley.player()?.card;
    let index = valley.ask(async move |v| v.card(me).await)?;
    let receipt = valley.receipt(index)?;
    let entry = Entry::from_bytes(&receipt.entry_bytes).with_context(|| t!("cli-card-entry"))?;
    let Body::TwinCard(card) = &entry.body else { bail!(t!("cli-card-not-a-twin-card", entry = index.to_string())) };
    let origin = valley.state().origin.clone();
    let text = receipt.to_text();
    let font = fonts_bytes();
    let fonts = Fonts::new(font.as_ref().map(|(b, f)| (b.as_slice(), *f)));
    let view = twin_card_image::TwinCardView {
        card,
        index,
        issued_ms: entry.time_ms,
        origin: &origin,
        receipt: &text,
        picture: picture.as_ref().map(|(rgba, width, height)| Picture { rgba, width: *width, height: *height }),
    };
    let canvas = twin_card_image::render(&view, &fonts, EconomyTables::bundled());
    write_file(out, &encode(&canvas, &text, &twin_card_image::description(&view)))?;
    if standing == Some(index) {
        println!("{}", t!("cli-card-unchanged", entry = index.to_string()));
    } else {
        println!("{}", t!("cli-card-recorded", place = valley.place(), entry = index.to_string()));
    }
    println!(
        "{}",
        t!(
            "cli-card-facts",
            level = card.level.to_string(),
            km = card.km.to_string(),
            stones = horizon::economy::format_stones(card.stones_milli),
            upgrades = card.upgrades.len().to_string()
        )
    );
    println!("{}", t!("cli-card-wrote", path = out.display().to_string(), width = canvas.width.to_string(), height = canvas.height.to_string()));
    println!("  horizon card verify {} --key '{}'", out.display(), valley.verifier_key());
    Ok(ExitCode::SUCCESS)
}

/// The best lap this device has driven (the game keeps it in DATA/game/progress.json).
fn best_lap(data: &DataDir) -> Option<(String, u64)> {
    let bytes = std::fs::read(data.0.join("game").join("progress.json")).ok()?;
    let doc: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    doc.get("best_laps")?
        .as_object()?
        .iter()
        .filter_map(|(route, s)| Some((route.clone(), (s.as_f64()? * 1000.0).round() as u64)))
        .filter(|(_, ms)| *ms > 0)
        .min_by_key(|(_, ms)| *ms)
}

fn share(data: &DataDir, picture: Option<&Path>, out: &Path) -> Result<ExitCode> {
    let picture = read_picture(picture)?;
    let valley = Valley::open(data)?;
    let p = valley.player()?.clone();
    let me = valley.me();
    let entries = valley.entries()?;
    let index = horizon::kiosk::keepsake::receipt_entry(&me, entries.iter().enumerate().map(|(i, e)| (i as u64, e)))
        .with_context(|| t!("cli-card-nothing-to-prove"))?;
    let receipt = valley.receipt(index)?.to_text();
    let lap = best_lap(data);
    let font = fonts_bytes();
    let fonts = Fonts::new(font.as_ref().map(|(b, f)| (b.as_slice(), *f)));
    let xp = horizon::ledger::keepsake_rules::ledger_xp(&p);
    let upgrades: Vec<String> = p.items.iter().cloned().collect();
    let view = share_card::ShareView {
        name: &p.name,
        level: horizon::twin::level_for_xp(xp),
        stones_milli: p.stones_milli,
        km: p.km_attested,
        upgrades: &upgrades,
        best_lap: lap.as_ref().map(|(r, ms)| (r.as_str(), *ms)),
        receipt: &receipt,
        receipt_index: index,
        picture: picture.as_ref().map(|(rgba, width, height)| Picture { rgba, width: *width, height: *height }),
    };
    let canvas = share_card::render(&view, &fonts);
    write_file(out, &encode(&canvas, &receipt, &share_card::description(&view)))?;
    println!(
        "{}",
        t!(
            "cli-share-wrote",
            path = out.display().to_string(),
            width = canvas.width.to_string(),
            height = canvas.height.to_string(),
            stones = horizon::economy::format_stones(p.stones_milli),
            level = view.level.to_string(),
            entry = index.to_string()
        )
    );
    println!("{}", t!("cli-share-check-with", path = out.display().to_string(), key = valley.verifier_key()));
    Ok(ExitCode::SUCCESS)
}

fn verify(file: &Path, key: &str, ledger: Option<&Path>, server: Option<&str>) -> Result<ExitCode> {
    let key = super::ledger::parse_key(key)?;
    let bytes = std::fs::read(file).with_context(|| t!("cli-reading", path = file.display().to_string()))?;
    let checked = match check_png(&bytes, &key) {
        Ok(c) => c,
        Err(e) => {
            println!("FAILED: {}: {e}", file.display());
            return Ok(ExitCode::FAILURE);
        }
    };
    let v = &checked.verified;
    let Some(card) = &checked.card else {
        println!("OK: {}", t!("cli-verify-keepsake", entry = v.index.to_string(), origin = v.checkpoint.origin.as_str(), size = v.checkpoint.size.to_string()));
        println!("{}", t!("cli-ledger-entry", entry = v.entry.summary()));
        return Ok(ExitCode::SUCCESS);
    };
    println!(
        "OK: {}",
        t!(
            "cli-verify-twin-card",
            name = format!("{:?}", card.name),
            entry = v.index.to_string(),
            origin = v.checkpoint.origin.as_str(),
            size = v.checkpoint.size.to_string()
        )
    );
    println!("{}", t!("cli-verify-player", player = card.player.to_string()));
    let car = match card.vehicle.as_deref() {
        Some(vehicle) => vehicle.to_string(),
        None => t!("cli-verify-no-car"),
    };
    println!("{}", t!("cli-verify-car", car = car));
    println!("{}", t!("cli-verify-level", level = card.level.to_string(), xp = card.xp.to_string()));
    println!("{}", t!("cli-verify-km", km = card.km.to_string()));
    println!("{}", t!("cli-verify-stones", stones = horizon::economy::format_stones(card.stones_milli)));
    let upgrades = if card.upgrades.is_empty() { t!("cli-verify-none") } else { card.upgrades.join(", ") };
    println!("{}", t!("cli-verify-upgrades", upgrades = upgrades));
    println!("{}", t!("cli-verify-issued", date = twin_card_image::date_of(v.entry.time_ms)));
    if let Some(previous) = card.supersedes {
        println!("{}", t!("cli-verify-replaces", entry = previous.to_string()));
    }
    println!("{}", t!("cli-verify-facts-note"));
    let standing = match (ledger, server) {
        (Some(dir), _) => {
            let (ledger, _) = Ledger::open_with(dir, None, Some(key.clone()), EconomyTables::shared()).with_context(|| t!("cli-opening-ledger", path = dir.display().to_string()))?;
            let size = ledger.checkpoint().size;
            horizon::keepsake::verify::standing(&checked, size, ledger.state(), |s| ledger.hashes().root_at(s).ok())
                .map(|s| (s, size, ledger.checkpoint().origin.clone()))
        }
        (None, Some(url)) => {
            let dir = std::env::temp_dir().join(format!("horizon-card-check-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            let result = super::sync::runtime().block_on(horizon::client::http::verified_replica(url, &dir, key.clone()));
            let replica = match result {
                Ok(r) => r,
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    bail!("{url}: {e}");
                }
            };
            let size = replica.size();
            let s = horizon::keepsake::verify::standing(&checked, size, replica.state(), |s| replica.root_at(s)).map(|s| (s, size, url.to_string()));
            let _ = std::fs::remove_dir_all(&dir);
            s
        }
        (None, None) => return Ok(ExitCode::SUCCESS),
    };
    match standing {
        Ok((CardStanding::Stands, size, place)) => {
            println!("STANDS: {}", t!("cli-verify-stands", place = place, size = size.to_string()));
            Ok(ExitCode::SUCCESS)
        }
        Ok((CardStanding::Superseded { by }, size, place)) => {
            println!("SUPERSEDED: {}", t!("cli-verify-superseded", entry = by.to_string(), place = place, size = size.to_string()));
            Ok(ExitCode::from(2))
        }
        Ok((CardStanding::CarTransferred { at }, size, place)) => {
            println!("ENDED: {}", t!("cli-verify-ended", entry = at.to_string(), place = place, size = size.to_string()));
            Ok(ExitCode::from(2))
        }
        Err(e) => {
            println!("FAILED: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub fn merch(cmd: MerchCommand, data: &DataDir) -> Result<ExitCode> {
    match cmd {
        MerchCommand::List => list(data),
        MerchCommand::Buy { item } => buy(data, item.trim()),
        MerchCommand::Address { name, phone, region, street, postcode } => address(data, name, phone, region, street, postcode),
        MerchCommand::Redeem { voucher } => redeem(data, voucher.trim()),
        MerchCommand::Orders => orders(data),
    }
}

fn list(data: &DataDir) -> Result<ExitCode> {
    let valley = Valley::open(data)?;
    let state = valley.state();
    let me = state.player(&valley.me());
    let Some(edition) = EconomyTables::bundled().merch.in_force(system_clock()) else {
        println!("{}", t!("cli-merch-not-open"));
        return Ok(ExitCode::SUCCESS);
    };
    println!("{}", t!("cli-merch-edition", edition = edition.short(), from = edition.from.to_string()));
    println!("{}", t!("cli-merch-list-header"));
    for m in &edition.items {
        let sold = state.merch_sold.get(&m.id).copied().unwrap_or(0);
        let mine = me.and_then(|p| p.merch.get(&m.id)).copied().unwrap_or(0);
        let name = format!("{} {}", m.name, m.name_zh);
        println!("{:<20} {:<34} {:>16} {:>10} {:>6}", m.id, name, m.price.describe(), format!("{}/{}", m.stock.saturating_sub(sold), m.stock), format!("{mine}/{}", m.per_player));
    }
    if let Some(p) = me {
        println!("{}", t!("cli-merch-you-have", stones = horizon::economy::format_stones(p.stones_milli), crystals = p.crystals.to_string()));
    }
    Ok(ExitCode::SUCCESS)
}

fn buy(data: &DataDir, item: &str) -> Result<ExitCode> {
    let mut valley = Valley::open(data)?;
    let (edition, m) = EconomyTables::bundled().merch.order_terms(item, system_clock()).map_err(|e| anyhow::anyhow!(t!("cli-merch-see-list", error = e)))?;
    let p = valley.player()?;
    let (have, need) = match m.price {
        MerchPrice::Stones { milli } => (p.stones_milli, milli),
        MerchPrice::Crystals { count } => (p.crystals, count),
    };
    if have < need {
        let have = match m.price {
            MerchPrice::Stones { .. } => t!("cli-merch-stones", stones = horizon::economy::format_stones(have)),
            MerchPrice::Crystals { .. } => t!("cli-merch-crystals", crystals = have.to_string()),
        };
        bail!(t!("cli-merch-too-dear", item = horizon::i18n::named("merch", &m.id, &m.name), price = m.price.describe(), have = have));
    }
    let entry = valley.sign(Body::MerchOrder { item: item.to_string(), price: m.price, edition: edition.digest })?;
    let voucher = voucher_id(&entry.actor, item, entry.nonce);
    let index = valley.ask(async move |v| v.submit_entry(entry).await)?;
    println!(
        "{}",
        t!("cli-merch-ordered", name = m.name.as_str(), name_zh = m.name_zh.as_str(), price = m.price.describe(), entry = index.to_string())
    );
    println!("{}", t!("cli-merch-voucher", voucher = voucher.as_str()));
    Ok(ExitCode::SUCCESS)
}

fn address(data: &DataDir, name: Option<String>, phone: Option<String>, region: Option<String>, street: Option<String>, postcode: String) -> Result<ExitCode> {
    let given = [&name, &phone, &region, &street].iter().filter(|f| f.is_some()).count();
    if given == 0 {
        match ShippingAddress::load(data).map_err(anyhow::Error::msg)? {
            Some(a) => println!("{}", a.one_line()),
            None => println!("{}", t!("cli-merch-no-address")),
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(name), Some(phone), Some(region), Some(street)) = (name, phone, region, street) else {
        bail!(t!("cli-merch-address-incomplete"));
    };
    let a = ShippingAddress { name, phone, region, street, postcode };
    if let Some(problem) = a.problem() {
        bail!("{problem}");
    }
    let path = a.save(data).map_err(anyhow::Error::msg)?;
    println!("{}", t!("cli-merch-address-saved", path = path.display().to_string(), address = a.one_line()));
    println!("{}", t!("cli-merch-address-private"));
    Ok(ExitCode::SUCCESS)
}

fn redeem(data: &DataDir, voucher: &str) -> Result<ExitCode> {
    let Some(address) = ShippingAddress::load(data).map_err(anyhow::Error::msg)? else {
        bail!(t!("cli-merch-redeem-no-address"));
    };
    let mut valley = Valley::open(data)?;
    let p = valley.player()?;
    let Some(v) = p.vouchers.iter().find(|v| v.id == voucher) else {
        bail!(t!("cli-merch-no-such-voucher", voucher = format!("{voucher:?}")));
    };
    if let Some(at) = v.redeemed {
        bail!(t!("cli-voucher-already-redeemed", voucher = voucher, entry = at.to_string()));
    }
    let item = v.item.clone();
    let entry = valley.sign(Body::Redeem { voucher: voucher.to_string() })?;
    let shipping = address.one_line();
    let index = valley.ask(async move |v| v.redeem(entry, address).await)?;
    println!("{}", t!("cli-merch-redeemed", voucher = voucher, item = item, entry = index.to_string()));
    println!("{}", t!("cli-merch-shipping-to", address = shipping));
    println!("{}", t!("cli-merch-address-went-to", place = valley.place()));
    Ok(ExitCode::SUCCESS)
}

fn orders(data: &DataDir) -> Result<ExitCode> {
    let dir = data.ledger();
    let (ledger, _) = Ledger::open_with(&dir, None, None, EconomyTables::shared()).with_context(|| t!("cli-opening-ledger", path = dir.display().to_string()))?;
    let shipments = horizon::valley::embedded::shipments(data, ledger.state())?;
    if shipments.is_empty() {
        println!("{}", t!("cli-merch-no-orders", origin = ledger.checkpoint().origin.as_str()));
    }
    for s in &shipments {
        println!("entry {:<8} {}  {:<20} {}", s.entry, s.record.voucher, s.record.item, s.record.address.one_line());
    }
    let waiting: usize = ledger.state().players.values().flat_map(|p| &p.vouchers).filter(|v| v.redeemed.is_none() && EconomyTables::bundled().merch_item(&v.item).is_some()).count();
    println!("{}", t!("cli-merch-to-ship", shipments = shipments.len().to_string(), waiting = waiting.to_string()));
    Ok(ExitCode::SUCCESS)
}
