//! C2SP tlog-tiles paths (`tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]`), parsed and
//! range-checked before the server touches anything: a path is outside input, so every
//! number is bounded and every sum checked (a bad path is a 400 naming what is wrong, never
//! a panic or a wrapped index).

/// Tile height of this log: 2^8 = 256 hashes or entries per full tile.
pub const TILE_HEIGHT: u8 = 8;
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;
/// A u64 tree has at most 8 levels of height-8 tiles (256^8 = 2^64 leaves).
pub const MAX_LEVEL: u8 = 7;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TilePath {
    /// Hashes at tile level `level`: `width` of them, from the `index`-th full tile.
    Hashes { level: u8, index: u64, width: u32 },
    /// Entry bundle `index` (entries `index * 256 ..`), `width` entries.
    Entries { index: u64, width: u32 },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("tile path {path:?}: {what}")]
pub struct TilePathError {
    pub path: String,
    pub what: String,
}

impl TilePath {
    /// How many leaves the tree needs for this tile to exist (None: more than any u64 tree).
    pub fn leaves_needed(&self) -> Option<u64> {
        match *self {
            TilePath::Entries { index, width } => index.checked_mul(TILE_WIDTH)?.checked_add(u64::from(width)),
            TilePath::Hashes { level, index, width } => {
                let hashes = index.checked_mul(TILE_WIDTH)?.checked_add(u64::from(width))?;
                // Each hash at tile level L covers 256^L leaves.
                hashes.checked_mul(1u64.checked_shl(u32::from(TILE_HEIGHT) * u32::from(level))?)
            }
        }
    }
}

/// Parses the part of a tile URL after `tile/`.
pub fn parse_tile_path(path: &str) -> Result<TilePath, TilePathError> {
    let fail = |what: &str| TilePathError { path: path.chars().take(80).collect(), what: what.to_string() };
    if path.len() > 64 {
        return Err(fail("is longer than any tile path"));
    }
    let (first, rest) = path.split_once('/').ok_or_else(|| fail("has no tile index"))?;
    let level = match first {
        "entries" => None,
        digits => Some(parse_level(digits).ok_or_else(|| fail(&format!("the level must be 0 to {MAX_LEVEL}")))?),
    };
    let mut segments: Vec<&str> = rest.split('/').collect();
    let mut width = TILE_WIDTH as u32;
    if let Some(last_index) = segments.iter().position(|s| s.ends_with(".p")) {
        if last_index + 2 != segments.len() {
            return Err(fail("a partial tile is <N>.p/<W>, with nothing after W"));
        }
        let w = segments.pop().expect("checked above");
        width = parse_width(w).ok_or_else(|| fail("the partial width must be 1 to 255, without leading zeros"))?;
        let n = segments.pop().expect("checked above");
        segments.push(n.strip_suffix(".p").expect("checked above"));
    }
    let index = parse_index(&segments).map_err(|what| fail(what))?;
    Ok(match level {
        None => TilePath::Entries { index, width },
        Some(level) => TilePath::Hashes { level, index, width },
    })
}

fn parse_level(s: &str) -> Option<u8> {
    if s.len() != 1 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|&l| l <= MAX_LEVEL)
}

fn parse_width(s: &str) -> Option<u32> {
    if s.is_empty() || s.len() > 3 || s.starts_with('0') || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|w| (1..TILE_WIDTH as u32).contains(w))
}

/// `N` as groups of three digits, all but the last prefixed with `x` (e.g. `x001/x234/067`).
fn parse_index(groups: &[&str]) -> Result<u64, &'static str> {
    // u64::MAX has 20 digits: at most 7 groups.
    if groups.is_empty() || groups.len() > 7 {
        return Err("the index must be 1 to 7 groups of three digits");
    }
    let mut index: u64 = 0;
    for (i, group) in groups.iter().enumerate() {
        let last = i + 1 == groups.len();
        let digits = if last { *group } else { group.strip_prefix('x').ok_or("every group but the last starts with x")? };
        if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("each group of the index is exactly three digits");
        }
        if i == 0 && !last && digits == "000" {
            return Err("the index has a leading x000 group (not canonical)");
        }
        let value: u64 = digits.parse().map_err(|_| "each group of the index is exactly three digits")?;
        index = index.checked_mul(1000).and_then(|n| n.checked_add(value)).ok_or("the index is larger than any tree")?;
    }
    Ok(index)
}

