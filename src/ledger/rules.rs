//! The ledger's rules, one function per kind of entry: each checks an entry against the
//! state before it and, if it keeps every rule, applies it. The economy's own rules (drops,
//! draws, task repeats, prices) come from `economy`, with the tables passed in.
//!
//! What replay recomputes rather than trusts: each mileage attestation's drops (the draw of
//! every km from the day's beacon, at the era's rate, capped so the pool is never exceeded),
//! each box's prize (from its revealed seed and the published table), each purchase's price
//! (from the catalogue), each task's reward.

use super::entry::{Body, Entry, Pool, Prize, PublicKey, Role, Scope};
use super::state::{DAILY_KM_CAP, DAY_MS, Deposit, LedgerState, PlayerState, Violation, Voucher, add, take, voucher_id};
use crate::economy::boxes::{self, DrawError, DrawRecord};
use crate::economy::tables::Category;
use crate::economy::tasks::{AlreadyRewarded, check_repeat};
use crate::economy::{
    CULTIVATION_POOL_CAP_MILLI, EconomyTables, FRAGMENTS_PER_STONE, MILEAGE_POOL_CAP_MILLI, MILLI_PER_STONE, mileage,
};

/// Where an entry sits: its index, its UTC day, its actor.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) index: u64,
    pub(super) day: u32,
    pub(super) entry: &'a Entry,
    /// An organiser's grant stands behind this award.
    pub(super) granted: bool,
}

impl LedgerState {
    /// Checks entry `index` against everything before it and, if it keeps every rule, applies
    /// it; on error nothing that matters changes. `root_before` gives the tree root before
    /// this entry; it is called only on the first entry of a day (to fix that day's beacon).
    /// Signatures are checked by the caller (in batches).
    pub fn apply(
        &mut self,
        tables: &EconomyTables,
        index: u64,
        entry: &Entry,
        root_before: impl FnOnce() -> [u8; 32],
    ) -> Result<(), Violation> {
        let day = (entry.time_ms / DAY_MS) as u32;
        if self.last_day.is_none_or(|d| day > d) {
            self.beacons.insert(day, root_before());
            self.last_day = Some(day);
        }
        self.check_envelope(index, entry)?;
        let at = At { index, day, entry, granted: false };
        match &entry.body {
            Body::Genesis { origin, mileage_cap_milli, cultivation_cap_milli } => {
                self.genesis(&at, origin, (*mileage_cap_milli, *cultivation_cap_milli))
            }
            Body::Enrol { player, role, name } => self.enrol(player, role, name),
            Body::Consent { scope, granted } => self.consent(&at, *scope, *granted),
            Body::MileageAttestation { player, trip, day, km, first_km, beacon } => {
                self.attest(&at, player, trip, (*day, *km, *first_km), beacon)
            }
            Body::Mint { player, pool, amount_milli, cause, km_index } => self.mint(player, *pool, *amount_milli, *cause, *km_index),
            Body::CrystalAward { player, amount, task } => self.award(tables, &at, player, *amount, task),
            Body::BoxDraw { player, price_crystals, table, commitment, server_seed, client_seed, draw, pity, prize } => {
                let record = DrawRecord { price_crystals: *price_crystals, table, commitment, server_seed, client_seed, draw: *draw, pity: *pity, prize };
                self.box_draw(tables, player, &record)
            }
            Body::Purchase { item, price_milli } => self.purchase(tables, &at, item, *price_milli),
            Body::Combine { fragments } => self.combine(&at, *fragments),
            Body::TrustMaker { maker, name } => self.trust_maker(*maker, name),
            Body::Provision(p) => self.provision(entry, p),
            Body::Bind(b) => self.bind(index, entry, b),
            Body::CarTrip { player, trip, km, first_km } => self.car_trip(index, entry, player, trip, *km, *first_km),
            Body::BoxCommit { player, commitment } => self.box_commit(tables, index, player, commitment),
            Body::Redeem { voucher } => self.redeem(&at, voucher),
            Body::TrustOrganiser { organiser, name } => self.trust_organiser(*organiser, name),
            Body::GrantAward { player, task, amount, grant } => self.grant_award(tables, &at, player, task, *amount, grant),
            Body::BoxOpen { commitment, client_seed } => self.box_open(&at, commitment, client_seed),
            Body::MerchOrder { item, price, edition } => self.merch_order(tables, &at, item, price, edition),
            Body::TwinCard(card) => self.twin_card(&at, card),
        }?;
        let kind = entry.kind();
        self.nonces.insert(entry.actor, entry.nonce);
        self.last_entry.insert(entry.actor, index);
        self.entries += 1;
        *self.entries_by_kind.entry(kind).or_default() += 1;
        Ok(())
    }

    /// What every entry must be: genesis first and only first, signed by the right actor,
    /// with a fresh nonce.
    fn check_envelope(&self, index: u64, entry: &Entry) -> Result<(), Violation> {
        let kind = entry.kind();
        let actor = entry.actor;
        match (index, &entry.body) {
            (0, Body::Genesis { .. }) => {}
            (0, _) => return Err(Violation::MissingGenesis(kind)),
            (_, Body::Genesis { .. }) => return Err(Violation::SecondGenesis),
            _ => {}
        }
        if index > 0 {
            let authority = self.authority.expect("set by genesis");
            if kind.signed_by_authority() && actor != authority {
                return Err(Violation::NotAuthority { kind, actor });
            }
            if !kind.signed_by_authority() && !self.players.contains_key(&actor) {
                return Err(Violation::UnknownActor { kind, actor });
            }
        }
        if let Some(&last) = self.nonces.get(&actor)
            && entry.nonce <= last
        {
            return Err(Violation::ReusedNonce { actor, nonce: entry.nonce, last });
        }
        Ok(())
    }

    fn genesis(&mut self, at: &At, origin: &str, caps: (u64, u64)) -> Result<(), Violation> {
        if caps != (MILEAGE_POOL_CAP_MILLI, CULTIVATION_POOL_CAP_MILLI) {
            return Err(Violation::WrongCaps(caps.0, caps.1));
        }
        let actor = at.entry.actor;
        if actor.verifying_key().is_none() {
            return Err(Violation::BadKey(actor));
        }
        self.origin = origin.to_string();
        self.self_reported_mints = super::state::is_local_origin(origin);
        self.authority = Some(actor);
        Ok(())
    }

    fn enrol(&mut self, player: &PublicKey, role: &Role, name: &str) -> Result<(), Violation> {
        if self.players.contains_key(player) {
            return Err(Violation::AlreadyEnrolled(*player));
        }
        if Some(*player) == self.authority {
            return Err(Violation::AuthorityAsPlayer);
        }
        if player.verifying_key().is_none() {
            return Err(Violation::BadKey(*player));
        }
        // One owner per car: otherwise every identity could claim the same car's kilometres.
        if let Role::Owner { vehicle } = role {
            if self.car(vehicle).is_some() {
                return Err(Violation::ProvisionedCar(vehicle.clone()));
            }
            if let Some(owner) = self.owner_of(vehicle) {
                return Err(Violation::VehicleOwned { vehicle: vehicle.clone(), owner });
            }
            self.owners.insert(super::state::vehicle_key(vehicle), *player);
        }
        let mut p = PlayerState::new(name.to_string(), role.clone());
        p.draws_as_owner = p.is_owner() && self.self_reported_mints;
        self.players.insert(*player, p);
        Ok(())
    }

    fn consent(&mut self, at: &At, scope: Scope, granted: bool) -> Result<(), Violation> {
        self.players.get_mut(&at.entry.actor).expect("checked by the envelope").consents.insert(scope, granted);
        Ok(())
    }

    /// A mileage attestation: `trip` driven on `day`, `km` kilometres from `first_km` on.
    fn attest(&mut self, at: &At, player: &PublicKey, trip: &[u8; 32], (day, km, first_km): (u32, u32, u64), beacon: &[u8; 32]) -> Result<(), Violation> {
        if !self.self_reported_mints {
            return Err(Violation::SelfReportedMint);
        }
        let p = self.owner(player)?;
        if p.trips.contains(trip) {
            return Err(Violation::TripAttestedTwice(hex::encode(&trip[..8])));
        }
        if !p.consented(Scope::Mileage) {
            return Err(Violation::NoMileageConsent(*player));
        }
        if day > at.day {
            return Err(Violation::FutureTrip { trip_day: day, entry_day: at.day });
        }
        let expected = self.beacon_for_day(day).expect("today's beacon was just recorded");
        if *beacon != expected {
            return Err(Violation::WrongBeacon { day, expected: hex::encode(expected) });
        }
        if first_km != p.km_attested {
            return Err(Violation::KmNotContiguous { player: *player, expected: p.km_attested, found: first_km });
        }
        let total = add(p.day_km.get(&day).copied().unwrap_or(0), u64::from(km))?;
        if total > u64::from(DAILY_KM_CAP) {
            return Err(Violation::DailyCap { player: *player, day, total });
        }
        self.drop_deposits(player, beacon, (first_km, km), at.index, at.day)?;
        let p = self.players.get_mut(player).expect("checked above");
        p.day_km.insert(day, total);
        p.trips.insert(*trip);
        Ok(())
    }

    /// Draws `km` attested kilometres of `player` from `first_km` on with `seed` and drops
    /// what they pay as deposits caused by entry `cause` on `day`; the player's and the
    /// network's km move on. The caller has checked everything else; this fails (changing
    /// nothing) only on an overflow.
    pub(super) fn drop_deposits(&mut self, player: &PublicKey, seed: &[u8; 32], (first_km, km): (u64, u32), cause: u64, day: u32) -> Result<(), Violation> {
        let p = self.enrolled(player)?;
        let km_attested = add(p.km_attested, u64::from(km))?;
        let network_km = add(self.network_km, u64::from(km))?;
        let drops = mileage::drops(seed, &player.0, first_km, km, self.network_km);
        let paid = mileage::pay_drops(&drops, self.supply.mileage_earned_milli);
        let p = self.players.get_mut(player).expect("checked above");
        for &(km_index, amount_milli) in &paid {
            p.deposits.insert(km_index, Deposit { cause, km_index, amount_milli, day });
        }
        p.km_attested = km_attested;
        self.supply.mileage_earned_milli += paid.iter().map(|(_, amount)| amount).sum::<u64>();
        self.network_km = network_km;
        Ok(())
    }

    fn mint(&mut self, player: &PublicKey, pool: Pool, amount_milli: u64, cause: u64, km_index: u64) -> Result<(), Violation> {
        // Enrolled is enough: deposits exist only for owners, and a deposit earned stays
        // minable after the car changes hands.
        let p = self.enrolled(player)?;
        if pool == Pool::Cultivation {
            return Err(Violation::CultivationMint);
        }
        let deposit = p.deposits.get(&km_index).filter(|d| d.cause == cause).ok_or(if p.is_owner() {
            Violation::NoSuchDeposit { cause, km_index }
        } else {
            Violation::GuestCannotMine(*player)
        })?;
        if deposit.amount_milli != amount_milli {
            return Err(Violation::WrongMintAmount { expected: deposit.amount_milli, found: amount_milli });
        }
        let stones = add(p.stones_milli, amount_milli)?;
        self.supply = self.issue(pool, amount_milli)?;
        let p = self.players.get_mut(player).expect("checked above");
        p.stones_milli = stones;
        p.deposits.remove(&km_index);
        Ok(())
    }

    pub(super) fn award(&mut self, tables: &EconomyTables, at: &At, player: &PublicKey, amount: u64, task: &str) -> Result<(), Violation> {
        let p = self.enrolled(player)?;
        let t = tables.task(task).ok_or_else(|| Violation::UnknownTask(task.to_string()))?;
        // Co-creation crystals on a shared valley come with an organiser's grant only.
        if t.kind == crate::economy::tables::TaskKind::CoCreation && !self.self_reported_mints && !at.granted {
            return Err(Violation::GrantNeeded(task.to_string()));
        }
        if t.crystals != amount {
            return Err(Violation::WrongReward { task: task.to_string(), expected: t.crystals, found: amount });
        }
        check_repeat(t.repeat, p.tasks.get(task).copied(), at.day).map_err(|done| match done {
            AlreadyRewarded::Once => Violation::TaskDone(task.to_string()),
            AlreadyRewarded::Today => Violation::TaskDoneToday(task.to_string()),
        })?;
        let crystals = add(p.crystals, amount)?;
        let xp = add(p.task_xp, t.xp)?;
        let p = self.players.get_mut(player).expect("checked above");
        p.crystals = crystals;
        p.task_xp = xp;
        p.tasks.insert(task.to_string(), at.day);
        Ok(())
    }

    /// A box's commitment, recorded before the player picks a seed: one waits at a time, and
    /// only a player who can pay for the box may have one (no free ledger entries).
    fn box_commit(&mut self, tables: &EconomyTables, index: u64, player: &PublicKey, commitment: &[u8; 32]) -> Result<(), Violation> {
        let p = self.enrolled(player)?;
        if p.open_box.is_some() {
            return Err(Violation::BoxAlreadyCommitted(*player));
        }
        take(*player, "crystals", p.crystals, tables.boxes.price_crystals)?;
        let p = self.players.get_mut(player).expect("checked above");
        p.open_box = Some(super::state::OpenBox { index, commitment: *commitment, seq: p.boxes_committed, client_seed: None });
        p.boxes_committed += 1;
        Ok(())
    }

    /// The player's signed seed for their recorded commitment: once per box.
    fn box_open(&mut self, at: &At, commitment: &[u8; 32], client_seed: &[u8; 32]) -> Result<(), Violation> {
        let actor = at.entry.actor;
        let p = self.players.get_mut(&actor).expect("checked by the envelope");
        let open = p.open_box.as_mut().filter(|o| o.commitment == *commitment).ok_or_else(|| Violation::NoBoxToOpen(actor, hex::encode(&commitment[..8])))?;
        if open.client_seed.is_some() {
            return Err(Violation::BoxAlreadyOpening(actor));
        }
        open.client_seed = Some(*client_seed);
        Ok(())
    }

    fn box_draw(&mut self, tables: &EconomyTables, player: &PublicKey, d: &DrawRecord) -> Result<(), Violation> {
        let p = self.enrolled(player)?;
        // The draw opens the commitment recorded before it. (Local ledgers from before
        // commitments were recorded have draws without one.)
        match p.open_box {
            Some(open) if open.commitment != *d.commitment => {
                return Err(Violation::CommitmentNotRecorded { player: *player, recorded: hex::encode(&open.commitment[..8]), found: hex::encode(&d.commitment[..8]) });
            }
            None if !self.self_reported_mints => return Err(Violation::NoRecordedCommitment(*player)),
            _ => {}
        }
        // The draw uses the seed the player signed (required in a shared valley).
        match p.open_box.and_then(|o| o.client_seed) {
            Some(signed) if signed != *d.client_seed => return Err(Violation::SeedNotSigned(*player)),
            None if !self.self_reported_mints => return Err(Violation::SeedNotSigned(*player)),
            _ => {}
        }
        boxes::check_terms(tables, d).map_err(draw_violation)?;
        if d.draw != p.boxes_opened {
            return Err(Violation::BadDrawNumber { player: *player, expected: p.boxes_opened, found: d.draw });
        }
        if d.pity != p.pity {
            return Err(Violation::BadPity { player: *player, expected: p.pity, found: d.pity });
        }
        boxes::check_prize(tables, p.draws_as_owner, self.supply.cultivation_left_milli(), d).map_err(draw_violation)?;
        let mut next = p.clone();
        next.crystals = take(*player, "crystals", p.crystals, d.price_crystals)?;
        next.boxes_opened += 1;
        next.open_box = None;
        next.pity = tables.boxes.odds(p.draws_as_owner).next_pity(p.pity, d.prize);
        let mut supply = self.supply;
        match d.prize {
            Prize::Gift { item } => {
                next.items.insert(item.clone());
            }
            Prize::Crystals { count } => next.crystals = add(next.crystals, *count)?,
            Prize::Fragments { .. } | Prize::Stone { .. } if !p.draws_as_owner => return Err(Violation::GuestPrize(*player)),
            Prize::Fragments { count } => {
                supply = self.issue(Pool::Cultivation, d.prize.pool_cost_milli())?;
                next.fragments = add(next.fragments, u64::from(*count))?;
            }
            Prize::Stone { amount_milli } => {
                supply = self.issue(Pool::Cultivation, *amount_milli)?;
                next.stones_milli = add(next.stones_milli, *amount_milli)?;
            }
        }
        self.supply = supply;
        self.players.insert(*player, next);
        Ok(())
    }

    fn purchase(&mut self, tables: &EconomyTables, at: &At, item: &str, price_milli: u64) -> Result<(), Violation> {
        let actor = at.entry.actor;
        let p = self.enrolled(&actor)?;
        let u = tables.upgrade(item).ok_or_else(|| Violation::UnknownItem(item.to_string()))?;
        if u.box_only {
            return Err(Violation::BoxOnlyItem(item.to_string()));
        }
        if u.price_milli != price_milli {
            return Err(Violation::WrongPrice { item: item.to_string(), expected: u.price_milli, found: price_milli });
        }
        if p.items.contains(item) {
            return Err(Violation::AlreadyOwned(item.to_string()));
        }
        if let Some(req) = &u.requires
            && !p.items.contains(req)
        {
            return Err(Violation::MissingRequirement { item: item.to_string(), requires: req.clone() });
        }
        let stones = take(actor, "milli-stones", p.stones_milli, price_milli)?;
        let p = self.players.get_mut(&actor).expect("checked above");
        p.stones_milli = stones;
        p.items.insert(item.to_string());
        if u.category == Category::Entitlement {
            p.vouchers.push(Voucher { id: voucher_id(&actor, item, at.entry.nonce), item: item.to_string(), redeemed: None });
        }
        Ok(())
    }

    /// An owner-signed redemption: a voucher id is public (anyone can recompute it from the
    /// ledger), so what redeems it is its owner's signature, once.
    fn redeem(&mut self, at: &At, voucher: &str) -> Result<(), Violation> {
        let actor = at.entry.actor;
        if let Some(&done) = self.redeemed.get(voucher) {
            return Err(Violation::VoucherRedeemed { id: voucher.to_string(), at: done });
        }
        let p = self.players.get_mut(&actor).expect("checked by the envelope");
        let v = p.vouchers.iter_mut().find(|v| v.id == voucher).ok_or_else(|| Violation::NotYourVoucher(voucher.to_string()))?;
        v.redeemed = Some(at.index);
        self.redeemed.insert(voucher.to_string(), at.index);
        Ok(())
    }

    fn combine(&mut self, at: &At, fragments: u32) -> Result<(), Violation> {
        let actor = at.entry.actor;
        let p = self.enrolled(&actor)?;
        let n = u64::from(fragments);
        if n == 0 || n % FRAGMENTS_PER_STONE != 0 {
            return Err(Violation::BadCombine(fragments));
        }
        let left = take(actor, "fragments", p.fragments, n)?;
        let stones = add(p.stones_milli, n / FRAGMENTS_PER_STONE * MILLI_PER_STONE)?;
        let p = self.players.get_mut(&actor).expect("checked above");
        p.fragments = left;
        p.stones_milli = stones;
        Ok(())
    }
}

fn draw_violation(e: DrawError) -> Violation {
    match e {
        DrawError::UnknownTable => Violation::UnknownTable,
        DrawError::WrongPrice { expected, found } => Violation::WrongBoxPrice { expected, found },
        DrawError::BadCommitment => Violation::BadCommitment,
        DrawError::WrongPrize { expected, found } => Violation::WrongPrize { expected, found },
    }
}

/// The box-draw entry body for `player`'s next box: the prize the seeds draw on `tables`,
/// with the player's draw number and pity counter as the ledger has them.
pub fn box_draw_body(
    tables: &EconomyTables,
    ledger: &LedgerState,
    player: PublicKey,
    state: &PlayerState,
    server_seed: [u8; 32],
    client_seed: [u8; 32],
) -> Body {
    let draw = state.boxes_opened;
    let cultivation_left = ledger.supply.cultivation_left_milli();
    let prize = boxes::resolve(&tables.boxes, state.draws_as_owner, state.pity, &server_seed, &client_seed, draw, cultivation_left);
    Body::BoxDraw {
        player,
        price_crystals: tables.boxes.price_crystals,
        table: tables.box_table_digest,
        commitment: boxes::commitment(&server_seed),
        server_seed,
        client_seed,
        draw,
        pity: state.pity,
        prize,
    }
}
