//! A keepsake as a PNG that carries its proof: the C2SP tlog-proof (the card's signed entry
//! in its `extra` line, the inclusion proof, the checkpoint) in a `tEXt` chunk whose keyword
//! is the format's name (`iTXt`, UTF-8, uncompressed), written before the image data so that
//! a reader finds it without decoding the picture.

use super::canvas::Canvas;

/// The keyword of the chunk that carries the proof.
pub const PROOF_KEYWORD: &str = "c2sp.org/tlog-proof";
/// The keyword of the chunk that says what the picture is, for people and tools.
pub const DESCRIPTION_KEYWORD: &str = "Description";

#[derive(Debug, thiserror::Error)]
pub enum PngError {
    #[error("not a PNG this reader can open ({0})")]
    Decode(String),
    #[error("the PNG carries no proof: it has no {PROOF_KEYWORD:?} text chunk")]
    NoProof,
    #[error("the PNG carries {0} proofs; a card carries one")]
    SeveralProofs(usize),
}

/// Encodes the canvas as an RGB PNG carrying `proof` (and a one-line description).
pub fn encode(canvas: &Canvas, proof: &str, description: &str) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, canvas.width, canvas.height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        // iTXt (UTF-8): a checkpoint's signature lines start with an em dash, which tEXt's
        // Latin-1 cannot hold; descriptions may hold Chinese.
        encoder.add_itxt_chunk(PROOF_KEYWORD.into(), proof.into()).expect("a valid keyword");
        encoder.add_itxt_chunk(DESCRIPTION_KEYWORD.into(), description.into()).expect("a valid keyword");
        let mut writer = encoder.write_header().expect("writing to memory");
        let rgb: Vec<u8> = canvas.pixels.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
        writer.write_image_data(&rgb).expect("writing to memory");
    }
    out
}

/// A decoded keepsake PNG: its proof text, and its pixels (RGB or RGBA rows as stored).
pub struct DecodedPng {
    pub proof: String,
    pub width: u32,
    pub height: u32,
}

/// Reads the proof chunk of a PNG (its pixels are decoded too, so a PNG that is not whole
/// is refused, not half-read).
pub fn read_proof(bytes: &[u8]) -> Result<DecodedPng, PngError> {
    let decoder = png::Decoder::new(bytes);
    let mut reader = decoder.read_info().map_err(|e| PngError::Decode(e.to_string()))?;
    let (width, height) = (reader.info().width, reader.info().height);
    if u64::from(width) * u64::from(height) > MAX_PICTURE_PIXELS {
        return Err(PngError::Decode(format!("{width}×{height} is more than {MAX_PICTURE_PIXELS} pixels")));
    }
    let mut buffer = vec![0; reader.output_buffer_size()];
    reader.next_frame(&mut buffer).map_err(|e| PngError::Decode(e.to_string()))?;
    reader.finish().map_err(|e| PngError::Decode(e.to_string()))?;
    let info = reader.info();
    // A proof in an iTXt chunk counts too (a tool may rewrite it so): one proof, however kept.
    let mut proofs: Vec<String> = info.uncompressed_latin1_text.iter().filter(|t| t.keyword == PROOF_KEYWORD).map(|t| t.text.clone()).collect();
    proofs.extend(info.utf8_text.iter().filter(|t| t.keyword == PROOF_KEYWORD).filter_map(|t| t.get_text().ok()));
    match proofs.len() {
        0 => Err(PngError::NoProof),
        1 => Ok(DecodedPng { proof: proofs.remove(0), width: info.width, height: info.height }),
        n => Err(PngError::SeveralProofs(n)),
    }
}

/// Most pixels of a picture put on a card (a 4K screenshot has 8.3 M).
pub const MAX_PICTURE_PIXELS: u64 = 16_000_000;

/// Decodes a PNG (a screenshot, a photo) to RGBA rows: (pixels, width, height).
pub fn decode_rgba(bytes: &[u8]) -> Result<(Vec<u8>, u32, u32), PngError> {
    let mut decoder = png::Decoder::new(bytes);
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().map_err(|e| PngError::Decode(e.to_string()))?;
    let (width, height) = (reader.info().width, reader.info().height);
    if u64::from(width) * u64::from(height) > MAX_PICTURE_PIXELS {
        return Err(PngError::Decode(format!("{width}×{height} is more than {MAX_PICTURE_PIXELS} pixels")));
    }
    let mut buffer = vec![0; reader.output_buffer_size()];
    let frame = reader.next_frame(&mut buffer).map_err(|e| PngError::Decode(e.to_string()))?;
    let pixels = (width * height) as usize;
    let rgba = match frame.color_type {
        png::ColorType::Rgba => buffer[..pixels * 4].to_vec(),
        png::ColorType::Rgb => buffer[..pixels * 3].chunks_exact(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect(),
        png::ColorType::GrayscaleAlpha => buffer[..pixels * 2].chunks_exact(2).flat_map(|p| [p[0], p[0], p[0], p[1]]).collect(),
        png::ColorType::Grayscale => buffer[..pixels].iter().flat_map(|&g| [g, g, g, 255]).collect(),
        png::ColorType::Indexed => return Err(PngError::Decode("an indexed PNG was not expanded".into())),
    };
    Ok((rgba, width, height))
}
