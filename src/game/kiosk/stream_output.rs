//! The show's program feed (`stream: Some((…))`): a second camera, riding on the game's
//! camera, draws the valley into an image of the feed's size; the image is read back from
//! the GPU every frame and the newest one handed to the encoder (ffmpeg, on threads of its
//! own). The feed is clean of the screen's overlays — no call to drive, no operator's
//! overlay — and, unless `overlay: Clean`, carries a broadcast overlay of its own (egui,
//! in a context of the feed's camera).

use bevy::camera::RenderTarget;
use bevy::ecs::schedule::ScheduleLabel;
use bevy::prelude::*;
use bevy::render::gpu_readback::{Readback, ReadbackComplete};
use bevy::render::render_resource::{TextureFormat, TextureUsages};
use bevy_egui::{EguiContext, EguiSchedule, egui};

use super::encoder::{Encoder, EncoderStatus};
use super::visitors::ShowFloor;
use crate::economy::format_stones;
use crate::game::camera::GameCamera;
use crate::game::chinese_font::ChineseFont;
use crate::kiosk::config::Language;
use crate::kiosk::{Phase, StreamConfig, StreamOverlay, stream::packed_rows};

/// The feed: its configuration, the image its camera draws into, and the encoder.
#[derive(Resource)]
pub struct ProgramFeed {
    pub config: StreamConfig,
    /// What the operator reads for where it goes.
    pub description: String,
    image: Handle<Image>,
    encoder: Option<Encoder>,
}

impl ProgramFeed {
    pub fn status(&self) -> EncoderStatus {
        self.encoder.as_ref().map(Encoder::status).unwrap_or_default()
    }
}

/// The camera that draws the feed.
#[derive(Component)]
pub struct StreamCamera;

/// The egui pass of the feed's own overlay.
#[derive(ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
struct BroadcastPass;

pub fn plugin(config: StreamConfig, data_dir: std::path::PathBuf) -> impl Fn(&mut App) {
    move |app: &mut App| {
        let (w, h) = config.size;
        let args = config.ffmpeg_args(&data_dir);
        let encoder = Encoder::start("ffmpeg".into(), args, w as usize * h as usize * 4, config.fps, config.hls_folder(&data_dir));
        let description = config.describe(&data_dir);
        info!("the show's program feed: {description}");
        let mut target = Image::new_target_texture(w, h, TextureFormat::Rgba8UnormSrgb, None);
        // Read back from the GPU.
        target.texture_descriptor.usage |= TextureUsages::COPY_SRC;
        let image = app.world_mut().resource_mut::<Assets<Image>>().add(target);
        app.insert_resource(ProgramFeed { config: config.clone(), description, image, encoder: Some(encoder) })
            .add_systems(Startup, read_back)
            .add_systems(Update, (ride_on_the_game_camera, follow_the_fog))
            .add_systems(Last, finish_on_exit);
        if config.overlay == StreamOverlay::Broadcast {
            app.add_systems(BroadcastPass, broadcast_overlay);
        }
    }
}

fn read_back(mut commands: Commands, feed: Res<ProgramFeed>) {
    commands.spawn((Name::new("program feed readback"), Readback::texture(feed.image.clone()))).observe(offer_frame);
}

fn offer_frame(mut frame: On<ReadbackComplete>, feed: Res<ProgramFeed>) {
    let (w, h) = feed.config.size;
    let data = std::mem::take(&mut frame.data);
    let packed = if data.len() == w as usize * h as usize * 4 { Some(data) } else { packed_rows(&data, w, h) };
    if let (Some(packed), Some(encoder)) = (packed, &feed.encoder) {
        encoder.offer(packed);
    }
}

/// The feed's camera is a child of the game's: it sees what the screen sees, through the
/// same lens, however the director or the chase moves it.
fn ride_on_the_game_camera(
    mut commands: Commands,
    feed: Res<ProgramFeed>,
    game: Query<(Entity, &Projection), With<GameCamera>>,
    riding: Query<(), With<StreamCamera>>,
) {
    let Ok((camera, projection)) = game.single() else { return };
    if !riding.is_empty() {
        return;
    }
    let mut feed_camera = commands.spawn((
        Name::new("stream camera"),
        StreamCamera,
        Camera3d::default(),
        // Before the window's camera; its own target, so the order is only for the log.
        Camera { order: -1, ..default() },
        RenderTarget::Image(feed.image.clone().into()),
        projection.clone(),
        Msaa::Off,
        bevy::anti_alias::fxaa::Fxaa::default(),
        Transform::IDENTITY,
        ChildOf(camera),
    ));
    if feed.config.overlay == StreamOverlay::Broadcast {
        feed_camera.insert(EguiSchedule::new(BroadcastPass));
    }
}

/// The level's fog comes to the game's camera once the level is loaded; the feed's too.
fn follow_the_fog(mut commands: Commands, game: Query<&DistanceFog, (With<GameCamera>, Changed<DistanceFog>)>, feed: Query<Entity, With<StreamCamera>>) {
    if let (Ok(fog), Ok(camera)) = (game.single(), feed.single()) {
        commands.entity(camera).insert(fog.clone());
    }
}

/// When the kiosk is asked to end, ffmpeg writes the end of its files before it goes.
fn finish_on_exit(mut exits: MessageReader<AppExit>, mut feed: ResMut<ProgramFeed>) {
    if exits.read().next().is_some()
        && let Some(mut encoder) = feed.encoder.take()
    {
        encoder.finish();
    }
}

fn say(languages: &[Language], key: &str) -> String {
    super::show_overlay::say(languages, key).replace('\n', " · ")
}

/// For viewers: the show's name and a LIVE badge, what is happening on the floor, and the
/// valley's figures. Laid out for 720 lines and zoomed to the feed's size.
fn broadcast_overlay(
    mut context: Single<&mut EguiContext, With<StreamCamera>>,
    feed: Res<ProgramFeed>,
    floor: Res<ShowFloor>,
    time: Res<Time>,
    font: Option<Res<ChineseFont>>,
    mut font_added: Local<bool>,
) {
    let ctx = context.get_mut();
    if !*font_added {
        if let Some(font) = &font {
            font.add_to(ctx);
        }
        ctx.all_styles_mut(crate::game::ui_theme::theme);
        *font_added = true;
    }
    ctx.set_zoom_factor(feed.config.size.1 as f32 / 720.0);
    let langs = &floor.config.languages;
    let now = time.elapsed_secs_f64();
    let shade = egui::Frame::NONE.fill(egui::Color32::from_black_alpha(160)).corner_radius(8.0).inner_margin(egui::Margin::symmetric(16, 10));
    egui::Area::new("feed-brand".into()).anchor(egui::Align2::LEFT_TOP, [28.0, 24.0]).interactable(false).show(ctx, |ui| {
        shade.show(ui, |ui| {
            ui.horizontal(|ui| {
                let red = egui::Frame::NONE.fill(egui::Color32::from_rgb(210, 30, 40)).corner_radius(4.0).inner_margin(egui::Margin::symmetric(8, 2));
                red.show(ui, |ui| ui.label(egui::RichText::new(say(langs, "kiosk-feed-live")).size(16.0).color(egui::Color32::WHITE).strong()));
                ui.label(egui::RichText::new(&floor.config.branding).size(22.0).color(egui::Color32::from_rgb(235, 240, 250)).strong());
            });
        });
    });
    let happening = match floor.timeline.phase() {
        Phase::Attract => say(langs, "kiosk-feed-come-and-drive"),
        Phase::Driving { .. } | Phase::StillThere { .. } => {
            let left = floor.timeline.session_left(now).unwrap_or(0.0).ceil() as u64;
            format!("{}  {}:{:02}", say(langs, "kiosk-feed-visitor-driving"), left / 60, left % 60)
        }
        Phase::Result { .. } => match &floor.result {
            Some(r) => format!("{}  {}  ·  {:.2} km", say(langs, "kiosk-feed-visitor-mined"), format_stones(r.stones_milli), r.km),
            None => say(langs, "kiosk-result-thanks"),
        },
    };
    let f = &floor.figures;
    egui::Area::new("feed-floor".into()).anchor(egui::Align2::LEFT_BOTTOM, [28.0, -24.0]).interactable(false).show(ctx, |ui| {
        shade.show(ui, |ui| {
            ui.label(egui::RichText::new(happening).size(20.0).color(egui::Color32::from_rgb(255, 214, 120)).strong());
            // One line, however narrow the feed's overlay area.
            ui.add(egui::Label::new(
                egui::RichText::new(format!(
                    "{} {}  ·  {} {}  ·  {} #{}",
                    say(langs, "kiosk-feed-stones-today"),
                    format_stones(f.stones_mined_today_milli),
                    say(langs, "kiosk-feed-visitors"),
                    f.visitors_today,
                    say(langs, "kiosk-feed-ledger"),
                    f.size
                ))
                .size(15.0)
                .color(egui::Color32::from_rgb(200, 230, 255)),
            ).extend());
        });
    });
}
