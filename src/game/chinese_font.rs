//! Chinese in egui: its bundled fonts have no CJK glyphs, so Chinese text would paint as
//! empty boxes. Every build carries the game's own cut of Noto Sans CJK SC
//! (assets/fonts/NotoSansSC-Game.otf, scripts/cjk-font.sh: the characters of the Chinese
//! catalogue), tried after egui's fonts; natively the system's whole Noto Sans CJK (Debian's
//! `fonts-noto-cjk`, 19 MB, read before the app starts, never in a frame) comes after it, for
//! names players write. `HORIZON_CJK_FONT=FILE` names another font file (face 0).

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};

/// The game's cut of Noto Sans CJK SC.
const BUNDLED: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Game.otf");

/// The font files' bytes and the faces to use, first tried first.
#[derive(Resource)]
pub struct ChineseFont {
    /// Kept for the process's life: every egui context (the screen's, a stream's) shares it.
    fonts: Vec<(&'static str, &'static [u8], u32)>,
    added: bool,
}

impl ChineseFont {
    /// The bundled font, and the system's where it has one (start-up only).
    pub fn read() -> ChineseFont {
        #[cfg_attr(target_arch = "wasm32", allow(unused_mut))]
        let mut fonts = vec![("Noto Sans SC (game)", BUNDLED, 0)];
        #[cfg(not(target_arch = "wasm32"))]
        match crate::platform::cjk_font::read_cjk_font() {
            Some(Ok((bytes, face))) => fonts.push(("Noto Sans CJK SC", Box::leak(bytes.into_boxed_slice()), face)),
            Some(Err(e)) => warn!("{e}"),
            None => info!("no system Chinese font (fonts-noto-cjk): Chinese beyond the game's own words shows as boxes"),
        }
        ChineseFont { fonts, added: false }
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
    /// Adds the fonts to a context as every family's fallbacks, in order.
    pub fn add_to(&self, ctx: &egui::Context) {
        for (name, bytes, face) in &self.fonts {
            let data = egui::FontData { index: *face, ..egui::FontData::from_static(bytes) };
            let families = [egui::FontFamily::Proportional, egui::FontFamily::Monospace].map(|family| egui::epaint::text::InsertFontFamily { family, priority: egui::epaint::text::FontPriority::Lowest }).to_vec();
            ctx.add_font(egui::epaint::text::FontInsert { name: (*name).into(), data, families });
        }
    }
}
