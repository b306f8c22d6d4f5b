//! Chinese in egui: its bundled fonts have no CJK glyphs, so Chinese text would paint as
//! empty boxes. Natively the system's Noto Sans CJK (Debian's `fonts-noto-cjk`, its
//! Simplified Chinese face) is read before the app starts — never in a frame: it is 19 MB —
//! and added as every family's fallback on the first egui pass. `HORIZON_CJK_FONT=FILE`
//! names another font file (face 0).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

/// A font file's bytes and the face to use.
#[derive(Resource)]
pub struct ChineseFont {
    /// Kept for the process's life: every egui context (the screen's, a stream's) shares it.
    bytes: &'static [u8],
    face: u32,
    added: bool,
}

impl ChineseFont {
    /// Reads the font (start-up only). None, with a warning, when the machine has none.
    pub fn read() -> Option<ChineseFont> {
        #[cfg(not(target_arch = "wasm32"))]
        match crate::platform::cjk_font::read_cjk_font() {
            Some(Ok((bytes, face))) => return Some(ChineseFont { bytes: Box::leak(bytes.into_boxed_slice()), face, added: false }),
            Some(Err(e)) => warn!("{e}"),
            None => {}
        }
        warn!("no Chinese font found (install fonts-noto-cjk, or set HORIZON_CJK_FONT=FILE): Chinese text shows as boxes");
        None
    }
}

pub fn plugin(app: &mut App) {
    app.add_systems(EguiPrimaryContextPass, add_font.run_if(resource_exists::<ChineseFont>));
}

fn add_font(mut contexts: EguiContexts, mut font: ResMut<ChineseFont>) -> Result {
    if font.added {
        return Ok(());
    }
    font.add_to(contexts.ctx_mut()?);
    font.added = true;
    Ok(())
}

impl ChineseFont {
    /// Adds the font to a context as every family's fallback.
    pub fn add_to(&self, ctx: &egui::Context) {
        let data = egui::FontData { index: self.face, ..egui::FontData::from_static(self.bytes) };
        let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace].map(|family| egui::epaint::text::InsertFontFamily { family, priority: egui::epaint::text::FontPriority::Lowest }).to_vec();
        ctx.add_font(egui::epaint::text::FontInsert { name: "Noto Sans CJK SC".into(), data, families });
    }
}
