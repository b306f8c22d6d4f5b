//! Builds a realistic signed ledger: owners and guests enrol and consent, owners' trips are
//! attested and their kilometres drawn for stones, tasks pay crystals, boxes are opened,
//! fragments combined and upgrades bought. Deterministic for a given seed. Used by the
//! benchmarks and by anyone who wants a ledger to try the tools on.

use std::path::Path;
use std::sync::Arc;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use super::checkpoint::NamedKey;
use super::entry::{Body, Entry, Pool, PublicKey, Role, Scope};
use super::merkle::{RootAccumulator, leaf_hash};
use super::replay::{DAILY_KM_CAP, DAY_MS, Deposit, PlayerState, Replay, Signatures};
use super::rules::box_draw_body;
use super::store::{Ledger, LedgerError};
use crate::economy::tasks::check_repeat;
use crate::economy::{EconomyTables, FRAGMENTS_PER_STONE};

/// Origin (and log key name) of simulated ledgers.
/// Local: a simulation attests self-reported trips, which only local ledgers allow.
pub const SIMULATION_ORIGIN: &str = "crypto-horizon.local/simulated-valley";
/// Entries per durable append.
const BATCH: usize = 1024;

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
    /// Mirror of the ledger's state (and tree) including the batch not yet appended.
    shadow: Replay<RootAccumulator>,
    batch: Vec<Entry>,
    time_ms: u64,
}

impl Simulation {
    fn push(&mut self, signer: Option<usize>, body: Body) -> Result<(), LedgerError> {
        let key = match signer {
            Some(p) => &self.players[p].key,
            None => &self.authority,
        };
        let nonce = self.shadow.state().next_nonce(&key.public_key());
        let entry = Entry::sign(body, &key.signing_key, nonce, self.time_ms)?;
        self.shadow.step_entry(&entry, &entry.to_bytes(), Signatures::Trusted).expect("the simulation only writes valid entries");
        self.batch.push(entry);
        self.time_ms += 1 + self.rng.next_u64() % 60_000;
        Ok(())
    }

    /// Nothing to do for this player now: let an hour pass.
    fn idle(&mut self) {
        self.time_ms += 3_600_000;
    }

    fn seed32(&mut self) -> [u8; 32] {
        let mut s = [0u8; 32];
        self.rng.fill_bytes(&mut s);
        s
    }

    fn tables(&self) -> Arc<EconomyTables> {
        self.shadow.tables().clone()
    }

    fn pk(&self, p: usize) -> PublicKey {
        self.players[p].key.public_key()
    }

    fn today(&self) -> u32 {
        (self.time_ms / DAY_MS) as u32
    }

    fn trip(&mut self, p: usize) -> Result<(), LedgerError> {
        let day = self.today();
        if self.players[p].day != day {
            self.players[p].day = day;
            self.players[p].km_today = 0;
        }
        let km = ((5 + self.rng.next_u64() % 80) as u32).min(DAILY_KM_CAP - self.players[p].km_today);
        if km == 0 {
            self.idle();
            return Ok(());
        }
        self.players[p].km_today += km;
        let player = self.pk(p);
        let first_km = self.shadow.state().player(&player).expect("enrolled").km_attested;
        let trip = self.seed32();
        let beacon = self.shadow.state().beacon_at(day, self.shadow.tree().root().0);
        self.push(None, Body::MileageAttestation { player, trip, day, km, first_km, beacon })
    }

    fn mine(&mut self, p: usize, deposit: Deposit) -> Result<(), LedgerError> {
        let player = self.pk(p);
        let body = Body::Mint {
            player,
            pool: Pool::Mileage,
            amount_milli: deposit.amount_milli,
            cause: deposit.cause,
            km_index: deposit.km_index,
        };
        self.push(None, body)
    }

    fn open_box(&mut self, p: usize) -> Result<(), LedgerError> {
        let player = self.pk(p);
        let state = self.shadow.state().player(&player).expect("enrolled").clone();
        let (server_seed, client_seed) = (self.seed32(), self.seed32());
        let body = box_draw_body(self.shadow.tables(), self.shadow.state(), player, &state, server_seed, client_seed);
        self.push(None, body)
    }

    /// Something a player could buy now, if anything.
    fn affordable_upgrade(&mut self, state: &PlayerState) -> Option<(String, u64)> {
        let tables = self.tables();
        let options: Vec<_> = tables
            .upgrades
            .iter()
            .filter(|u| !u.box_only && u.price_milli <= state.stones_milli && !state.items.contains(&u.id))
            .filter(|u| u.requires.as_ref().is_none_or(|r| state.items.contains(r)))
            .collect();
        if options.is_empty() {
            return None;
        }
        let u = options[(self.rng.next_u64() % options.len() as u64) as usize];
        Some((u.id.clone(), u.price_milli))
    }

    /// A task the player may still be rewarded for today, if any.
    fn open_task(&mut self, state: &PlayerState) -> Option<(String, u64)> {
        let today = self.today();
        let tables = self.tables();
        let options: Vec<_> = tables.tasks.iter().filter(|t| check_repeat(t.repeat, state.tasks.get(&t.id).copied(), today).is_ok()).collect();
        if options.is_empty() {
            return None;
        }
        let t = options[(self.rng.next_u64() % options.len() as u64) as usize];
        Some((t.id.clone(), t.crystals))
    }

    fn step(&mut self) -> Result<(), LedgerError> {
        let p = (self.rng.next_u64() % self.players.len() as u64) as usize;
        let player = self.pk(p);
        let state = self.shadow.state().player(&player).expect("enrolled").clone();
        let owner = self.players[p].owner;
        let price = self.tables().boxes.price_crystals;
        let choice = self.rng.next_u64() % 100;
        if let Some(deposit) = state.deposits.values().next().copied()
            && choice < 70
        {
            return self.mine(p, deposit);
        }
        match choice {
            0..30 if owner => self.trip(p),
            _ if state.fragments >= FRAGMENTS_PER_STONE => {
                let fragments = (state.fragments / FRAGMENTS_PER_STONE * FRAGMENTS_PER_STONE) as u32;
                self.push(Some(p), Body::Combine { fragments })
            }
            30..50 if owner => match self.affordable_upgrade(&state) {
                Some((item, price_milli)) => self.push(Some(p), Body::Purchase { item, price_milli }),
                None => self.trip(p),
            },
            _ if state.crystals >= price && choice % 2 == 0 => self.open_box(p),
            _ => match self.open_task(&state) {
                Some((task, amount)) => self.push(None, Body::CrystalAward { player, amount, task }),
                None if owner => self.trip(p),
                None if state.crystals >= price => self.open_box(p),
                None => {
                    self.idle();
                    Ok(())
                }
            },
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
    tables: Arc<EconomyTables>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<SimulationSummary, LedgerError> {
    let mut rng = ChaCha20Rng::seed_from_u64(opts.seed);
    let mut seed = [0u8; 32];
    rng.fill_bytes(&mut seed);
    let authority = NamedKey::from_seed(SIMULATION_ORIGIN, seed).expect("valid origin");
    let mut ledger = Ledger::create_with(dir, authority.clone(), opts.start_ms, tables)?;
    let mut genesis_tree = RootAccumulator::default();
    genesis_tree.push(leaf_hash(&ledger.read_entry(0)?.1));
    let mut sim = Simulation {
        rng,
        players: Vec::new(),
        authority,
        shadow: Replay::resume(ledger.tables().clone(), None, ledger.state().clone(), genesis_tree),
        batch: Vec::new(),
        time_ms: opts.start_ms + 1,
    };
    for i in 0..opts.players.max(1) {
        let mut seed = [0u8; 32];
        sim.rng.fill_bytes(&mut seed);
        let key = NamedKey::from_seed("player", seed).expect("valid name");
        let owner = i % 5 != 4; // four owners to one guest
        // A car has one owner: the index keeps the pseudonyms apart.
        let role = if owner { Role::Owner { vehicle: format!("EV-{:04X}-{i}", sim.rng.next_u32() & 0xFFFF) } } else { Role::Guest };
        let player = key.public_key();
        sim.players.push(SimPlayer { key, owner, day: 0, km_today: 0 });
        sim.push(None, Body::Enrol { player, role, name: format!("driver-{i}") })?;
        if owner {
            sim.push(Some(i), Body::Consent { scope: Scope::Mileage, granted: true })?;
            sim.push(Some(i), Body::Consent { scope: Scope::Behaviour, granted: true })?;
        }
    }
    while sim.shadow.state().entries < opts.entries {
        sim.step()?;
        if sim.batch.len() >= BATCH {
            ledger.append(&std::mem::take(&mut sim.batch))?;
            progress(ledger.size(), opts.entries);
        }
    }
    ledger.append(&std::mem::take(&mut sim.batch))?;
    progress(ledger.size(), opts.entries);
    Ok(SimulationSummary { entries: ledger.size(), verifier_key: ledger.verifier_key().text.clone() })
}
