//! The valley authority: the only place that turns facts into ledger entries (DESIGN 2).
//! The game and the command line hold a [`ValleyService`] and send it intents; the embedded
//! implementation runs in-process under `--data-dir`, and (later) an HTTP client implements
//! the same trait against `horizon serve`.

pub mod embedded;
pub mod shipping;
pub mod wire;

use crate::ledger::replay::{Deposit, PlayerState};
use crate::ledger::car::SignedTrip;
use crate::ledger::{Entry, Prize, PublicKey};
use crate::telemetry::car_signed::Pairing;
use crate::telemetry::{CheckedTrip, TripSummary};
use crate::twin::TwinStats;

pub use embedded::EmbeddedValley;

/// Everything a player sees of themselves.
#[derive(Clone, Debug)]
pub struct PlayerView {
    pub key: PublicKey,
    /// The ledger's view: balances, pity, items, vouchers, deposits, consents.
    pub state: PlayerState,
    pub stats: TwinStats,
    /// Merch items ordered across the valley, by id (the shop shows the stock left).
    pub merch_sold: std::collections::BTreeMap<String, u32>,
}

/// What an import accepted and rejected, and the stones it dropped into the valley.
#[derive(Clone, Debug, Default)]
pub struct ImportReport {
    pub checked: Vec<CheckedTrip>,
    /// Trips skipped because they were imported before.
    pub already_imported: usize,
    pub attested_km: u64,
    pub new_deposits: Vec<Deposit>,
}

/// What the valley has seen of a player's driving today (UTC).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DriveProgress {
    pub km_today: f64,
    /// Landmarks reached today.
    pub landmarks: Vec<String>,
    /// Today's best lap per route (ms).
    pub best_laps_ms: std::collections::BTreeMap<String, u64>,
}

/// The revealed result of a blind box.
#[derive(Clone, Debug, PartialEq)]
pub struct BoxOpening {
    pub prize: Prize,
    pub commitment: [u8; 32],
    pub server_seed: [u8; 32],
    pub client_seed: [u8; 32],
    pub draw: u64,
    pub pity_before: u32,
    pub pity_after: u32,
    /// Index of the box-draw entry in the ledger.
    pub entry: u64,
}

impl BoxOpening {
    /// What the player checks of a reveal before believing it: it opens the commitment
    /// they were shown before opening (not merely the one in the same answer), and the
    /// draw used the seed they sent. (That the seed matches the commitment and gives the
    /// prize is `economy::boxes::check_opening`.)
    pub fn check_against(&self, shown: &[u8; 32], sent_seed: &[u8; 32]) -> Result<(), ValleyError> {
        if self.commitment != *shown {
            return Err(ValleyError::Untrusted(format!(
                "the box opened commitment {}, not {} shown before opening",
                hex::encode(&self.commitment[..8]),
                hex::encode(&shown[..8])
            )));
        }
        if self.client_seed != *sent_seed {
            return Err(ValleyError::Untrusted("the box was drawn with another seed than the one sent".into()));
        }
        if crate::economy::boxes::commitment(&self.server_seed) != *shown {
            return Err(ValleyError::Untrusted("SHA-256 of the revealed server seed is not the commitment shown before opening".into()));
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ValleyError {
    #[error(transparent)]
    Ledger(#[from] crate::ledger::LedgerError),
        #[error(transparent)]
    KeyFile(#[from] crate::profile::KeyFileError),
    #[error("{path}: {message}")]
    Store { path: String, message: String },
    #[error("{0} is not enrolled in this valley")]
    NotEnrolled(PublicKey),
    #[error("importing trips needs the mileage consent; grant it with `horizon consent grant mileage`")]
    NoMileageConsent,
    #[error("guests have no car: only owners import trips")]
    GuestHasNoCar,
    #[error("vehicle {0:?} already has an owner in this valley; a car has one owner")]
    VehicleOwned(String),
    #[error("there is no unmined deposit at km {0}")]
    NoSuchDeposit(u64),
    #[error("no box commitment {0} is open for this player (ask for a new one)")]
    NoCommitment(String),
    #[error("a box costs {price} crystals; you have {have}")]
    NotEnoughCrystals { price: u64, have: u64 },
    #[error("{0:?} is not a task")]
    UnknownTask(String),
    #[error("task {0:?} is done for now")]
    TaskDone(String),
    /// A shared valley pays a task only for a drive it checked.
    #[error("task {task:?} is not proven: {why}")]
    Unproven { task: String, why: String },
    /// A request that breaks a published limit (a name too long, too many trips at once).
    #[error("{0}")]
    BadInput(String),
    #[error("the valley server refused: {0}")]
    Remote(String),
    /// The server could not be reached or failed; what was asked can be sent again.
    #[error("the valley server at {url} is unavailable ({message})")]
    Unavailable { url: String, message: String },
    /// The server asks this client to wait (rate limit or load) before sending again.
    #[error("the valley server at {url} is busy; retry in {retry_after_s} s")]
    Busy { url: String, retry_after_s: u64 },
    /// The server's answer was cut short or unreadable; what was asked can be sent again.
    #[error("the valley server's answer could not be read ({0})")]
    BadAnswer(String),
    /// The server's log does not extend what this client verified before.
    #[error("the valley server cannot be trusted: {0}")]
    Untrusted(String),
}

impl ValleyError {
    /// Whether asking again later may succeed (the queue keeps such intents).
    pub fn is_retryable(&self) -> bool {
        matches!(self, ValleyError::Unavailable { .. } | ValleyError::Busy { .. } | ValleyError::BadAnswer(_))
    }
}

/// The authority's contract, shared by the embedded implementation and the HTTP client.
/// Async so that the browser's fetch can implement it; the embedded futures are ready at once.
#[allow(async_fn_in_trait)]
pub trait ValleyService {
    /// The player's balances, deposits and twin.
    async fn player(&mut self, key: &PublicKey) -> Result<PlayerView, ValleyError>;
    /// Checks and attests trip summaries (the mileage scope is needed); earned stones become
    /// deposits in the valley.
    async fn import_trips(&mut self, key: &PublicKey, trips: Vec<TripSummary>) -> Result<ImportReport, ValleyError>;
    /// Records car-signed trips of the player's car (it must be paired with the player):
    /// the only trips a shared valley mints stones for.
    async fn import_car_trips(&mut self, key: &PublicKey, trips: Vec<SignedTrip>) -> Result<ImportReport, ValleyError>;
    /// Records a car's pairing (maker's provisioning and the car's binding of the player):
    /// the player becomes the car's one owner. Returns the binding's entry index.
    async fn pair(&mut self, key: &PublicKey, pairing: Pairing) -> Result<u64, ValleyError>;
    /// Mines the deposit at `km_index`: mints its stones to the player.
    async fn mine(&mut self, key: &PublicKey, km_index: u64) -> Result<Deposit, ValleyError>;
    /// Rewards a finished task with its crystals (once, or once a day).
    async fn complete_task(&mut self, key: &PublicKey, task: &str) -> Result<u64, ValleyError>;
    /// Begins a drive in the bundled level named `level`, on the authority's clock (it ends
    /// the one before). Returns when it began (ms since the epoch).
    async fn start_drive(&mut self, key: &PublicKey, level: &str) -> Result<u64, ValleyError>;
    /// Adds samples of the drive under way (times from its start); a shared valley pays
    /// landmark, distance, lap and streak tasks only for what they show.
    async fn report_drive(&mut self, key: &PublicKey, samples: Vec<crate::level::drive::DriveSample>) -> Result<DriveProgress, ValleyError>;
    /// Commits to a server seed for the player's next box: returns SHA-256(seed).
    async fn commit_box(&mut self, key: &PublicKey) -> Result<[u8; 32], ValleyError>;
    /// Opens the committed box with the player's seed, revealing the server seed.
    async fn open_box(&mut self, key: &PublicKey, commitment: [u8; 32], client_seed: [u8; 32]) -> Result<BoxOpening, ValleyError>;
    /// Pays a co-creation task's crystals for an event organiser's signed grant.
    async fn claim_grant(&mut self, key: &PublicKey, grant: crate::ledger::grant::Grant) -> Result<u64, ValleyError>;
    /// Records an entry the player signed (consent, purchase, combine). Returns its index.
    async fn submit(&mut self, entry: Entry) -> Result<u64, ValleyError>;
    /// Records the player's twin card, its facts the ledger's own; answers the standing
    /// card when none changed. Returns the card's entry index.
    async fn issue_card(&mut self, key: &PublicKey) -> Result<u64, ValleyError>;
    /// Redeems a merch voucher: the player's signed redeem entry, with the address it ships
    /// to (kept in the valley's fulfilment list, never in the ledger). Returns its index.
    async fn redeem_merch(&mut self, entry: Entry, address: shipping::ShippingAddress) -> Result<u64, ValleyError>;
}

/// Runs a future of the embedded authority, which is ready at once (it never waits on I/O
/// that is not already done). Panics on a future that would wait: use an executor for those.
pub fn block_on_ready<F: std::future::Future>(future: F) -> F::Output {
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    let mut future = std::pin::pin!(future);
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(v) => v,
        std::task::Poll::Pending => panic!("block_on_ready: the future is waiting; use an async executor"),
    }
}
