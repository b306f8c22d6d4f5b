//! The game's line to the valley authority: the [`Authority`] lives on a worker thread of
//! its own, so that a slow disk or a slow server never holds up a frame (DESIGN 2, 7).
//! Systems hand it jobs; what a job changes on screen comes back as a [`WorldUpdate`] that
//! the next frame applies. Intents go out the frame they are written and their outcomes
//! arrive as [`Outcome`] messages, with the refreshed profile, a frame or more later.
//!
//! A job may wait on the network: it is a future. Natively the worker thread runs each to
//! its end on the authority's runtime; in the browser, where there are no threads, one task
//! of the page takes the jobs in order and awaits each, so that a `fetch` never blocks a
//! frame.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, Sender, channel};

use bevy::prelude::*;

use super::authority::{Authority, Intent, LedgerInfo, Outcome, PlayerCar};
use super::car::{Car, PlayerDriven};
use super::screens::Profile;
use crate::ledger::PublicKey;
use crate::telemetry::TripSummary;
use crate::twin::vehicle_params;
use crate::valley::PlayerView;

/// A change to the game's world, made by the frame that receives it.
pub type WorldUpdate = Box<dyn FnOnce(&mut World) + Send>;
/// What a job does with the authority, to its end (it borrows the authority meanwhile).
pub type JobFuture<'a> = Pin<Box<dyn Future<Output = Option<WorldUpdate>> + 'a>>;
type Job = Box<dyn for<'a> FnOnce(&'a mut Authority) -> JobFuture<'a> + Send>;

/// The game's handle on the authority, and what the screens show of it.
#[derive(Resource)]
pub struct AuthorityLink {
    key: PublicKey,
    worker: Worker,
    updates: Mutex<Receiver<WorldUpdate>>,
    /// The ledger as of the latest answer.
    pub ledger: LedgerInfo,
    /// The player's attested trips as of the latest answer.
    pub accepted_trips: Vec<TripSummary>,
    /// The server this profile plays against; `None` for its own embedded valley.
    pub server: Option<String>,
    /// The authority's clock minus this machine's, in ms (tests give the valley its own).
    clock_offset_ms: i64,
}

enum Worker {
    #[cfg(not(target_arch = "wasm32"))]
    Thread { jobs: Option<Sender<Job>>, thread: Option<std::thread::JoinHandle<()>> },
    #[cfg(target_arch = "wasm32")]
    Task { jobs: async_channel::Sender<Job> },
}

pub fn plugin(app: &mut App) {
    app.add_message::<Intent>()
        .add_message::<Outcome>()
        // Answers first, so that this frame's systems see them; intents last, so that this
        // frame's are on their way before it ends.
        .add_systems(PreUpdate, apply_updates.run_if(resource_exists::<AuthorityLink>))
        .add_systems(PostUpdate, send_intents.run_if(resource_exists::<AuthorityLink>));
}

impl AuthorityLink {
    /// Reads what the screens show first (at start-up, not in a frame), then hands the
    /// authority to its worker.
    pub fn start(authority: Authority) -> AuthorityLink {
        let key = authority.key.public_key();
        let ledger = authority.ledger_info();
        let accepted_trips = authority.accepted_trips();
        let server = authority.server().map(str::to_string);
        let clock_offset_ms = authority.now() as i64 - crate::platform::now_ms() as i64;
        let (update_sender, updates) = channel();
        AuthorityLink { key, worker: Worker::start(authority, update_sender), updates: Mutex::new(updates), ledger, accepted_trips, server, clock_offset_ms }
    }

    /// The player's public key.
    pub fn key(&self) -> PublicKey {
        self.key
    }

    /// The authority's time, in ms since the Unix epoch.
    pub fn now(&self) -> u64 {
        (crate::platform::now_ms() as i64 + self.clock_offset_ms).max(0) as u64
    }

    /// Queues a job for the authority that needs no network; its update, if any, is applied
    /// by a later frame.
    pub fn send(&self, job: impl FnOnce(&mut Authority) -> Option<WorldUpdate> + Send + 'static) {
        self.send_async(move |authority| Box::pin(std::future::ready(job(authority))));
    }

    /// Queues a job that may wait on the network (`async` methods of the authority).
    pub fn send_async(&self, job: impl for<'a> FnOnce(&'a mut Authority) -> JobFuture<'a> + Send + 'static) {
        self.worker.send(Box::new(job));
    }

    /// Runs `f` on the authority after every job sent before it, and waits for its answer.
    /// For start-up, tests and headless runs only (natively): a system must never wait.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn call<R: Send + 'static>(&self, f: impl FnOnce(&mut Authority) -> R + Send + 'static) -> R {
        let (answer, answered) = channel();
        self.send(move |authority| {
            let _ = answer.send(f(authority));
            None
        });
        answered.recv().expect("the authority's worker answers (it stopped: see the log for its panic)")
    }

    /// Waits until every job sent so far is done (its update is then ready for the next frame).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn wait_idle(&self) {
        self.call(|_| ());
    }

    fn take_updates(&self) -> Vec<WorldUpdate> {
        self.updates.lock().map(|r| r.try_iter().collect()).unwrap_or_default()
    }
}

impl Worker {
    #[cfg(not(target_arch = "wasm32"))]
    fn start(mut authority: Authority, updates: Sender<WorldUpdate>) -> Worker {
        let (jobs, incoming) = channel::<Job>();
        let thread = std::thread::Builder::new()
            .name("valley-authority".into())
            .spawn(move || {
                let runtime = authority.runtime();
                for job in incoming {
                    // A panic in one job is a bug to report, not a reason to stop answering.
                    let run = || Authority::wait_for(runtime.clone(), job(&mut authority));
                    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)) {
                        Ok(Some(update)) => {
                            if updates.send(update).is_err() {
                                break;
                            }
                        }
                        Ok(None) => {}
                        Err(_) => error!("a job of the valley authority panicked; the next ones still run"),
                    }
                }
            })
            .expect("a thread for the valley authority");
        Worker::Thread { jobs: Some(jobs), thread: Some(thread) }
    }

    #[cfg(target_arch = "wasm32")]
    fn start(mut authority: Authority, updates: Sender<WorldUpdate>) -> Worker {
        let (jobs, incoming) = async_channel::unbounded::<Job>();
        wasm_bindgen_futures::spawn_local(async move {
            // Ends when the link (the only sender) is dropped.
            while let Ok(job) = incoming.recv().await {
                if let Some(update) = job(&mut authority).await
                    && updates.send(update).is_err()
                {
                    break;
                }
            }
        });
        Worker::Task { jobs }
    }

    fn send(&self, job: Job) {
        match self {
            #[cfg(not(target_arch = "wasm32"))]
            Worker::Thread { jobs, .. } => {
                if jobs.as_ref().is_none_or(|j| j.send(job).is_err()) {
                    error!("the valley authority's worker has stopped; the request is lost");
                }
            }
            #[cfg(target_arch = "wasm32")]
            Worker::Task { jobs } => {
                if jobs.try_send(job).is_err() {
                    error!("the valley authority's task has stopped; the request is lost");
                }
            }
        }
    }
}

/// Dropping the link finishes the jobs already sent and closes the ledger before returning,
/// so that the next session (or test) can open it.
impl Drop for AuthorityLink {
    fn drop(&mut self) {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let Worker::Thread { jobs, thread } = &mut self.worker;
            drop(jobs.take());
            if let Some(t) = thread.take() {
                let _ = t.join();
            }
        }
    }
}

fn apply_updates(world: &mut World) {
    let updates = world.resource::<AuthorityLink>().take_updates();
    for update in updates {
        update(world);
    }
}

/// Sends each intent to the authority. Its answer reports the outcome and, after a change,
/// the player as the authority now has them; a purchase changes the car at once.
fn send_intents(mut intents: MessageReader<Intent>, link: Res<AuthorityLink>) {
    for intent in intents.read() {
        let intent = intent.clone();
        link.send_async(move |authority| Box::pin(answer(authority, intent)));
    }
}

/// Carries out one intent and reads the player back after a change.
async fn answer(authority: &mut Authority, intent: Intent) -> Option<WorldUpdate> {
    let (outcome, refreshed) = match authority.apply(&intent).await {
        Ok(outcome) => (outcome, Some(authority.player().await)),
        Err(e) => {
            warn!("the valley refused {intent:?}: {e}");
            (Outcome::Refused { intent, reason: e.to_string() }, None)
        }
    };
    let seen = refreshed.map(|player| (player, authority.ledger_info(), authority.accepted_trips()));
    Some(Box::new(move |world: &mut World| {
        match seen {
            Some((Ok(player), ledger, trips)) => show_player(world, player, ledger, trips),
            Some((Err(e), ..)) => error!("could not read the player back from the valley: {e}"),
            None => {}
        }
        world.write_message(outcome);
    }))
}

/// Shows the player as the authority answered: their car's parameters, profile, key, the
/// ledger and their trips (also when the player changed: a show's visitor).
pub fn show_player(world: &mut World, view: PlayerView, ledger: LedgerInfo, trips: Vec<TripSummary>) {
    let params = vehicle_params(&view.stats);
    let view_key = view.key;
    if let Some(mut car) = world.get_resource_mut::<PlayerCar>() {
        car.0 = params;
    }
    let mut cars = world.query_filtered::<&mut Car, With<PlayerDriven>>();
    for mut car in cars.iter_mut(world) {
        if car.params != params {
            car.params = params;
        }
    }
    if let Some(mut profile) = world.get_resource_mut::<Profile>() {
        profile.player = view;
    }
    let mut link = world.resource_mut::<AuthorityLink>();
    link.key = view_key;
    link.ledger = ledger;
    link.accepted_trips = trips;
}
