//! The valley's screens over the 3D view (bevy_egui): twin, garage, blind box, ledger
//! explorer, profile and shop. A menu bar opens them (keys 1–6, or the gamepad's bumpers and
//! Select); Esc or the gamepad's East button closes them. Inside, Tab / the d-pad moves
//! between buttons and Enter / the South button presses one. While a screen is open the
//! valley's simulation is paused (`Play::Paused`).

use bevy::prelude::*;
use bevy_egui::input::EguiInputEvent;
use bevy_egui::{EguiContexts, EguiInputSet, EguiPrimaryContextPass, PrimaryEguiContext, egui};

use super::screens::{Play, Screen};

pub mod blind_box;
pub mod garage;
pub mod ledger;
pub mod profile;
pub mod shop;
pub mod twin;

#[derive(States, Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Panel {
    #[default]
    None,
    Twin,
    Garage,
    BlindBox,
    Ledger,
    Profile,
    Shop,
}

impl Panel {
    pub const ALL: [Panel; 6] = [Panel::Twin, Panel::Garage, Panel::BlindBox, Panel::Ledger, Panel::Profile, Panel::Shop];

    pub fn title(self) -> String {
        match self {
            Panel::None => String::new(),
            Panel::Twin => crate::t!("panels-title-twin"),
            Panel::Garage => crate::t!("panels-title-garage"),
            Panel::BlindBox => crate::t!("panels-title-blind-box"),
            Panel::Ledger => crate::t!("panels-title-ledger"),
            Panel::Profile => crate::t!("panels-title-profile"),
            Panel::Shop => crate::t!("panels-title-shop"),
        }
    }

    /// The screen's size: the shop's catalogue table needs a wider one than the rest.
    fn size(self) -> [f32; 2] {
        match self {
            Panel::Shop => [990.0, 540.0],
            _ => [820.0, 520.0],
        }
    }

    fn key(self) -> Option<KeyCode> {
        Some(match self {
            Panel::Twin => KeyCode::Digit1,
            Panel::Garage => KeyCode::Digit2,
            Panel::BlindBox => KeyCode::Digit3,
            Panel::Ledger => KeyCode::Digit4,
            Panel::Profile => KeyCode::Digit5,
            Panel::Shop => KeyCode::Digit6,
            Panel::None => return None,
        })
    }

    /// The next (or previous) screen in the menu's order, for the gamepad's bumpers.
    fn step(self, by: i32) -> Panel {
        let i = Panel::ALL.iter().position(|p| *p == self).map_or(if by > 0 { -1 } else { 0 }, |i| i as i32);
        Panel::ALL[(i + by).rem_euclid(Panel::ALL.len() as i32) as usize]
    }
}

pub fn plugin(app: &mut App) {
    app.init_state::<Panel>()
        .add_plugins((twin::plugin, garage::plugin, blind_box::plugin, ledger::plugin, profile::plugin, shop::plugin))
        .add_systems(Update, (switch_panels, pause_under_panel).chain().run_if(in_state(Screen::Valley)))
        .add_systems(PreUpdate, gamepad_to_egui.in_set(EguiInputSet::ReadBevyMessages))
        .add_systems(EguiPrimaryContextPass, menu_bar.run_if(in_state(Screen::Valley).and_then(super::screens::hud_shown)));
}

fn switch_panels(keys: Res<ButtonInput<KeyCode>>, pads: Query<&Gamepad>, panel: Res<State<Panel>>, mut next: ResMut<NextState<Panel>>) {
    let now = *panel.get();
    for p in Panel::ALL {
        if p.key().is_some_and(|k| keys.just_pressed(k)) {
            next.set(if now == p { Panel::None } else { p });
        }
    }
    if keys.just_pressed(KeyCode::Escape) {
        next.set(Panel::None);
    }
    for pad in &pads {
        if pad.just_pressed(GamepadButton::RightTrigger) {
            next.set(now.step(1));
        } else if pad.just_pressed(GamepadButton::LeftTrigger) {
            next.set(now.step(-1));
        } else if pad.just_pressed(GamepadButton::Select) {
            next.set(if now == Panel::None { Panel::Twin } else { Panel::None });
        } else if now != Panel::None && pad.just_pressed(GamepadButton::East) {
            next.set(Panel::None);
        }
    }
}

/// The valley holds still under an open screen (and in photo mode), and runs again when it closes.
fn pause_under_panel(panel: Res<State<Panel>>, photo: Option<Res<crate::game::photo_mode::PhotoMode>>, play: Res<State<Play>>, mut next: ResMut<NextState<Play>>) {
    let posing = photo.is_some_and(|p| p.on);
    let wanted = if *panel.get() == Panel::None && !posing { Play::Running } else { Play::Paused };
    if *play.get() != wanted {
        next.set(wanted);
    }
}

/// The gamepad drives egui's keyboard focus: the d-pad moves it, South presses.
fn gamepad_to_egui(pads: Query<&Gamepad>, contexts: Query<Entity, With<PrimaryEguiContext>>, mut events: MessageWriter<EguiInputEvent>) {
    let Ok(context) = contexts.single() else { return };
    for pad in &pads {
        let mut press = |key: egui::Key, modifiers: egui::Modifiers| {
            for pressed in [true, false] {
                events.write(EguiInputEvent { context, event: egui::Event::Key { key, physical_key: None, pressed, repeat: false, modifiers } });
            }
        };
        if pad.just_pressed(GamepadButton::DPadDown) || pad.just_pressed(GamepadButton::DPadRight) {
            press(egui::Key::Tab, egui::Modifiers::NONE);
        }
        if pad.just_pressed(GamepadButton::DPadUp) || pad.just_pressed(GamepadButton::DPadLeft) {
            press(egui::Key::Tab, egui::Modifiers::SHIFT);
        }
        if pad.just_pressed(GamepadButton::South) {
            press(egui::Key::Enter, egui::Modifiers::NONE);
        }
    }
}

fn menu_bar(mut contexts: EguiContexts, panel: Res<State<Panel>>, mut next: ResMut<NextState<Panel>>) -> Result {
    let ctx = contexts.ctx_mut()?;
    let now = *panel.get();
    egui::Area::new("menu".into()).anchor(egui::Align2::LEFT_TOP, [16.0, 16.0]).show(ctx, |ui| {
        egui::Frame::new().fill(egui::Color32::from_black_alpha(150)).corner_radius(8.0).inner_margin(6.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                for (i, p) in Panel::ALL.into_iter().enumerate() {
                    let label = egui::RichText::new(format!("{} {}", i + 1, p.title())).size(15.0);
                    if ui.add(egui::Button::new(label).selected(now == p)).clicked() {
                        next.set(if now == p { Panel::None } else { p });
                    }
                }
            });
        });
    });
    Ok(())
}

/// The frame every screen is drawn in: a centred window with its title and a close button.
/// Returns false when the player closed it.
pub fn screen_window(ctx: &egui::Context, panel: Panel, add: impl FnOnce(&mut egui::Ui)) -> bool {
    let mut open = true;
    egui::Window::new(egui::RichText::new(panel.title()).size(20.0).strong())
        .id(egui::Id::new(("screen", panel)))
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 20.0])
        .fixed_size(panel.size())
        .show(ctx, add);
    open
}

/// Text in the colours screens share.
pub fn dim(text: impl Into<String>) -> egui::RichText {
    egui::RichText::new(text).color(egui::Color32::from_gray(170))
}

pub fn stones_colour() -> egui::Color32 {
    crate::game::ui_theme::palette::STONES
}

pub fn crystals_colour() -> egui::Color32 {
    crate::game::ui_theme::palette::CRYSTALS
}
