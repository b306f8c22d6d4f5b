//! The valley authority as the game sees it (DESIGN 2): systems and screens send an
//! [`Intent`]; the authority turns it into signed ledger entries or refuses it; only what it
//! confirms reaches the screen, as an [`Outcome`] and a refreshed profile. No game system
//! changes a balance itself. The [`Authority`] runs behind
//! [`super::authority_link::AuthorityLink`] (a thread natively, a task of the page in the
//! browser): nothing here is called from a frame. What may wait on the network is `async`.

use bevy::prelude::*;
use rand_core::RngCore;

use crate::economy::{EconomyTables, FRAGMENTS_PER_STONE};
use crate::ledger::replay::Deposit;
use crate::ledger::{Body, Entry, NamedKey, Receipt, Scope};
use crate::telemetry::TripSummary;
use crate::twin::VehicleParams;
use crate::client::http::HttpValley;
use crate::client::queue::Intent as QueuedIntent;
use crate::valley::wire::{MineRequest, SubmitRequest, TaskRequest};
use crate::level::drive::DriveSample;
use crate::valley::{BoxOpening, DriveProgress, EmbeddedValley, PlayerView, ValleyError, ValleyService};
#[cfg(not(target_arch = "wasm32"))]
use crate::valley::block_on_ready;

/// What the player (or the autopilot) asks the authority for.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum Intent {
    Mine { km_index: u64 },
    CompleteTask { task: String },
    Buy { item: String },
    /// Ask for the commitment to the next box's server seed.
    CommitBox,
    /// Open the committed box with a fresh client seed.
    OpenBox { commitment: [u8; 32] },
    SetConsent { scope: Scope, granted: bool },
    /// Combine fragments, ten to a stone.
    Combine,
    /// Begin a drive the authority checks (in the bundled level of this name).
    StartDrive { level: String },
    /// Samples of the drive under way: a shared valley's evidence for tasks.
    ReportDrive { samples: Vec<DriveSample> },
    /// Order an item of the merch shop at its catalogue price.
    OrderMerch { item: String },
    /// Redeem a merch voucher, shipped to this address (kept off the ledger).
    RedeemMerch { voucher: String, address: crate::valley::shipping::ShippingAddress },
    /// Record the twin card (a new one only when its facts changed) and give its receipt.
    IssueCard,
    /// The receipt of the player's newest entry, for a share card.
    ShareReceipt,
}

/// A keepsake's ledger entry and its receipt, for the picture.
#[derive(Clone, Debug)]
pub struct ProvenEntry {
    pub index: u64,
    pub entry: Entry,
    /// The C2SP tlog-proof text.
    pub receipt: String,
    pub origin: String,
    pub verifier_key: String,
}

/// What the authority answered.
#[derive(Message, Clone, Debug)]
pub enum Outcome {
    Mined(Deposit),
    TaskDone { task: String, crystals: u64 },
    Bought { item: String },
    BoxCommitted([u8; 32]),
    BoxOpened(BoxOpening),
    ConsentSet { scope: Scope, granted: bool },
    Combined { fragments: u32 },
    DriveStarted,
    DriveReported(DriveProgress),
    MerchOrdered { item: String, voucher: String },
    MerchRedeemed { voucher: String },
    CardIssued(ProvenEntry),
    ShareReady(ProvenEntry),
    Refused { intent: Intent, reason: String },
}

/// Where the valley's rules run: in-process under the data directory, or on a server.
pub enum Link {
    Embedded(EmbeddedValley),
    /// Connected mode: the HTTP authority (reqwest on tokio natively, on `fetch` in the
    /// browser). An intent the server cannot take now is queued and sent by the next sync.
    Connected(HttpValley),
}

/// The authority the game talks to and the player's signing key.
pub struct Authority {
    pub link: Link,
    pub key: NamedKey,
    /// A show machine's own player while a visitor has the controls (`horizon kiosk`).
    host: Option<NamedKey>,
    /// On a server, the folder of the visitor driving now (their key and queue).
    visitor_dir: Option<std::path::PathBuf>,
    /// Natively, the runtime the connected link's requests run on.
    #[cfg(not(target_arch = "wasm32"))]
    runtime: Option<std::sync::Arc<tokio::runtime::Runtime>>,
}

/// The name a show's visitors drive under (a claim; it mints nothing).
pub const VISITOR_NAME: &str = "Visitor";

/// What the screens show of the ledger.
#[derive(Clone, Debug, Default)]
pub struct LedgerInfo {
    pub size: u64,
    pub origin: String,
    pub verifier_key: String,
    /// Where it is verified from: the local ledger, or the client's verified replica.
    pub source: String,
}

/// The economy's tables as the authority applies them: prices, names, odds and tasks for
/// the screens (a resource, so that nothing in the game reads a global).
#[derive(Resource, Clone, Deref)]
pub struct GameTables(pub std::sync::Arc<EconomyTables>);

/// Verifies a whole ledger, reporting (done, total) as it goes; says what it checked.
pub type VerifyJob = Box<dyn FnOnce(&mut dyn FnMut(u64, u64)) -> Result<String, String> + Send>;

/// The player's car's physics, from the twin's stats (changes with upgrades).
#[derive(Resource, Clone, Copy, Debug, PartialEq)]
pub struct PlayerCar(pub VehicleParams);

impl Authority {
    pub fn embedded(valley: EmbeddedValley, key: NamedKey) -> Authority {
        Authority::on(Link::Embedded(valley), key)
    }

    fn on(link: Link, key: NamedKey) -> Authority {
        Authority {
            link,
            key,
            host: None,
            visitor_dir: None,
            #[cfg(not(target_arch = "wasm32"))]
            runtime: None,
        }
    }

    /// Connects to `url` for the player `key`, with the client's state under `data`: sends
    /// what was queued offline, then syncs the verified replica. An absent server is not an
    /// error here (the replica shows the last verified state).
    pub async fn connect(data: &crate::profile::DataDir, url: &str, key: NamedKey) -> Result<Authority, ValleyError> {
        let client_key = NamedKey { name: key.name.clone(), signing_key: key.signing_key.clone() };
        let mut valley = HttpValley::open(data, url, client_key, crate::valley::embedded::system_clock)?;
        let _ = async {
            valley.sync_replica().await?;
            valley.flush().await?;
            valley.sync_replica().await
        }
        .await;
        Ok(Authority::on(Link::Connected(valley), key))
    }

    /// [`Authority::connect`] on a runtime of its own, which its later requests use too.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn connected(data: &crate::profile::DataDir, url: &str, key: NamedKey) -> Result<Authority, ValleyError> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| ValleyError::Remote(e.to_string()))?;
        let mut authority = runtime.block_on(Authority::connect(data, url, key))?;
        authority.runtime = Some(std::sync::Arc::new(runtime));
        Ok(authority)
    }

    /// Natively: runs one of the authority's futures to its end on this thread (the
    /// authority's worker, start-up, headless runs and tests; never a frame).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait_for<T>(runtime: Option<std::sync::Arc<tokio::runtime::Runtime>>, future: impl std::future::Future<Output = T>) -> T {
        match runtime {
            Some(runtime) => runtime.block_on(future),
            None => block_on_ready(future),
        }
    }

    /// Natively: answers slower than `timeout` count as the server being away.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn set_timeout(&mut self, timeout: std::time::Duration) {
        if let Link::Connected(valley) = &mut self.link {
            valley.set_timeout(timeout);
        }
    }

    /// The runtime [`Authority::wait_for`] needs for this authority's futures.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn runtime(&self) -> Option<std::sync::Arc<tokio::runtime::Runtime>> {
        self.runtime.clone()
    }

    /// [`Authority::player`], waited for (natively, outside frames).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn player_now(&mut self) -> Result<PlayerView, ValleyError> {
        Authority::wait_for(self.runtime(), self.player())
    }

    /// Joins the connected valley as `name` if this profile is not a player there yet (see
    /// [`crate::client::joining`]); embedded, there is nothing to join.
    pub async fn join(&mut self, data: &crate::profile::DataDir, name: &str) -> Result<crate::client::joining::Joined, ValleyError> {
        match &mut self.link {
            Link::Embedded(_) => Ok(Default::default()),
            Link::Connected(valley) => crate::client::joining::join(valley, data, name).await,
        }
    }

    /// A show machine (`horizon kiosk`): the controls go to a new visitor, a fresh key with
    /// a simulated car of its own; the show's own player is kept to come back to. In its
    /// own valley ([`EmbeddedValley::welcome_visitor`]) the car's files live under `data`
    /// only while it is paired and its week signed; on a server the visitor joins as a guest
    /// (with a sample car where the server trusts the demo maker), their key and queue in a
    /// folder of their own under `DATA/kiosk/visitors/` until all they did is sent.
    pub async fn welcome_visitor(&mut self, data: &crate::profile::DataDir) -> Result<PlayerView, ValleyError> {
        let visitor = match &mut self.link {
            Link::Embedded(valley) => {
                let visitor = NamedKey::generate("visitor").map_err(|e| ValleyError::BadInput(e.to_string()))?;
                valley.welcome_visitor(&visitor, VISITOR_NAME, &data.0.join("kiosk").join("visitor-car"))?;
                visitor
            }
            Link::Connected(valley) => {
                let (visitor, dir) = crate::client::visitors::welcome(valley, data, VISITOR_NAME).await?;
                self.visitor_dir = Some(dir);
                visitor
            }
        };
        let previous = std::mem::replace(&mut self.key, visitor);
        // A visitor after a visitor (a result cut short) still comes back to the host.
        self.host.get_or_insert(previous);
        self.player().await
    }

    /// A show machine: the visitor's drive is over; the show's own player drives again. On
    /// a server the visitor's folder goes once nothing of theirs waits to be sent.
    pub async fn farewell_visitor(&mut self, data: &crate::profile::DataDir) -> Result<PlayerView, ValleyError> {
        if let Some(host) = self.host.take() {
            if let Link::Connected(valley) = &mut self.link {
                crate::client::visitors::farewell(valley, data, host.clone(), self.visitor_dir.take())?;
            }
            self.key = host;
        }
        self.player().await
    }

    /// A show machine on a server, between visitors: sends what earlier visitors left queued
    /// while the server was away (each under their own key), and forgets those whose queue
    /// is empty. Returns how many visitors still wait. Embedded, nothing waits.
    pub async fn send_visitors_queues(&mut self, data: &crate::profile::DataDir) -> Result<usize, ValleyError> {
        match &mut self.link {
            Link::Connected(valley) if self.host.is_none() => crate::client::visitors::send_waiting(valley, data, &self.key).await,
            _ => Ok(0),
        }
    }

    /// A show machine, before the visitor leaves: the receipt of their drive's newest mint
    /// (else of their newest entry), looked for from entry `first_entry` on. None when no
    /// visitor drives or they left no entry. On a server, from its verified replica, synced
    /// first.
    pub async fn visitor_receipt(&mut self, first_entry: u64) -> Result<Option<(u64, Receipt)>, String> {
        if self.host.is_none() {
            return Ok(None);
        }
        let visitor = self.key.public_key();
        match &mut self.link {
            Link::Embedded(valley) => {
                let ledger = valley.ledger();
                let entries = (first_entry..ledger.size()).map(|i| ledger.read_entry(i).map(|(entry, _)| (i, entry))).collect::<Result<Vec<_>, _>>().map_err(|e| e.to_string())?;
                let Some(index) = crate::kiosk::keepsake::receipt_entry(&visitor, entries.iter().map(|(i, e)| (*i, e))) else { return Ok(None) };
                ledger.receipt(index).map(|r| Some((index, r))).map_err(|e| e.to_string())
            }
            Link::Connected(valley) => {
                if let Err(e) = valley.sync_replica().await {
                    warn!("the visitor's receipt is from the last verified state: {e}");
                }
                let entries = valley.replica.entries().map_err(|e| e.to_string())?;
                let from = entries.iter().enumerate().skip(first_entry as usize).map(|(i, e)| (i as u64, e));
                let Some(index) = crate::kiosk::keepsake::receipt_entry(&visitor, from) else { return Ok(None) };
                valley.replica.receipt(index).map(|r| Some((index, r))).map_err(|e| e.to_string())
            }
        }
    }

    /// Brings a show screen's `figures` up to the valley's newest entries, reading only those
    /// added since their last look (on a server, its verified replica, synced first).
    pub async fn follow_figures(&mut self, figures: &mut crate::kiosk::ValleyFigures) {
        let today = self.now() / crate::ledger::replay::DAY_MS;
        match &mut self.link {
            Link::Embedded(valley) => {
                let ledger = valley.ledger();
                for index in figures.size..ledger.size() {
                    match ledger.read_entry(index) {
                        Ok((entry, _)) => figures.add(index, &entry, today),
                        Err(e) => {
                            warn!("the show's figures stop at entry {index}: {e}");
                            break;
                        }
                    }
                }
                figures.root_hex = hex::encode(ledger.checkpoint().root.0);
            }
            Link::Connected(valley) => {
                if let Err(e) = valley.sync_replica().await {
                    debug!("the show's figures wait for the server: {e}");
                }
                if valley.replica.size() > figures.size {
                    match valley.replica.entries() {
                        Ok(entries) => {
                            for (index, entry) in entries.iter().enumerate().skip(figures.size as usize) {
                                figures.add(index as u64, entry, today);
                            }
                        }
                        Err(e) => warn!("the show's figures wait for the replica: {e}"),
                    }
                }
                if let Some(cp) = valley.replica.checkpoint() {
                    figures.root_hex = hex::encode(cp.root.0);
                }
            }
        }
    }

    /// Whether this authority is a server (and which).
    pub fn server(&self) -> Option<&str> {
        match &self.link {
            Link::Embedded(_) => None,
            Link::Connected(valley) => Some(valley.base()),
        }
    }

    /// The tables the authority applies (the embedded ledger's own; a server publishes the
    /// bundled ones).
    pub fn tables(&self) -> std::sync::Arc<EconomyTables> {
        match &self.link {
            Link::Embedded(v) => v.ledger().tables().clone(),
            Link::Connected(_) => EconomyTables::shared(),
        }
    }

    /// The local ledger, in embedded mode.
    pub fn embedded_ledger(&self) -> Option<&crate::ledger::Ledger> {
        match &self.link {
            Link::Embedded(v) => Some(v.ledger()),
            Link::Connected(_) => None,
        }
    }

    pub fn now(&self) -> u64 {
        match &self.link {
            Link::Embedded(v) => v.now(),
            Link::Connected(_) => crate::valley::embedded::system_clock(),
        }
    }

    /// The player as the authority (or the verified replica) has them.
    pub async fn player(&mut self) -> Result<PlayerView, ValleyError> {
        let key = self.key.public_key();
        match &mut self.link {
            Link::Embedded(v) => v.player(&key).await,
            Link::Connected(valley) => {
                if let Err(e) = valley.sync_replica().await {
                    warn!("showing the last verified state: {e}");
                }
                valley.view(&key)
            }
        }
    }

    pub fn accepted_trips(&self) -> Vec<TripSummary> {
        match &self.link {
            Link::Embedded(v) => v.accepted_trips(&self.key.public_key()).to_vec(),
            Link::Connected(valley) => valley.accepted_trips().to_vec(),
        }
    }

    pub fn ledger_info(&self) -> LedgerInfo {
        match &self.link {
            Link::Embedded(v) => {
                let l = v.ledger();
                LedgerInfo { size: l.size(), origin: l.checkpoint().origin.clone(), verifier_key: l.verifier_key().text.clone(), source: l.dir().display().to_string() }
            }
            Link::Connected(valley) => LedgerInfo {
                size: valley.replica.size(),
                origin: valley.replica.checkpoint().map_or(String::new(), |c| c.origin.clone()),
                verifier_key: valley.replica.key().map_or(String::new(), |k| k.text.clone()),
                source: format!("verified replica of {}", valley.base()),
            },
        }
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, String> {
        match &self.link {
            Link::Embedded(v) => v.ledger().entries().map_err(|e| e.to_string()),
            Link::Connected(valley) => valley.replica.entries().map_err(|e| e.to_string()),
        }
    }

    pub fn receipt(&self, index: u64) -> Result<Receipt, String> {
        match &self.link {
            Link::Embedded(v) => v.ledger().receipt(index).map_err(|e| e.to_string()),
            Link::Connected(valley) => valley.replica.receipt(index).map_err(|e| e.to_string()),
        }
    }

    /// A job that verifies the whole ledger (or replica) off the main thread, reporting
    /// (done, total) as it goes.
    pub fn verification(&self) -> VerifyJob {
        match &self.link {
            Link::Embedded(v) => {
                let dir = v.ledger().dir().to_path_buf();
                let trusted = v.ledger().verifier_key().clone();
                Box::new(move |progress| {
                    crate::ledger::verify::verify_ledger(&dir, Some(trusted), progress)
                        .map(|r| format!("✔ verified {} entries: every signature, the Merkle tree root {} and every economy rule", r.checkpoint.size, r.checkpoint.root))
                        .map_err(|e| format!("✘ FAILED: {e}"))
                })
            }
            Link::Connected(valley) => {
                let base = valley.base().to_string();
                let replica_dir = valley.replica_dir().to_path_buf();
                Box::new(move |progress| {
                    progress(0, 1);
                    let r = crate::client::replica::Replica::open(&replica_dir).map_err(|e| format!("✘ FAILED: {e}"))?;
                    progress(1, 1);
                    let root = r.checkpoint().map_or("none".to_string(), |c| c.root.to_string());
                    Ok(format!("✔ re-verified the replica of {base}: {} entries, every signature and economy rule, tree root {root}", r.size()))
                })
            }
        }
    }

    fn sign(&self, body: Body) -> Result<Entry, ValleyError> {
        match &self.link {
            Link::Embedded(v) => v.sign_for(&self.key, body),
            Link::Connected(valley) => valley.sign(body),
        }
    }

    /// The entry at `index` with its receipt (from the ledger, or the verified replica once
    /// synced to include it).
    async fn proven(&mut self, index: u64) -> Result<ProvenEntry, ValleyError> {
        if let Link::Connected(valley) = &mut self.link {
            valley.sync_replica().await?;
        }
        let receipt = self.receipt(index).map_err(ValleyError::Remote)?;
        let entry = Entry::from_bytes(&receipt.entry_bytes).map_err(|e| ValleyError::BadAnswer(format!("entry {index}: {e}")))?;
        let info = self.ledger_info();
        Ok(ProvenEntry { index, entry, receipt: receipt.to_text(), origin: info.origin, verifier_key: info.verifier_key })
    }

    /// Carries out one intent; Ok is what to report.
    pub async fn apply(&mut self, intent: &Intent) -> Result<Outcome, ValleyError> {
        let key = self.key.public_key();
        match intent {
            Intent::IssueCard => {
                let index = match &mut self.link {
                    Link::Embedded(v) => v.issue_card(&key).await?,
                    Link::Connected(v) => v.issue_card(&key).await?,
                };
                return Ok(Outcome::CardIssued(self.proven(index).await?));
            }
            Intent::ShareReceipt => {
                if let Link::Connected(valley) = &mut self.link {
                    valley.sync_replica().await?;
                }
                let entries = self.entries().map_err(ValleyError::Remote)?;
                let index = crate::kiosk::keepsake::receipt_entry(&key, entries.iter().enumerate().map(|(i, e)| (i as u64, e)))
                    .ok_or_else(|| ValleyError::BadInput("the ledger has no entry of yours to prove yet".into()))?;
                return Ok(Outcome::ShareReady(self.proven(index).await?));
            }
            _ => {}
        }
        let signed = match intent {
            Intent::OrderMerch { item } => {
                let tables = self.tables();
                let (edition, m) = tables.merch.order_terms(item, self.now()).map_err(ValleyError::BadInput)?;
                Some(self.sign(Body::MerchOrder { item: item.clone(), price: m.price, edition: edition.digest })?)
            }
            Intent::RedeemMerch { voucher, .. } => Some(self.sign(Body::Redeem { voucher: voucher.clone() })?),
            Intent::Buy { item } => {
                let price_milli = self.tables().upgrade(item).map_or(0, |u| u.price_milli);
                Some(self.sign(Body::Purchase { item: item.clone(), price_milli })?)
            }
            Intent::SetConsent { scope, granted } => Some(self.sign(Body::Consent { scope: *scope, granted: *granted })?),
            Intent::Combine => {
                let have = self.player().await?.state.fragments;
                Some(self.sign(Body::Combine { fragments: (have / FRAGMENTS_PER_STONE * FRAGMENTS_PER_STONE) as u32 })?)
            }
            _ => None,
        };
        match &mut self.link {
            Link::Embedded(v) => apply_on(v, &key, intent, signed).await,
            Link::Connected(valley) => {
                let result = apply_on(valley, &key, intent, signed.clone()).await;
                match result {
                    Err(e) if e.is_retryable() => {
                        // The server is away: keep what can wait, in order, for the next sync.
                        let queued = match (intent, signed) {
                            (Intent::Mine { km_index }, _) => Some(QueuedIntent::Mine(MineRequest { km_index: *km_index })),
                            (Intent::CompleteTask { task }, _) => Some(QueuedIntent::Task(TaskRequest { task: task.clone() })),
                            // A redemption goes with its address, asked again by the player.
                            (Intent::RedeemMerch { .. }, _) => None,
                            (_, Some(entry)) => Some(QueuedIntent::Submit(SubmitRequest::new(&entry))),
                            _ => None,
                        };
                        match queued {
                            Some(q) => {
                                valley.enqueue(q)?;
                                Err(ValleyError::Remote(format!("{e}; queued, it will be sent when the server is back")))
                            }
                            None => Err(e),
                        }
                    }
                    other => other,
                }
            }
        }
    }
}

/// One intent on any implementation of the authority's contract.
async fn apply_on<V: ValleyService>(valley: &mut V, key: &crate::ledger::PublicKey, intent: &Intent, signed: Option<Entry>) -> Result<Outcome, ValleyError> {
    Ok(match intent {
        Intent::Mine { km_index } => Outcome::Mined(valley.mine(key, *km_index).await?),
        Intent::CompleteTask { task } => Outcome::TaskDone { task: task.clone(), crystals: valley.complete_task(key, task).await? },
        Intent::CommitBox => Outcome::BoxCommitted(valley.commit_box(key).await?),
        Intent::OpenBox { commitment } => {
            let mut client_seed = [0u8; 32];
            rand_core::OsRng.fill_bytes(&mut client_seed);
            let opening = valley.open_box(key, *commitment, client_seed).await?;
            opening.check_against(commitment, &client_seed)?;
            Outcome::BoxOpened(opening)
        }
        Intent::Buy { item } => {
            valley.submit(signed.expect("signed above")).await?;
            Outcome::Bought { item: item.clone() }
        }
        Intent::SetConsent { scope, granted } => {
            valley.submit(signed.expect("signed above")).await?;
            Outcome::ConsentSet { scope: *scope, granted: *granted }
        }
        Intent::StartDrive { level } => {
            valley.start_drive(key, level).await?;
            Outcome::DriveStarted
        }
        Intent::ReportDrive { samples } => Outcome::DriveReported(valley.report_drive(key, samples.clone()).await?),
        Intent::Combine => {
            let entry = signed.expect("signed above");
            let Body::Combine { fragments } = entry.body else { unreachable!("a combine") };
            valley.submit(entry).await?;
            Outcome::Combined { fragments }
        }
        Intent::OrderMerch { item } => {
            let entry = signed.expect("signed above");
            let voucher = crate::ledger::state::voucher_id(&entry.actor, item, entry.nonce);
            valley.submit(entry).await?;
            Outcome::MerchOrdered { item: item.clone(), voucher }
        }
        Intent::RedeemMerch { voucher, address } => {
            valley.redeem_merch(signed.expect("signed above"), address.clone()).await?;
            Outcome::MerchRedeemed { voucher: voucher.clone() }
        }
        Intent::IssueCard | Intent::ShareReceipt => unreachable!("answered by Authority::apply"),
    })
}
