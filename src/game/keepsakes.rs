//! Keepsakes from the game: the twin card and the share card, each with a picture of the
//! twin taken from the game's own view. Asked for from the shop screen, it closes the screen,
//! hides the HUD for a few frames, takes a screenshot, asks the authority for the entry's
//! receipt (recording the card first), then draws and saves the PNG off the frame (a task;
//! the CJK font, 19 MB, is read there too).

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};
use bevy::tasks::{AsyncComputeTaskPool, Task, block_on, poll_once};

use super::authority::{GameTables, Intent, Outcome, ProvenEntry};
use super::panels::Panel;
use super::screens::{HudHidden, Profile, Screen};
use super::tasks::TaskProgress;
use crate::keepsake::{Fonts, Picture, png_text, share_card, twin_card_image};
use crate::ledger::Body;

/// Frames the HUD stays hidden before the picture is taken (egui redraws without it).
const HIDDEN_FRAMES: u32 = 3;

/// Which keepsake the player asked for.
#[derive(Message, Clone, Copy, Debug, PartialEq, Eq)]
pub enum MakeKeepsake {
    TwinCard,
    ShareCard,
}

/// A picture of the game: RGBA rows.
struct Shot {
    rgba: Vec<u8>,
    width: u32,
    height: u32,
}

#[derive(Default)]
enum Step {
    #[default]
    Idle,
    Hiding { kind: MakeKeepsake, frames: u32 },
    /// The screenshot is on its way.
    Capturing,
    Asking { kind: MakeKeepsake, shot: Option<Shot> },
    Drawing(Task<Result<String, String>>),
}

/// Where the keepsake under way is, and what became of the last one (the shop shows it).
#[derive(Resource, Default)]
pub struct Keepsakes {
    step: Step,
    pub last: Option<Result<String, String>>,
}

impl Keepsakes {
    pub fn busy(&self) -> bool {
        !matches!(self.step, Step::Idle)
    }
}

pub fn plugin(app: &mut App) {
    app.init_resource::<Keepsakes>()
        .add_message::<MakeKeepsake>()
        .add_systems(Update, (begin, take_picture, draw_when_proven, finish).chain().run_if(in_state(Screen::Valley)));
}

fn begin(mut asked: MessageReader<MakeKeepsake>, mut keepsakes: ResMut<Keepsakes>, mut panel: ResMut<NextState<Panel>>, mut commands: Commands) {
    for kind in asked.read() {
        if keepsakes.busy() {
            continue;
        }
        panel.set(Panel::None);
        commands.insert_resource(HudHidden);
        keepsakes.step = Step::Hiding { kind: *kind, frames: HIDDEN_FRAMES };
        keepsakes.last = None;
    }
}

fn take_picture(mut keepsakes: ResMut<Keepsakes>, mut commands: Commands) {
    let Step::Hiding { kind, frames } = &mut keepsakes.step else { return };
    if *frames > 0 {
        *frames -= 1;
        return;
    }
    let kind = *kind;
    keepsakes.step = Step::Capturing;
    commands.spawn(Screenshot::primary_window()).observe(move |captured: On<ScreenshotCaptured>, mut keepsakes: ResMut<Keepsakes>, mut intents: MessageWriter<Intent>, mut commands: Commands| {
        commands.remove_resource::<HudHidden>();
        let shot = captured.image.clone().try_into_dynamic().ok().map(|image| {
            let rgba = image.to_rgba8();
            Shot { width: rgba.width(), height: rgba.height(), rgba: rgba.into_raw() }
        });
        if shot.is_none() {
            warn!("the screenshot could not be read; the keepsake shows the car drawn instead");
        }
        keepsakes.step = Step::Asking { kind, shot };
        intents.write(match kind {
            MakeKeepsake::TwinCard => Intent::IssueCard,
            MakeKeepsake::ShareCard => Intent::ShareReceipt,
        });
    });
}

fn draw_when_proven(mut outcomes: MessageReader<Outcome>, mut keepsakes: ResMut<Keepsakes>, tables: Res<GameTables>, profile: Res<Profile>, progress: Option<Res<TaskProgress>>) {
    for outcome in outcomes.read() {
        let Step::Asking { kind, .. } = &keepsakes.step else { return };
        let kind = *kind;
        let proven = match (kind, outcome) {
            (MakeKeepsake::TwinCard, Outcome::CardIssued(p)) | (MakeKeepsake::ShareCard, Outcome::ShareReady(p)) => p.clone(),
            (_, Outcome::Refused { intent: Intent::IssueCard | Intent::ShareReceipt, reason }) => {
                keepsakes.last = Some(Err(reason.clone()));
                keepsakes.step = Step::Idle;
                continue;
            }
            _ => continue,
        };
        let Step::Asking { shot, .. } = std::mem::take(&mut keepsakes.step) else { unreachable!("matched above") };
        let tables = tables.0.clone();
        let data_dir = profile.data_dir.clone();
        let player = profile.player.clone();
        // The best lap driven here (the game's own timing; issue 17's proven laps replace it).
        let best_lap = progress.as_ref().and_then(|p| p.best_laps.iter().filter(|(_, s)| s.is_finite() && **s > 0.0).min_by(|a, b| a.1.total_cmp(b.1)).map(|(r, s)| (r.clone(), (f64::from(*s) * 1000.0).round() as u64)));
        keepsakes.step = Step::Drawing(AsyncComputeTaskPool::get().spawn(async move { draw_and_save(kind, &proven, shot, &tables, &data_dir, &player, best_lap.as_ref().map(|(r, ms)| (r.as_str(), *ms))) }));
    }
}

fn finish(mut keepsakes: ResMut<Keepsakes>) {
    let Step::Drawing(task) = &mut keepsakes.step else { return };
    if let Some(result) = block_on(poll_once(task)) {
        match &result {
            Ok(saved) => info!("keepsake {saved}"),
            Err(e) => warn!("keepsake: {e}"),
        }
        keepsakes.last = Some(result);
        keepsakes.step = Step::Idle;
    }
}

/// The Chinese font, where the machine has one (read here, off the frame).
fn cjk_font() -> Option<(Vec<u8>, u32)> {
    #[cfg(not(target_arch = "wasm32"))]
    return crate::platform::cjk_font::read_cjk_font().and_then(Result::ok);
    #[cfg(target_arch = "wasm32")]
    None
}

fn draw_and_save(
    kind: MakeKeepsake,
    proven: &ProvenEntry,
    shot: Option<Shot>,
    tables: &crate::economy::EconomyTables,
    data_dir: &std::path::Path,
    player: &crate::valley::PlayerView,
    best_lap_ms: Option<(&str, u64)>,
) -> Result<String, String> {
    let font = cjk_font();
    let fonts = Fonts::new(font.as_ref().map(|(b, f)| (b.as_slice(), *f)));
    let picture = shot.as_ref().map(|s| Picture { rgba: &s.rgba, width: s.width, height: s.height });
    let dir = data_dir.join("keepsakes");
    let (path, bytes) = match kind {
        MakeKeepsake::TwinCard => {
            let Body::TwinCard(card) = &proven.entry.body else { return Err(crate::t!("game-keepsake-not-a-twin-card", entry = proven.index.to_string())) };
            let view = twin_card_image::TwinCardView { card, index: proven.index, issued_ms: proven.entry.time_ms, origin: &proven.origin, receipt: &proven.receipt, picture };
            let canvas = twin_card_image::render(&view, &fonts, tables);
            (dir.join(format!("twin-card-{}.png", proven.index)), png_text::encode(&canvas, &proven.receipt, &twin_card_image::description(&view)))
        }
        MakeKeepsake::ShareCard => {
            let state = &player.state;
            let upgrades: Vec<String> = state.items.iter().cloned().collect();
            let xp = crate::ledger::keepsake_rules::ledger_xp(state);
            let view = share_card::ShareView {
                name: &state.name,
                level: crate::twin::level_for_xp(xp),
                stones_milli: state.stones_milli,
                km: state.km_attested,
                upgrades: &upgrades,
                best_lap: best_lap_ms,
                receipt: &proven.receipt,
                receipt_index: proven.index,
                picture,
            };
            let canvas = share_card::render(&view, &fonts);
            (dir.join(format!("share-card-{}.png", proven.index)), png_text::encode(&canvas, &proven.receipt, &share_card::description(&view)))
        }
    };
    let saved = crate::platform::save_for_player(&path, &bytes)?;
    Ok(crate::t!("game-keepsake-saved", saved = saved, path = path.display().to_string(), key = &proven.verifier_key))
}
