//! Finding a Chinese font on this machine: Debian's and Ubuntu's Noto Sans CJK (its
//! Simplified Chinese face), or the file `HORIZON_CJK_FONT` names (face 0). It is 19 MB, so
//! the game reads it before its first frame and the keepsake tools once per run.

use std::path::PathBuf;

/// Where Debian and Ubuntu put Noto Sans CJK, and the index of its SC face in that file.
const SYSTEM_FONTS: [(&str, u32); 2] = [("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2), ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2)];

/// The font file's bytes and face; `Err` names a file that is there but unreadable. None
/// when the machine has none.
pub fn read_cjk_font() -> Option<Result<(Vec<u8>, u32), String>> {
    let named = std::env::var_os("HORIZON_CJK_FONT").map(|f| (PathBuf::from(f), 0));
    let candidates = named.into_iter().chain(SYSTEM_FONTS.iter().map(|(p, i)| (PathBuf::from(p), *i)));
    for (path, face) in candidates {
        match std::fs::read(&path) {
            Ok(bytes) => return Some(Ok((bytes, face))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Some(Err(format!("{}: {e}", path.display()))),
        }
    }
    None
}
