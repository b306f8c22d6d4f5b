//! The game's own look for egui, in place of its stock grey: night-blue glass panels with
//! rounded corners and a cool rim, the brand's cyan for what is chosen or pressed, larger
//! type for a screen seen from a few steps away, and one palette for what the texts mean
//! (stones cyan, crystals violet, gifts gold, good green, refused red).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use egui::{Color32, CornerRadius, FontId, Shadow, Stroke, TextStyle};

/// What the texts mean, by colour.
pub mod palette {
    use bevy_egui::egui::Color32;
    pub const STONES: Color32 = Color32::from_rgb(160, 220, 255);
    pub const CRYSTALS: Color32 = Color32::from_rgb(230, 180, 255);
    pub const GIFT: Color32 = Color32::from_rgb(255, 210, 120);
    pub const GOOD: Color32 = Color32::from_rgb(120, 220, 140);
    pub const BAD: Color32 = Color32::from_rgb(255, 140, 115);
    /// The brand's cyan: what is selected, pressed or focused.
    pub const ACCENT: Color32 = Color32::from_rgb(0, 168, 214);
    pub const TEXT: Color32 = Color32::from_rgb(226, 233, 242);
    pub const PANEL: Color32 = Color32::from_rgb(13, 19, 33);
}

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, apply_theme);
}

fn apply_theme(mut contexts: EguiContexts, mut applied: Local<bool>) -> Result {
    if !*applied {
        contexts.ctx_mut()?.all_styles_mut(theme);
        *applied = true;
    }
    Ok(())
}

/// The theme, applied to a style (the show's stream overlay takes it too).
pub fn theme(style: &mut egui::Style) {
    use palette::*;
    let v = &mut style.visuals;
    *v = egui::Visuals::dark();
    v.window_fill = PANEL;
    v.panel_fill = PANEL;
    v.window_stroke = Stroke::new(1.0, Color32::from_rgba_unmultiplied(110, 170, 220, 90));
    v.window_corner_radius = CornerRadius::same(14);
    v.menu_corner_radius = CornerRadius::same(10);
    v.window_shadow = Shadow { offset: [0, 8], blur: 28, spread: 0, color: Color32::from_black_alpha(110) };
    v.popup_shadow = Shadow { offset: [0, 4], blur: 14, spread: 0, color: Color32::from_black_alpha(90) };
    v.extreme_bg_color = Color32::from_rgb(6, 10, 20);
    v.faint_bg_color = Color32::from_rgba_unmultiplied(120, 170, 230, 10);
    v.selection.bg_fill = Color32::from_rgb(0, 112, 160);
    v.selection.stroke = Stroke::new(1.0, TEXT);
    v.hyperlink_color = ACCENT;
    v.warn_fg_color = GIFT;
    v.error_fg_color = BAD;
    v.striped = true;
    let w = &mut v.widgets;
    w.noninteractive.fg_stroke = Stroke::new(1.0, Color32::from_rgb(196, 206, 220));
    w.noninteractive.bg_stroke = Stroke::new(1.0, Color32::from_rgba_unmultiplied(120, 170, 230, 40));
    for (state, fill, rim) in [(&mut w.inactive, (28, 42, 66), (70, 100, 140)), (&mut w.hovered, (38, 62, 98), (110, 170, 220)), (&mut w.active, (0, 120, 170), (0, 168, 214)), (&mut w.open, (28, 42, 66), (110, 170, 220))] {
        let fill = Color32::from_rgb(fill.0, fill.1, fill.2);
        state.bg_fill = fill;
        state.weak_bg_fill = fill;
        state.bg_stroke = Stroke::new(1.0, Color32::from_rgb(rim.0, rim.1, rim.2));
        state.fg_stroke = Stroke::new(1.0, TEXT);
        state.corner_radius = CornerRadius::same(8);
    }
    w.hovered.fg_stroke = Stroke::new(1.5, Color32::WHITE);
    w.active.fg_stroke = Stroke::new(1.5, Color32::WHITE);
    let s = &mut style.spacing;
    s.item_spacing = egui::vec2(9.0, 6.0);
    s.button_padding = egui::vec2(12.0, 5.0);
    s.interact_size.y = 24.0;
    use egui::FontFamily::{Monospace, Proportional};
    style.text_styles = [
        (TextStyle::Small, FontId::new(12.0, Proportional)),
        (TextStyle::Body, FontId::new(15.0, Proportional)),
        (TextStyle::Button, FontId::new(15.5, Proportional)),
        (TextStyle::Heading, FontId::new(23.0, Proportional)),
        (TextStyle::Monospace, FontId::new(13.0, Monospace)),
    ]
    .into();
}
