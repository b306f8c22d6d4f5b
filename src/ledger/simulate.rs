//! Builds a realistic signed ledger: owners and guests enrol and consent, owners' trips are
//! attested and their kilometres drawn for stones, tasks pay crystals, boxes are opened,
//! fragments combined and upgrades bought. Deterministic for a given seed. Used by the
//! benchmarks and by anyone who wants a ledger to try the tools on.

use std::path::Path;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};
use sha2::{Digest, Sha256};

use super::checkpoint::NamedKey;
use super::entry::{Body, Entry, Prize, PublicKey, Role, Scope};
use super::replay::{DAILY_KM_CAP, LedgerState};
use super::store::{Ledger, LedgerError};
use crate::economy::mileage::{ERA0_STONES_PER_MILLION_KM, km_draw_hits};
use crate::economy::{FRAGMENTS_PER_STONE, MILLI_PER_STONE};

/// Origin (and log key name) of simulated ledgers.
pub const SIMULATION_ORIGIN: &str = "crypto-horizon.example/simulated-valley";
/// Price of one blind box in crystals (DESIGN 3).
const BOX_PRICE: u64 = 100;
/// Entries per durable append.
const BATCH: usize = 1024;
/// Upgrades the simulated players buy, with prices in milli-stones.
const UPGRADES: [(&str, u64); 4] =
    [("motor-t1", 2_000), ("tyres-t1", 1_000), ("battery-t1", 3_000), ("paint-aurora", 1_000)];

#[derive(Clone, Debug)]
pub struct SimulationOptions {
    pub players: usize,
    pub entries: u64,
    pub seed: u64,
    /// Simulated start time, Unix milliseconds.
    pub start_ms: u64,
}

struct SimPlayer {
    key: NamedKey,
    owner: bool,
    day: u32,
    km_today: u32,
}

struct Simulation {
    rng: ChaCha20Rng,
    players: Vec<SimPlayer>,
    authority: NamedKey,
    /// Mirror of the ledger's state including the batch not yet appended.
    shadow: LedgerState,
    batch: Vec<Entry>,
    time_ms: u64,
    beacon: [u8; 32],
}

impl Simulation {
    fn push(&mut self, signer: Option<usize>, body: Body) -> Result<(), LedgerError> {
        let key = match signer {
            Some(p) => &self.players[p].key,
            None => &self.authority,
        };
        let nonce = self.shadow.next_nonce(&key.public_key());
        let entry = Entry::sign(body, &key.signing_key, nonce, self.time_ms)?;
        let index = self.shadow.entries;
        self.shadow.apply(index, &entry).expect("the simulation only writes valid entries");
        self.batch.push(entry);
        self.time_ms += 1 + self.rng.next_u64() % 60_000;
        Ok(())
    }

    fn seed32(&mut self) -> [u8; 32] {
        let mut s = [0u8; 32];
        self.rng.fill_bytes(&mut s);
        s
    }

    fn pk(&self, p: usize) -> PublicKey {
        self.players[p].key.public_key()
    }

    fn trip(&mut self, p: usize) -> Result<(), LedgerError> {
        let day = (self.time_ms / 86_400_000) as u32;
        let player = &mut self.players[p];
        if player.day != day {
            player.day = day;
            player.km_today = 0;
        }
        let km = (5 + self.rng.next_u64() % 80) as u32;
        let km = km.min(DAILY_KM_CAP - self.players[p].km_today);
        if km == 0 {
            return Ok(());
        }
        self.players[p].km_today += km;
        let pk = self.pk(p);
        let first_km = self.shadow.player(&pk).expect("enrolled").km_attested;
        let trip = self.seed32();
        let beacon = self.beacon;
        let cause = self.shadow.entries;
        self.push(None, Body::MileageAttestation { player: pk, trip, day, km, first_km, beacon })?;
        for km_index in first_km..first_km + u64::from(km) {
            if km_draw_hits(&beacon, &pk, km_index, ERA0_STONES_PER_MILLION_KM) {
                let body = Body::Mint {
                    player: pk,
                    pool: super::entry::Pool::Mileage,
                    amount_milli: MILLI_PER_STONE,
                    cause,
                    km_index,
                };
                self.push(None, body)?;
            }
        }
        Ok(())
    }

    fn open_box(&mut self, p: usize) -> Result<(), LedgerError> {
        let pk = self.pk(p);
        let state = self.shadow.player(&pk).expect("enrolled").clone();
        let server_seed = self.seed32();
        let client_seed = self.seed32();
        let roll = Sha256::new()
            .chain_update(server_seed)
            .chain_update(client_seed)
            .chain_update(state.boxes_opened.to_be_bytes())
            .finalize();
        let roll = u32::from_be_bytes(roll[..4].try_into().expect("4 bytes")) % 10_000;
        let prize = match (self.players[p].owner, roll) {
            (true, _) if state.pity >= 79 => Prize::Stone { amount_milli: MILLI_PER_STONE },
            (true, 0..100) => Prize::Stone { amount_milli: MILLI_PER_STONE },
            (true, 100..1100) => Prize::Fragments { count: 1 },
            (_, r) if r % 10 == 0 => Prize::Crystals { count: 20 },
            (_, r) => Prize::Gift { item: ["paint-aurora", "decal-spire", "horn-chime"][r as usize % 3].into() },
        };
        let body = Body::BoxDraw {
            player: pk,
            price_crystals: BOX_PRICE,
            table: Sha256::digest(b"simulated odds table").into(),
            commitment: Sha256::digest(server_seed).into(),
            server_seed,
            client_seed,
            draw: state.boxes_opened,
            pity: state.pity,
            prize,
        };
        self.push(None, body)
    }

    fn step(&mut self) -> Result<(), LedgerError> {
        let p = (self.rng.next_u64() % self.players.len() as u64) as usize;
        let pk = self.pk(p);
        let state = self.shadow.player(&pk).expect("enrolled");
        let (crystals, fragments, stones) = (state.crystals, state.fragments, state.stones_milli);
        let owner = self.players[p].owner;
        let choice = self.rng.next_u64() % 100;
        match choice {
            0..45 if owner => self.trip(p),
            _ if fragments >= FRAGMENTS_PER_STONE => {
                self.push(Some(p), Body::Combine { fragments: (fragments / FRAGMENTS_PER_STONE * FRAGMENTS_PER_STONE) as u32 })
            }
            45..60 if owner && stones >= 1_000 => {
                let (item, price) = UPGRADES[(self.rng.next_u64() % 4) as usize];
                let price = price.min(stones);
                self.push(Some(p), Body::Purchase { item: item.into(), price_milli: price })
            }
            _ if crystals >= BOX_PRICE && choice % 2 == 0 => self.open_box(p),
            _ => {
                let amount = 10 + self.rng.next_u64() % 50;
                let task = ["visit-lookout", "lap-lakeside", "daily-streak", "drive-10km"][(choice % 4) as usize];
                self.push(None, Body::CrystalAward { player: pk, amount, task: task.into() })
            }
        }
    }
}

/// What a simulation wrote.
#[derive(Debug)]
pub struct SimulationSummary {
    pub entries: u64,
    pub verifier_key: String,
}

/// Writes a simulated ledger of at least `entries` entries (a trip's mints are not split) to
/// `dir`, calling `progress(done, total)` after each batch.
pub fn simulate_ledger(
    dir: &Path,
    opts: &SimulationOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SimulationSummary, LedgerError> {
    let mut rng = ChaCha20Rng::seed_from_u64(opts.seed);
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    let authority = NamedKey::from_seed(SIMULATION_ORIGIN, seed).expect("valid origin");
    let mut ledger = Ledger::create(dir, authority.clone(), opts.start_ms)?;
    let mut sim = Simulation {
        rng,
        players: Vec::new(),
        authority,
        shadow: ledger.state().clone(),
        batch: Vec::new(),
        time_ms: opts.start_ms + 1,
        beacon: ledger.checkpoint().root.0,
    };
    for i in 0..opts.players.max(1) {
        let mut seed = [0u8; 32];
        sim.rng.fill_bytes(&mut seed);
        let key = NamedKey::from_seed("player", seed).expect("valid name");
        let owner = i % 5 != 4; // four owners to one guest
        let role = if owner { Role::Owner { vehicle: format!("EV-{:04X}", sim.rng.next_u32() & 0xFFFF) } } else { Role::Guest };
        let player = key.public_key();
        sim.players.push(SimPlayer { key, owner, day: 0, km_today: 0 });
        sim.push(None, Body::Enrol { player, role, name: format!("driver-{i}") })?;
        if owner {
            sim.push(Some(i), Body::Consent { scope: Scope::Mileage, granted: true })?;
            sim.push(Some(i), Body::Consent { scope: Scope::Behaviour, granted: true })?;
        }
    }
    while sim.shadow.entries < opts.entries {
        sim.step()?;
        if sim.batch.len() >= BATCH {
            ledger.append(&std::mem::take(&mut sim.batch))?;
            sim.beacon = ledger.checkpoint().root.0;
            progress(ledger.size(), opts.entries);
        }
    }
    ledger.append(&std::mem::take(&mut sim.batch))?;
    progress(ledger.size(), opts.entries);
    Ok(SimulationSummary { entries: ledger.size(), verifier_key: ledger.verifier_key().text.clone() })
}
