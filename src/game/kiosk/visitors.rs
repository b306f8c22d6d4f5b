//! Visitors at a show machine: any key, button, touch or trigger in attract mode hands the
//! car to a new visitor with a fresh guest identity and a simulated car of their own (its
//! week's stones wait in the valley); the visitor drives until the session's time is up or
//! nobody answers "still there?"; then the show's own player and the autopilot take over
//! again, the visitor's result stays on screen for a while, and nothing else of theirs
//! does. The rhythm is `kiosk::Timeline`'s; this plugin feeds it input and acts on it.

use bevy::prelude::*;
use bevy_rapier3d::prelude::Velocity;

use crate::game::AppSystems;
use crate::game::authority::Authority;
use crate::game::authority_link::{AuthorityLink, WorldUpdate, show_player};
use crate::game::autopilot::Autopilot;
use crate::game::car::{Car, CarControls, PlayerDriven};
use crate::game::deposits::DepositCrystal;
use crate::game::panels::Panel;
use crate::game::screens::{Profile, Screen};
use crate::game::tasks::TaskProgress;
use crate::game::world::CurrentLevel;
use crate::kiosk::best_laps::{BestLaps, ShowLap};
use crate::kiosk::keepsake::{QrModules, qr_code};
use crate::kiosk::{Change, DriveEnd, KioskConfig, Timeline, Timeouts, ValleyFigures};
use crate::profile::DataDir;
use crate::telemetry::LocalZone;

/// The show's state: its rhythm, the visitor under way and the last one's result.
#[derive(Resource)]
pub struct ShowFloor {
    pub timeline: Timeline,
    pub config: KioskConfig,
    data_dir: std::path::PathBuf,
    /// The visitor driving now, once the authority has enrolled them.
    pub visitor: Option<Visit>,
    /// The latest visitor's result, shown after their drive.
    pub result: Option<VisitResult>,
    /// Visitors since the kiosk started.
    pub visitors: u64,
    /// The valley's live figures, as of the latest look.
    pub figures: ValleyFigures,
    figures_asked_s: f64,
    /// The latest error the authority reported (for the operator).
    pub last_error: Option<String>,
    /// On a server: earlier visitors whose drives wait to be sent (it was away).
    pub visitors_waiting: usize,
    /// Today's fastest visitors, kept in `DATA/kiosk/best-laps.json`.
    pub best_laps: BestLaps,
    /// The show's local date now ("2026-12-06"), as of the latest look at the clock.
    pub today: String,
    zone: LocalZone,
}

/// Present while the operator's overlay is open: the operator at work is no visitor.
#[derive(Resource)]
pub struct OperatorOverlay;

/// A visitor's drive under way.
#[derive(Clone, Debug)]
pub struct Visit {
    pub name: String,
    pub key_hex: String,
    /// The ledger's size when they arrived: their entries come after.
    pub first_entry: u64,
}

/// What a visitor did, as the authority confirmed it.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitResult {
    pub key_hex: String,
    pub stones_milli: u64,
    pub crystals: u64,
    pub km: f64,
    /// Their entries in the ledger: `first_entry..end_entry`.
    pub first_entry: u64,
    pub end_entry: u64,
    pub why: DriveEnd,
    /// Their best lap and its place on today's board.
    pub lap: Option<VisitLap>,
    /// Their receipt, to scan from the result card; it comes a moment after the result.
    pub keepsake: Option<Keepsake>,
}

/// A visitor's fastest lap, and where it stands among today's.
#[derive(Clone, Debug, PartialEq)]
pub struct VisitLap {
    pub route: String,
    pub ms: u64,
    /// 1 for today's fastest; `None` off the board.
    pub place: Option<usize>,
}

/// A visitor's receipt (the ledger's C2SP tlog-proof of entry `index`) and its QR code.
#[derive(Clone, Debug, PartialEq)]
pub struct Keepsake {
    pub index: u64,
    pub receipt: String,
    pub qr: QrModules,
    /// The show's verifier key, to check the receipt with.
    pub verifier_key: String,
}

/// How often the valley's figures are refreshed (s).
const FIGURES_EVERY_S: f64 = 5.0;

/// Where the show keeps its board of today's best laps.
pub fn best_laps_file(data_dir: &std::path::Path) -> std::path::PathBuf {
    data_dir.join("kiosk").join("best-laps.json")
}

/// The board as the show left it. A file that cannot be read is set aside as
/// `best-laps.json.unreadable` (for the operator to look at) and the board starts empty:
/// a damaged file must not keep a show from starting.
fn load_best_laps(data_dir: &std::path::Path) -> (BestLaps, Option<String>) {
    let path = best_laps_file(data_dir);
    let text = match crate::platform::files::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (BestLaps::default(), None),
        Err(e) => return (BestLaps::default(), Some(format!("{}: {e}", path.display()))),
    };
    match BestLaps::from_json(&text) {
        Ok(board) => (board, None),
        Err(e) => {
            let aside = path.with_extension("json.unreadable");
            let kept = match crate::platform::files::rename(&path, &aside) {
                Ok(()) => format!("kept as {}", aside.display()),
                Err(e) => format!("could not be set aside: {e}"),
            };
            let message = format!("{}: {e}; the board starts empty ({kept})", path.display());
            warn!("{message}");
            (BestLaps::default(), Some(message))
        }
    }
}

pub fn plugin(config: KioskConfig, data_dir: std::path::PathBuf) -> impl Fn(&mut App) {
    move |app: &mut App| {
        let (best_laps, board_error) = load_best_laps(&data_dir);
        let zone = LocalZone::system();
        let today = zone.date_and_clock(crate::platform::now_ms()).0;
        app.insert_resource(ShowFloor {
            timeline: Timeline::new(Timeouts::of(&config)),
            config: config.clone(),
            data_dir: data_dir.clone(),
            visitor: None,
            result: None,
            visitors: 0,
            figures: ValleyFigures::default(),
            figures_asked_s: f64::NEG_INFINITY,
            last_error: board_error,
            visitors_waiting: 0,
            best_laps,
            today,
            zone,
        })
        .add_message::<ShowChange>()
        .add_systems(OnEnter(Screen::Title), straight_into_the_valley)
        .add_systems(OnEnter(Screen::Valley), attract_drives)
        .add_systems(Update, (watch_controls, keep_time).chain().in_set(AppSystems::Input).run_if(in_state(Screen::Valley)))
        .add_systems(Update, ask_for_figures.run_if(in_state(Screen::Valley)));
    }
}

/// A show has no title screen: the valley, with the autopilot driving, is the invitation.
fn straight_into_the_valley(mut next: ResMut<NextState<Screen>>) {
    next.set(Screen::Valley);
}

fn attract_drives(mut commands: Commands, floor: Res<ShowFloor>) {
    if !floor.timeline.visitor_present() {
        commands.insert_resource(Autopilot::on_route(0));
    }
}

/// Whether anyone touched a control this frame: a key (not a lone modifier, which the
/// operator's combination begins with), a mouse button, the screen, a gamepad's button or
/// stick. Held controls count: a visitor holding the accelerator is not idle.
fn touched(keys: &ButtonInput<KeyCode>, mouse: &ButtonInput<MouseButton>, touches: &Touches, pads: &Query<&Gamepad>) -> bool {
    let modifier = |k: &&KeyCode| matches!(k, KeyCode::ControlLeft | KeyCode::ControlRight | KeyCode::AltLeft | KeyCode::AltRight | KeyCode::ShiftLeft | KeyCode::ShiftRight | KeyCode::SuperLeft | KeyCode::SuperRight);
    keys.get_pressed().any(|k| !modifier(&k))
        || mouse.get_pressed().next().is_some()
        || touches.iter().next().is_some()
        || pads.iter().any(|pad| pad.get_pressed().next().is_some() || pad.get_analog_axes().any(|a| pad.get(*a).is_some_and(|v| v.abs() > 0.25)))
}

fn watch_controls(
    time: Res<Time>,
    keys: Res<ButtonInput<KeyCode>>,
    mouse: Res<ButtonInput<MouseButton>>,
    touches: Res<Touches>,
    pads: Query<&Gamepad>,
    operator: Option<Res<OperatorOverlay>>,
    mut floor: ResMut<ShowFloor>,
    mut changes: MessageWriter<ShowChange>,
) {
    // The operator at work is no visitor.
    if operator.is_some() || !touched(&keys, &mouse, &touches, &pads) {
        return;
    }
    if let Some(change) = floor.timeline.input(time.elapsed_secs_f64()) {
        changes.write(ShowChange(change));
    }
}

/// A change of the show's rhythm, for the overlays (and tests) to follow.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShowChange(pub Change);

#[allow(clippy::too_many_arguments)]
fn keep_time(
    mut commands: Commands,
    time: Res<Time>,
    mut floor: ResMut<ShowFloor>,
    mut changes: ParamSet<(MessageReader<ShowChange>, MessageWriter<ShowChange>)>,
    link: Res<AuthorityLink>,
    profile: Res<Profile>,
    progress: Res<TaskProgress>,
    // Panels are the window's (headless there are none).
    mut next_panel: Option<ResMut<NextState<Panel>>>,
    deposits: Query<Entity, With<DepositCrystal>>,
) {
    // Changes from input (watch_controls); the clock's own are handled below as they happen,
    // and written for the overlays, so they come back through this reader next frame: once
    // is enough (a drive ended twice would bring the show's player back twice).
    let mut happened: Vec<Change> = changes.p0().read().map(|c| c.0).filter(|c| matches!(c, Change::VisitorArrived | Change::StillHere)).collect();
    if let Some(change) = floor.timeline.tick(time.elapsed_secs_f64()) {
        changes.p1().write(ShowChange(change));
        happened.push(change);
    }
    for change in happened {
        match change {
            Change::VisitorArrived => {
                commands.remove_resource::<Autopilot>();
                if let Some(next) = next_panel.as_mut() {
                    next.set(Panel::None);
                }
                clear_deposits(&mut commands, &deposits);
                floor.result = None;
                floor.visitors += 1;
                let data = DataDir(floor.data_dir.clone());
                let first_entry = link.ledger.size;
                link.send_async(move |authority| Box::pin(welcome(authority, data, first_entry)));
            }
            Change::DriveEnded(why) => {
                // What the authority confirmed of the visitor, before the show's player is back.
                let visit = floor.visitor.take();
                let first_entry = visit.as_ref().map(|v| v.first_entry);
                if let Some(visit) = visit {
                    let lap = put_on_the_board(&mut floor, &link, &progress, &visit.key_hex);
                    let state = &profile.player.state;
                    floor.result = Some(VisitResult {
                        key_hex: visit.key_hex,
                        stones_milli: state.stones_milli,
                        crystals: state.crystals,
                        km: progress.km_today,
                        first_entry: visit.first_entry,
                        end_entry: link.ledger.size,
                        why,
                        lap,
                        keepsake: None,
                    });
                }
                if let Some(next) = next_panel.as_mut() {
                    next.set(Panel::None);
                }
                clear_deposits(&mut commands, &deposits);
                commands.insert_resource(Autopilot::on_route(0));
                let data_dir = floor.data_dir.clone();
                link.send_async(move |authority| Box::pin(farewell(authority, data_dir, first_entry)));
            }
            Change::AskedStillThere | Change::StillHere => {}
            Change::AttractResumed => floor.result = None,
        }
    }
}

/// The visitor's laps onto today's board, the board saved off the frame; returns their
/// fastest lap with its place (the best placed where they lapped several routes).
fn put_on_the_board(floor: &mut ShowFloor, link: &AuthorityLink, progress: &TaskProgress, key_hex: &str) -> Option<VisitLap> {
    let (day, clock) = floor.zone.date_and_clock(link.now());
    floor.today = day.clone();
    let mut laps: Vec<VisitLap> = Vec::new();
    for (route, seconds) in progress.best_laps.iter().filter(|(_, s)| s.is_finite() && **s > 0.0) {
        let ms = (f64::from(*seconds) * 1000.0).round() as u64;
        let lap = ShowLap { route: route.clone(), ms, visitor: key_hex.chars().take(8).collect(), clock: clock.clone() };
        let place = floor.best_laps.record(lap, &day);
        laps.push(VisitLap { route: route.clone(), ms, place });
    }
    if laps.iter().any(|l| l.place.is_some()) {
        let board = floor.best_laps.clone();
        let path = best_laps_file(&floor.data_dir);
        link.send(move |_| {
            let saved = path.parent().map_or(Ok(()), |dir| crate::platform::files::create_dir_all(dir)).map_err(|e| format!("{}: {e}", path.display()));
            let saved = saved.and_then(|()| crate::ledger::store::write_atomically(&path, board.to_json().as_bytes()).map_err(|e| e.to_string()));
            saved.err().map(|e| -> WorldUpdate {
                error!("the best laps were not saved: {e}");
                Box::new(move |world: &mut World| world.resource_mut::<ShowFloor>().last_error = Some(crate::t!("kiosk-error-saving-board", error = &e)))
            })
        });
    }
    laps.into_iter().min_by_key(|l| (l.place.unwrap_or(usize::MAX), l.ms))
}

fn clear_deposits(commands: &mut Commands, deposits: &Query<Entity, With<DepositCrystal>>) {
    for entity in deposits {
        commands.entity(entity).despawn();
    }
}

/// On the authority: a fresh visitor; in the world: their profile, an empty day of tasks
/// (kept in memory only), and the car back at the start, standing.
async fn welcome(authority: &mut Authority, data: DataDir, first_entry: u64) -> Option<WorldUpdate> {
    let answer = authority.welcome_visitor(&data).await.map(|view| (view, authority.ledger_info(), authority.accepted_trips()));
    Some(Box::new(move |world: &mut World| match answer {
        Ok((view, ledger, trips)) => {
            let visit = Visit { name: view.state.name.clone(), key_hex: view.key.to_hex(), first_entry };
            info!("a visitor drives: {}", visit.key_hex);
            show_player(world, view, ledger, trips);
            world.insert_resource(TaskProgress::default());
            back_to_start(world);
            world.resource_mut::<ShowFloor>().visitor = Some(visit);
        }
        Err(e) => {
            // The visitor drives the show's own car; nothing is recorded for them.
            error!("could not welcome a visitor: {e}");
            world.resource_mut::<ShowFloor>().last_error = Some(crate::t!("kiosk-error-welcoming", error = e.to_string()));
        }
    }))
}

/// On the authority: the visitor's receipt, then the show's own player again; in the world:
/// the receipt on the result card, the show's player's profile and tasks, and the car back
/// at the start for the autopilot.
async fn farewell(authority: &mut Authority, data_dir: std::path::PathBuf, first_entry: Option<u64>) -> Option<WorldUpdate> {
    let keepsake = match first_entry {
        Some(first) => Some(authority.visitor_receipt(first).await),
        None => None,
    };
    let verifier_key = authority.ledger_info().verifier_key;
    let answer = authority.farewell_visitor(&DataDir(data_dir.clone())).await.map(|view| (view, authority.ledger_info(), authority.accepted_trips()));
    Some(Box::new(move |world: &mut World| {
        let keepsake = match keepsake {
            Some(Ok(Some((index, receipt)))) => {
                let receipt = receipt.to_text();
                match qr_code(&receipt) {
                    Some(qr) => Some(Keepsake { index, receipt, qr, verifier_key }),
                    None => {
                        warn!("the receipt of entry {index} ({} bytes) is too long for a QR code", receipt.len());
                        None
                    }
                }
            }
            Some(Err(e)) => {
                error!("no receipt for the visitor: {e}");
                world.resource_mut::<ShowFloor>().last_error = Some(crate::t!("kiosk-error-receipt", error = e.to_string()));
                None
            }
            _ => None,
        };
        if let Some(result) = world.resource_mut::<ShowFloor>().result.as_mut() {
            result.keepsake = keepsake;
        }
        farewell_done(world, answer, &data_dir);
    }))
}

type Answer = Result<(crate::valley::PlayerView, crate::game::authority::LedgerInfo, Vec<crate::telemetry::TripSummary>), crate::valley::ValleyError>;

fn farewell_done(world: &mut World, answer: Answer, data_dir: &std::path::Path) {
    match answer {
        Ok((view, ledger, trips)) => {
            show_player(world, view, ledger, trips);
            world.insert_resource(TaskProgress::load(data_dir));
            back_to_start(world);
        }
        Err(e) => {
            error!("could not bring the show's player back: {e}");
            world.resource_mut::<ShowFloor>().last_error = Some(crate::t!("kiosk-error-ending-visit", error = e.to_string()));
        }
    }
}

/// The player's car at the level's spawn, standing, controls released.
fn back_to_start(world: &mut World) {
    let Some(current) = world.get_resource::<CurrentLevel>() else { return };
    let spawn = &current.level.spawn;
    let (x, z) = spawn.position;
    let at = Transform::from_xyz(x, current.field.height_at(x, z) + 1.4, z).with_rotation(Quat::from_rotation_y(spawn.heading_deg.to_radians()));
    let mut cars = world.query_filtered::<(&mut Transform, &mut Velocity, &mut CarControls), (With<Car>, With<PlayerDriven>)>();
    for (mut transform, mut velocity, mut controls) in cars.iter_mut(world) {
        *transform = at;
        *velocity = Velocity::zero();
        *controls = CarControls::default();
    }
}

/// Every few seconds, the valley's newest entries into the show's figures.
fn ask_for_figures(time: Res<Time>, mut floor: ResMut<ShowFloor>, link: Res<AuthorityLink>) {
    let now = time.elapsed_secs_f64();
    if now - floor.figures_asked_s < FIGURES_EVERY_S {
        return;
    }
    floor.figures_asked_s = now;
    let today = floor.zone.date_and_clock(link.now()).0;
    if floor.today != today {
        floor.today = today;
    }
    let mut figures = floor.figures.clone();
    let data = DataDir(floor.data_dir.clone());
    link.send_async(move |authority| {
        Box::pin(async move {
            authority.follow_figures(&mut figures).await;
            // On a server: what earlier visitors left queued while it was away.
            let waiting = authority.send_visitors_queues(&data).await;
            Some(Box::new(move |world: &mut World| {
                let mut floor = world.resource_mut::<ShowFloor>();
                floor.figures = figures;
                match waiting {
                    Ok(n) => floor.visitors_waiting = n,
                    Err(e) => floor.last_error = Some(crate::t!("kiosk-error-sending-queues", error = e.to_string())),
                }
            }) as WorldUpdate)
        })
    });
}
