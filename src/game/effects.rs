//! Feedback for what the authority confirmed: a burst of crystal shards and a chime where a
//! deposit was mined, a two-note fanfare for a finished task. The sounds are synthesised at
//! start-up (no audio files to ship or license).

use std::sync::Arc;

use bevy::audio::{AudioPlayer, AudioSource, PlaybackSettings};
use bevy::prelude::*;

use super::authority::Outcome;
use super::deposits::deposit_point;
use super::world::CurrentLevel;

/// Shards thrown by a mined deposit.
const SHARDS: usize = 18;
const SHARD_LIFE_S: f32 = 1.2;

#[derive(Component)]
struct Shard {
    velocity: Vec3,
    age: f32,
}

#[derive(Resource)]
struct EffectAssets {
    shard: Handle<Mesh>,
    shard_glow: Handle<StandardMaterial>,
    chime: Handle<AudioSource>,
    fanfare: Handle<AudioSource>,
}

pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_assets)
        .add_systems(Update, (react_to_outcomes, fly_shards).in_set(super::AppSystems::Presentation));
}

fn make_assets(mut commands: Commands, mut meshes: ResMut<Assets<Mesh>>, mut materials: ResMut<Assets<StandardMaterial>>, mut sounds: ResMut<Assets<AudioSource>>) {
    commands.insert_resource(EffectAssets {
        shard: meshes.add(Cuboid::new(0.14, 0.3, 0.14)),
        shard_glow: materials.add(StandardMaterial { base_color: Color::srgb(0.6, 1.0, 1.0), emissive: LinearRgba::rgb(1.0, 5.0, 6.0), ..default() }),
        chime: sounds.add(AudioSource { bytes: wav(&chime_samples()).into() }),
        fanfare: sounds.add(AudioSource { bytes: wav(&fanfare_samples()).into() }),
    });
}

fn react_to_outcomes(
    mut commands: Commands,
    mut outcomes: MessageReader<Outcome>,
    assets: Res<EffectAssets>,
    current: Option<Res<CurrentLevel>>,
) {
    let Some(current) = current else {
        outcomes.clear();
        return;
    };
    for outcome in outcomes.read() {
        match outcome {
            Outcome::Mined(d) => {
                let at = deposit_point(&current, d.cause, d.km_index);
                for i in 0..SHARDS {
                    // Evenly around, alternately steep and flat: a fountain, not a cloud.
                    let a = i as f32 * std::f32::consts::TAU / SHARDS as f32;
                    let up = if i % 2 == 0 { 7.0 } else { 4.5 };
                    let velocity = Vec3::new(a.cos() * 3.5, up, a.sin() * 3.5);
                    commands.spawn((
                        Shard { velocity, age: 0.0 },
                        Mesh3d(assets.shard.clone()),
                        MeshMaterial3d(assets.shard_glow.clone()),
                        Transform::from_translation(at).with_rotation(Quat::from_rotation_z(a)),
                    ));
                }
                commands.spawn((AudioPlayer(assets.chime.clone()), PlaybackSettings::DESPAWN));
            }
            Outcome::TaskDone { .. } => {
                commands.spawn((AudioPlayer(assets.fanfare.clone()), PlaybackSettings::DESPAWN));
            }
            _ => {}
        }
    }
}

fn fly_shards(mut commands: Commands, time: Res<Time>, mut shards: Query<(Entity, &mut Shard, &mut Transform)>) {
    let dt = time.delta_secs().min(0.1);
    for (entity, mut shard, mut tf) in &mut shards {
        shard.age += dt;
        if shard.age > SHARD_LIFE_S {
            commands.entity(entity).despawn();
            continue;
        }
        shard.velocity.y -= 9.0 * dt;
        tf.translation += shard.velocity * dt;
        tf.rotate_local_x(8.0 * dt);
        tf.scale = Vec3::splat(1.0 - shard.age / SHARD_LIFE_S);
    }
}

const RATE: u32 = 44_100;

/// A bell-like chime rising a fifth: the sound of a stone.
fn chime_samples() -> Vec<f32> {
    let n = (RATE as f32 * 0.7) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / RATE as f32;
            let f = if t < 0.09 { 988.0 } else { 1480.0 };
            let env = (-t * 6.0).exp() * (t * 400.0).min(1.0);
            let tone = (t * f * std::f32::consts::TAU).sin() + 0.4 * (t * f * 2.0 * std::f32::consts::TAU).sin() + 0.15 * (t * f * 3.01 * std::f32::consts::TAU).sin();
            0.3 * env * tone
        })
        .collect()
}

/// Two rising notes for a finished task.
fn fanfare_samples() -> Vec<f32> {
    let n = (RATE as f32 * 0.8) as usize;
    (0..n)
        .map(|i| {
            let t = i as f32 / RATE as f32;
            let (f, start) = if t < 0.18 { (659.0, 0.0) } else { (880.0, 0.18) };
            let local = t - start;
            let env = (-local * 5.0).exp() * (local * 300.0).min(1.0);
            let tone = (t * f * std::f32::consts::TAU).sin() + 0.3 * (t * f * 2.0 * std::f32::consts::TAU).sin();
            0.28 * env * tone
        })
        .collect()
}

/// 16-bit mono PCM in a RIFF/WAVE container: the 44-byte header is all there is to it, so
/// no crate is needed.
fn wav(samples: &[f32]) -> Arc<[u8]> {
    let data_len = (samples.len() * 2) as u32;
    let mut out = Vec::with_capacity(44 + data_len as usize);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes()); // PCM
    out.extend_from_slice(&1u16.to_le_bytes()); // mono
    out.extend_from_slice(&RATE.to_le_bytes());
    out.extend_from_slice(&(RATE * 2).to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for s in samples {
        out.extend_from_slice(&((s.clamp(-1.0, 1.0) * i16::MAX as f32) as i16).to_le_bytes());
    }
    out.into()
}
