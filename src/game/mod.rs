//! The Bevy game: a thin view over the pure core. The valley, the car and the screens
//! arrive with the valley issue; for now the window shows the local profile that the
//! embedded valley authority keeps (created on the first run with a sample car).

use std::path::PathBuf;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass, egui};

use crate::economy::format_stones_grouped;
use crate::profile::DataDir;
use crate::valley::{EmbeddedValley, PlayerView, ValleyService, block_on_ready};

/// What the title screen shows about the local profile.
#[derive(Resource, Clone, Debug)]
struct ProfileSummary {
    data_dir: PathBuf,
    player: PlayerView,
}

/// Opens the game window on the player's profile (created on the first run).
pub fn run(data_dir: PathBuf) -> anyhow::Result<()> {
    let data = DataDir(data_dir.clone());
    let (mut valley, key) = EmbeddedValley::open_with_player(&data, crate::valley::embedded::system_clock)?;
    let player = block_on_ready(valley.player(&key.public_key()))?;
    App::new()
        .add_plugins(DefaultPlugins.set(WindowPlugin {
            primary_window: Some(Window { title: "Crypto Horizon".into(), ..default() }),
            ..default()
        }))
        .add_plugins(EguiPlugin::default())
        .add_plugins(bevy_rapier3d::prelude::RapierPhysicsPlugin::<bevy_rapier3d::prelude::NoUserData>::default())
        .insert_resource(ProfileSummary { data_dir, player })
        .add_systems(Startup, spawn_backdrop)
        .add_systems(EguiPrimaryContextPass, title_panel)
        .run();
    Ok(())
}

fn spawn_backdrop(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>) {
    commands.spawn((Camera3d::default(), Transform::from_xyz(0.0, 6.0, 14.0).looking_at(Vec3::ZERO, Vec3::Y)));
    commands.spawn((
        DirectionalLight { illuminance: 12_000.0, shadow_maps_enabled: true, ..default() },
        Transform::from_xyz(8.0, 12.0, 4.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
    commands.spawn((
        Mesh3d(meshes.add(Plane3d::default().mesh().size(60.0, 60.0))),
        MeshMaterial3d(materials.add(Color::srgb(0.42, 0.52, 0.36))),
    ));
    commands.spawn((
        Mesh3d(meshes.add(Cuboid::new(2.0, 0.8, 4.2))),
        MeshMaterial3d(materials.add(Color::srgb(0.1, 0.45, 0.85))),
        Transform::from_xyz(0.0, 0.6, 0.0),
    ));
}

fn title_panel(mut contexts: EguiContexts, profile: Res<ProfileSummary>) -> Result {
    let p = &profile.player;
    egui::Window::new("Crypto Horizon").show(contexts.ctx_mut()?, |ui| {
        ui.heading("Stone Valley");
        ui.label(format!("{} — level {} ({} XP)", p.state.name, p.stats.level, p.stats.xp));
        ui.label(format!("stones {}   unmined {}", format_stones_grouped(p.state.stones_milli), format_stones_grouped(p.state.unmined_milli())));
        ui.label(format!("crystals {}   fragments {}", p.state.crystals, p.state.fragments));
        for stat in [&p.stats.power, &p.stats.handling, &p.stats.efficiency, &p.stats.range] {
            ui.label(&stat.explanation);
        }
        ui.small(format!("profile: {}", profile.data_dir.display()));
    });
    Ok(())
}
