//! A small RGBA canvas for keepsake pictures: fills, gradients, rounded panels, a picture
//! scaled in, QR codes and text. Text is ab_glyph's (pure Rust, already in the build
//! through plotters): a CJK font first when there is one, the bundled Latin font for what it
//! lacks. (A 2D crate such as tiny-skia would bring paths we do not need; these cards are
//! rectangles, text and modules.)

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

/// The bundled Latin font (DejaVu Sans, its licence beside it in `assets/fonts`).
pub const LATIN_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgba(pub [u8; 4]);

impl Rgba {
    pub const fn rgb(r: u8, g: u8, b: u8) -> Rgba {
        Rgba([r, g, b, 255])
    }
    pub const fn with_alpha(self, a: u8) -> Rgba {
        Rgba([self.0[0], self.0[1], self.0[2], a])
    }
    fn mix(self, other: Rgba, t: f32) -> Rgba {
        let l = |a: u8, b: u8| (a as f32 + (b as f32 - a as f32) * t).round().clamp(0.0, 255.0) as u8;
        Rgba([l(self.0[0], other.0[0]), l(self.0[1], other.0[1]), l(self.0[2], other.0[2]), l(self.0[3], other.0[3])])
    }
}

/// The fonts text is drawn with: `primary` (a CJK font when the machine has one) and the
/// bundled Latin font for characters the primary lacks.
pub struct Fonts<'a> {
    primary: Option<FontRef<'a>>,
    latin: FontRef<'static>,
}

impl<'a> Fonts<'a> {
    /// `cjk`: a font file's bytes and face (Noto Sans CJK's SC face is 2), if any. A file
    /// that is no font is left out (the Latin font then draws what it can).
    pub fn new(cjk: Option<(&'a [u8], u32)>) -> Fonts<'a> {
        let primary = cjk.and_then(|(bytes, face)| FontRef::try_from_slice_and_index(bytes, face).ok());
        Fonts { primary, latin: FontRef::try_from_slice(LATIN_FONT).expect("the bundled font parses") }
    }

    /// Whether Chinese can be drawn.
    pub fn has_cjk(&self) -> bool {
        self.primary.as_ref().is_some_and(|f| f.glyph_id('原').0 != 0)
    }

    fn for_char(&self, c: char) -> &FontRef<'_> {
        match &self.primary {
            Some(f) if f.glyph_id(c).0 != 0 => f,
            _ => &self.latin,
        }
    }

    /// Width of `text` at `size` px.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.for_char(c).as_scaled(PxScale::from(size)).h_advance(self.for_char(c).glyph_id(c))).sum()
    }
}

pub struct Canvas {
    pub width: u32,
    pub height: u32,
    /// RGBA, row by row.
    pub pixels: Vec<u8>,
}

impl Canvas {
    pub fn new(width: u32, height: u32, fill: Rgba) -> Canvas {
        let pixels = fill.0.iter().copied().cycle().take((width * height * 4) as usize).collect();
        Canvas { width, height, pixels }
    }

    /// Blends `colour` into pixel (x, y) with coverage `a` (0–1).
    fn blend(&mut self, x: i64, y: i64, colour: Rgba, a: f32) {
        if x < 0 || y < 0 || x >= i64::from(self.width) || y >= i64::from(self.height) {
            return;
        }
        let i = ((y as usize) * self.width as usize + x as usize) * 4;
        let alpha = a.clamp(0.0, 1.0) * f32::from(colour.0[3]) / 255.0;
        for c in 0..3 {
            let old = f32::from(self.pixels[i + c]);
            self.pixels[i + c] = (old + (f32::from(colour.0[c]) - old) * alpha).round() as u8;
        }
        self.pixels[i + 3] = 255;
    }

    /// A vertical gradient over the whole canvas.
    pub fn vertical_gradient(&mut self, top: Rgba, bottom: Rgba) {
        for y in 0..self.height {
            let c = top.mix(bottom, y as f32 / self.height.max(2) as f32);
            for x in 0..self.width {
                self.blend(i64::from(x), i64::from(y), c, 1.0);
            }
        }
    }

    /// A rectangle with rounded corners (radius `r`), edges anti-aliased.
    pub fn rounded_rect(&mut self, x: f32, y: f32, w: f32, h: f32, r: f32, colour: Rgba) {
        let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
        for py in y.floor() as i64..(y + h).ceil() as i64 {
            for px in x.floor() as i64..(x + w).ceil() as i64 {
                let (cx, cy) = (px as f32 + 0.5, py as f32 + 0.5);
                // Distance outside the rounded rectangle (negative inside).
                let qx = (cx - (x + w / 2.0)).abs() - (w / 2.0 - r);
                let qy = (cy - (y + h / 2.0)).abs() - (h / 2.0 - r);
                let outside = (qx.max(0.0).hypot(qy.max(0.0))) + qx.max(qy).min(0.0) - r;
                let coverage = (0.5 - outside).clamp(0.0, 1.0);
                if coverage > 0.0 {
                    self.blend(px, py, colour, coverage);
                }
            }
        }
    }

    /// A filled circle.
    pub fn circle(&mut self, cx: f32, cy: f32, radius: f32, colour: Rgba) {
        self.rounded_rect(cx - radius, cy - radius, radius * 2.0, radius * 2.0, radius, colour);
    }

    /// A picture (RGBA, `w`×`h`) scaled to cover the box, cropped to it, bilinear.
    pub fn picture(&mut self, rgba: &[u8], w: u32, h: u32, x: u32, y: u32, bw: u32, bh: u32) {
        if w == 0 || h == 0 || rgba.len() < (w * h * 4) as usize {
            return;
        }
        let scale = (bw as f32 / w as f32).max(bh as f32 / h as f32);
        let (ox, oy) = ((w as f32 * scale - bw as f32) / 2.0, (h as f32 * scale - bh as f32) / 2.0);
        let at = |sx: u32, sy: u32, c: usize| f32::from(rgba[((sy.min(h - 1) * w + sx.min(w - 1)) * 4) as usize + c]);
        for py in 0..bh {
            for px in 0..bw {
                let sx = ((px as f32 + 0.5 + ox) / scale - 0.5).max(0.0);
                let sy = ((py as f32 + 0.5 + oy) / scale - 0.5).max(0.0);
                let (x0, y0) = (sx.floor() as u32, sy.floor() as u32);
                let (fx, fy) = (sx.fract(), sy.fract());
                let mut c = [0u8; 4];
                for (k, v) in c.iter_mut().enumerate() {
                    let top = at(x0, y0, k) * (1.0 - fx) + at(x0 + 1, y0, k) * fx;
                    let bottom = at(x0, y0 + 1, k) * (1.0 - fx) + at(x0 + 1, y0 + 1, k) * fx;
                    *v = (top * (1.0 - fy) + bottom * fy).round() as u8;
                }
                self.blend(i64::from(x + px), i64::from(y + py), Rgba(c), 1.0);
            }
        }
    }

    /// A QR code's modules in a `side`-px square at (x, y), on a white quiet zone of four
    /// modules (what scanners need).
    pub fn qr(&mut self, qr: &crate::kiosk::keepsake::QrModules, x: f32, y: f32, side: f32) {
        let modules = qr.width as f32 + 8.0;
        let m = side / modules;
        self.rounded_rect(x, y, side, side, m * 1.5, Rgba::rgb(255, 255, 255));
        for row in 0..qr.width {
            for col in 0..qr.width {
                if qr.dark[row * qr.width + col] {
                    let (mx, my) = (x + (col as f32 + 4.0) * m, y + (row as f32 + 4.0) * m);
                    self.rounded_rect(mx, my, m + 0.02, m + 0.02, 0.0, Rgba::rgb(0, 0, 0));
                }
            }
        }
    }

    /// Draws `text` with its baseline at `y`, starting at `x`; returns the width drawn.
    pub fn text(&mut self, fonts: &Fonts, text: &str, x: f32, y: f32, size: f32, colour: Rgba) -> f32 {
        let scale = PxScale::from(size);
        let mut pen = x;
        for c in text.chars() {
            let font = fonts.for_char(c);
            let id = font.glyph_id(c);
            let glyph = id.with_scale_and_position(scale, point(pen, y));
            if let Some(outline) = font.outline_glyph(glyph) {
                let bounds = outline.px_bounds();
                let mut coverage = Vec::new();
                outline.draw(|gx, gy, a| coverage.push((gx, gy, a)));
                for (gx, gy, a) in coverage {
                    self.blend(bounds.min.x as i64 + i64::from(gx), bounds.min.y as i64 + i64::from(gy), colour, a);
                }
            }
            pen += font.as_scaled(scale).h_advance(id);
        }
        pen - x
    }

    /// Text centred on `cx`.
    pub fn text_centred(&mut self, fonts: &Fonts, text: &str, cx: f32, y: f32, size: f32, colour: Rgba) {
        let w = fonts.width(text, size);
        self.text(fonts, text, cx - w / 2.0, y, size, colour);
    }

    /// Text ending at `right`.
    pub fn text_right(&mut self, fonts: &Fonts, text: &str, right: f32, y: f32, size: f32, colour: Rgba) {
        let w = fonts.width(text, size);
        self.text(fonts, text, right - w, y, size, colour);
    }

    /// `text` cut with an ellipsis to fit `max_width` at `size`.
    pub fn fit(fonts: &Fonts, text: &str, size: f32, max_width: f32) -> String {
        if fonts.width(text, size) <= max_width {
            return text.to_string();
        }
        let mut out: String = text.to_string();
        while !out.is_empty() && fonts.width(&format!("{out}…"), size) > max_width {
            out.pop();
        }
        format!("{out}…")
    }

    /// The RGB colour at (x, y) (for tests and checks).
    pub fn at(&self, x: u32, y: u32) -> [u8; 3] {
        let i = ((y * self.width + x) * 4) as usize;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }
}
