//! The economy's tables are data (`assets/economy/*.ron`): blind-box odds and pity, the
//! upgrade catalogue, tasks. Loading validates them and names the file, the entry and the
//! problem. The bundled tables are compiled in, so that the ledger verifier can recompute
//! every draw and check every purchase with no files at hand.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, LazyLock};

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Basis points in 100 %.
pub const BASIS_POINTS: u32 = 10_000;

pub const BLIND_BOX_FILE: &str = "assets/economy/blind_box.ron";
pub const UPGRADES_FILE: &str = "assets/economy/upgrades.ron";
pub const TASKS_FILE: &str = "assets/economy/tasks.ron";
pub const MERCH_FILE: &str = "assets/economy/merch.ron";

const BUNDLED_BLIND_BOX: &str = include_str!("../../assets/economy/blind_box.ron");
const BUNDLED_UPGRADES: &str = include_str!("../../assets/economy/upgrades.ron");
const BUNDLED_TASKS: &str = include_str!("../../assets/economy/tasks.ron");
const BUNDLED_MERCH: &str = include_str!("../../assets/economy/merch.ron");

/// What a blind box held (as a box-draw entry records it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prize {
    Gift { item: String },
    Fragments { count: u32 },
    Stone { amount_milli: u64 },
    Crystals { count: u64 },
}

impl Prize {
    /// Milli-stones the prize takes from the cultivation pool (stones and fragments).
    pub fn pool_cost_milli(&self) -> u64 {
        match self {
            Prize::Stone { amount_milli } => *amount_milli,
            Prize::Fragments { count } => u64::from(*count) * super::MILLI_PER_FRAGMENT,
            Prize::Gift { .. } | Prize::Crystals { .. } => 0,
        }
    }
}

/// A prize as the tables write it.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum PrizeSpec {
    Stone { milli: u64 },
    Fragments { count: u32 },
    Crystals { count: u64 },
    Gift { item: String },
}

impl PrizeSpec {
    pub fn to_prize(&self) -> Prize {
        match self {
            PrizeSpec::Stone { milli } => Prize::Stone { amount_milli: *milli },
            PrizeSpec::Fragments { count } => Prize::Fragments { count: *count },
            PrizeSpec::Crystals { count } => Prize::Crystals { count: *count },
            PrizeSpec::Gift { item } => Prize::Gift { item: item.clone() },
        }
    }

    pub fn describe(&self) -> String {
        match self {
            PrizeSpec::Stone { milli } => format!("{} stone", super::format_stones(*milli)),
            PrizeSpec::Fragments { count } => format!("{count} stone fragment(s)"),
            PrizeSpec::Crystals { count } => format!("{count} crystals back"),
            PrizeSpec::Gift { item } => format!("gift: {item}"),
        }
    }
}

#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub prize: PrizeSpec,
    /// Basis points; a table's weights sum to exactly 10000.
    pub weight: u32,
}

/// One table of odds (owners' or guests') with its pity rule.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Odds {
    pub outcomes: Vec<Outcome>,
    pub pity_prize: PrizeSpec,
    pub soft_pity_from: u32,
    pub soft_pity_step: u32,
    pub hard_pity: u32,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct BlindBoxTable {
    pub price_crystals: u64,
    pub owner: Odds,
    pub guest: Odds,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Category {
    Motor,
    Battery,
    Tyres,
    Aero,
    Suspension,
    Cosmetic,
    Entitlement,
}

impl Category {
    pub fn is_part(self) -> bool {
        !matches!(self, Category::Cosmetic | Category::Entitlement)
    }
}

/// Stat changes an upgrade brings (points on the 0–100 scales).
#[derive(Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(default)]
pub struct StatEffects {
    pub power: i32,
    pub handling: i32,
    pub efficiency: i32,
    pub range: i32,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Upgrade {
    pub id: String,
    pub name: String,
    pub category: Category,
    #[serde(default)]
    pub tier: u32,
    pub price_milli: u64,
    #[serde(default)]
    pub effects: StatEffects,
    #[serde(default)]
    pub requires: Option<String>,
    /// Real-car entitlements: what the voucher is for.
    #[serde(default)]
    pub voucher: Option<String>,
    /// Only blind boxes give it; it cannot be bought.
    #[serde(default)]
    pub box_only: bool,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum TaskKind {
    VisitLandmark { landmark: String },
    DriveDistance { km: u32 },
    LapTime { route: String, seconds: u32 },
    DailyStreak { days: u32 },
    CoCreation,
}

#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    Once,
    Daily,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: String,
    pub name: String,
    pub crystals: u64,
    pub xp: u64,
    pub kind: TaskKind,
    pub repeat: Repeat,
}

/// A table file that cannot be used: which file, which entry, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableError {
    pub file: String,
    pub entry: String,
    pub problem: String,
}

impl fmt::Display for TableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.entry.is_empty() {
            write!(f, "{}: {}", self.file, self.problem)
        } else {
            write!(f, "{}: {}: {}", self.file, self.entry, self.problem)
        }
    }
}

impl std::error::Error for TableError {}

/// All economy tables, validated.
#[derive(Clone, Debug)]
pub struct EconomyTables {
    pub boxes: BlindBoxTable,
    pub upgrades: Vec<Upgrade>,
    pub tasks: Vec<Task>,
    /// The merch shop's catalogue, edition by edition.
    pub merch: super::merch::MerchCatalogue,
    /// SHA-256 of the blind-box file as published: box-draw entries name it.
    pub box_table_digest: [u8; 32],
}

static BUNDLED: LazyLock<Arc<EconomyTables>> = LazyLock::new(|| {
    let tables = EconomyTables::from_texts(BUNDLED_BLIND_BOX, BUNDLED_UPGRADES, BUNDLED_TASKS, BUNDLED_MERCH);
    Arc::new(tables.unwrap_or_else(|e| panic!("the bundled economy tables are invalid: {e}")))
});

fn parse<T: serde::de::DeserializeOwned>(file: &str, text: &str) -> Result<T, TableError> {
    ron::from_str(text).map_err(|e| TableError {
        file: format!("{file}:{}:{}", e.span.start.line, e.span.start.col),
        entry: String::new(),
        problem: e.code.to_string(),
    })
}

/// The catalogue's editions read from the file's, each `from` parsed and digest computed.
fn catalogue(texts: Vec<super::merch::EditionText>) -> Result<super::merch::MerchCatalogue, TableError> {
    let editions = texts
        .into_iter()
        .enumerate()
        .map(|(n, text)| {
            super::merch::MerchEdition::from_text(text).map_err(|problem| TableError { file: MERCH_FILE.into(), entry: format!("edition {}", n + 1), problem })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(super::merch::MerchCatalogue { editions })
}

impl EconomyTables {
    /// The tables compiled into this build (the ones the ledger verifier knows). The top
    /// level loads them here and hands them down; the core takes them as a parameter.
    pub fn bundled() -> &'static EconomyTables {
        &BUNDLED
    }

    /// The bundled tables, shared: what a ledger, a replica or a valley is opened with.
    pub fn shared() -> Arc<EconomyTables> {
        BUNDLED.clone()
    }

    /// Parses and validates the four tables from their texts.
    pub fn from_texts(blind_box: &str, upgrades: &str, tasks: &str, merch: &str) -> Result<EconomyTables, TableError> {
        let tables = EconomyTables {
            boxes: parse(BLIND_BOX_FILE, blind_box)?,
            upgrades: parse(UPGRADES_FILE, upgrades)?,
            tasks: parse(TASKS_FILE, tasks)?,
            merch: catalogue(parse(MERCH_FILE, merch)?)?,
            box_table_digest: Sha256::digest(blind_box.as_bytes()).into(),
        };
        tables.validate()?;
        Ok(tables)
    }

    /// Loads the tables from `dir/assets/economy` (for checking edited tables).
    pub fn load(root: &std::path::Path) -> Result<EconomyTables, TableError> {
        let read = |file: &str| {
            std::fs::read_to_string(root.join(file)).map_err(|e| TableError {
                file: root.join(file).display().to_string(),
                entry: String::new(),
                problem: e.to_string(),
            })
        };
        EconomyTables::from_texts(&read(BLIND_BOX_FILE)?, &read(UPGRADES_FILE)?, &read(TASKS_FILE)?, &read(MERCH_FILE)?)
    }

    pub fn upgrade(&self, id: &str) -> Option<&Upgrade> {
        self.upgrades.iter().find(|u| u.id == id)
    }

    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// A merch item as the newest edition listing it has it.
    pub fn merch_item(&self, id: &str) -> Option<&super::merch::MerchItem> {
        self.merch.item(id)
    }

    fn validate(&self) -> Result<(), TableError> {
        self.validate_boxes()?;
        self.validate_upgrades()?;
        self.validate_tasks()?;
        self.validate_merch()
    }

    fn validate_boxes(&self) -> Result<(), TableError> {
        let err = |file: &str, entry: String, problem: String| Err(TableError { file: file.into(), entry, problem });
        if self.boxes.price_crystals == 0 {
            return err(BLIND_BOX_FILE, "price_crystals".into(), "a box must cost something".into());
        }
        for (name, odds, owner) in [("owner", &self.boxes.owner, true), ("guest", &self.boxes.guest, false)] {
            self.validate_outcomes(name, odds, owner)?;
            let entry = format!("{name} pity");
            if !odds.outcomes.iter().any(|o| o.prize == odds.pity_prize) {
                return err(BLIND_BOX_FILE, entry, format!("the pity prize ({}) is not one of the outcomes", odds.pity_prize.describe()));
            }
            if owner && !matches!(odds.pity_prize, PrizeSpec::Stone { .. }) {
                return err(BLIND_BOX_FILE, entry, "owners' pity prize must be a stone".into());
            }
            let rarest = odds.outcomes.iter().map(|o| o.weight).min().unwrap_or(0);
            if !owner && odds.outcomes.iter().any(|o| o.prize == odds.pity_prize && o.weight != rarest) {
                return err(BLIND_BOX_FILE, entry, "guests' pity prize must be the rarest outcome".into());
            }
            if odds.hard_pity < 2 || odds.soft_pity_from < 1 || odds.soft_pity_from >= odds.hard_pity {
                return err(
                    BLIND_BOX_FILE,
                    entry,
                    format!("soft pity from box {} must come before hard pity at box {}", odds.soft_pity_from, odds.hard_pity),
                );
            }
        }
        Ok(())
    }

    fn validate_outcomes(&self, name: &str, odds: &Odds, owner: bool) -> Result<(), TableError> {
        let upgrades: HashSet<&str> = self.upgrades.iter().map(|u| u.id.as_str()).collect();
        let err = |file: &str, entry: String, problem: String| Err(TableError { file: file.into(), entry, problem });
        let sum: u64 = odds.outcomes.iter().map(|o| u64::from(o.weight)).sum();
        if sum != u64::from(BASIS_POINTS) {
            return err(BLIND_BOX_FILE, format!("{name} odds"), format!("weights sum to {sum} basis points, not exactly 10000 (100 %)"));
        }
        for (i, o) in odds.outcomes.iter().enumerate() {
            let entry = format!("{name} outcome {} ({})", i + 1, o.prize.describe());
            if o.weight == 0 {
                return err(BLIND_BOX_FILE, entry, "a weight of 0 (remove the outcome instead)".into());
            }
            match &o.prize {
                PrizeSpec::Gift { item } if !upgrades.contains(item.as_str()) => {
                    return err(BLIND_BOX_FILE, entry, format!("gift {item:?} is not in {UPGRADES_FILE}"));
                }
                PrizeSpec::Gift { item } if self.upgrade(item).map(|u| u.category) != Some(Category::Cosmetic) => {
                    return err(BLIND_BOX_FILE, entry, format!("gift {item:?} is not a cosmetic"));
                }
                PrizeSpec::Stone { .. } | PrizeSpec::Fragments { .. } if !owner => {
                    return err(BLIND_BOX_FILE, entry, "guests' boxes never hold stones or fragments".into());
                }
                PrizeSpec::Stone { milli: 0 } | PrizeSpec::Fragments { count: 0 } | PrizeSpec::Crystals { count: 0 } => {
                    return err(BLIND_BOX_FILE, entry, "an empty prize".into());
                }
                _ => {}
            }
            if odds.outcomes[..i].iter().any(|earlier| earlier.prize == o.prize) {
                return err(BLIND_BOX_FILE, entry, "the same prize is listed twice".into());
            }
        }
    Ok(())
    }

    fn validate_upgrades(&self) -> Result<(), TableError> {
        let err = |file: &str, entry: String, problem: String| Err(TableError { file: file.into(), entry, problem });
        let mut seen = HashSet::new();
        for u in &self.upgrades {
            let entry = format!("upgrade {:?}", u.id);
            if !seen.insert(u.id.as_str()) {
                return err(UPGRADES_FILE, entry, "the id is used twice".into());
            }
            if u.price_milli == 0 && !u.box_only {
                return err(UPGRADES_FILE, entry, "a price of 0 (mark it box_only if boxes give it)".into());
            }
            if (u.category == Category::Entitlement) != u.voucher.is_some() {
                return err(UPGRADES_FILE, entry, "entitlements, and only they, describe their voucher".into());
            }
            for (stat, v) in [("power", u.effects.power), ("handling", u.effects.handling), ("efficiency", u.effects.efficiency), ("range", u.effects.range)] {
                if !(-20..=20).contains(&v) {
                    return err(UPGRADES_FILE, entry, format!("{stat} effect {v} is outside -20..=20"));
                }
            }
            if let Some(req) = &u.requires {
                let Some(r) = self.upgrade(req) else {
                    return err(UPGRADES_FILE, entry, format!("requires {req:?}, which is not in the catalogue"));
                };
                if r.category != u.category || r.tier + 1 != u.tier {
                    return err(UPGRADES_FILE, entry, format!("requires {req:?}, which is not the tier below in the same category"));
                }
            } else if u.category.is_part() && u.tier != 1 {
                return err(UPGRADES_FILE, entry, format!("tier {} needs the tier below it (requires)", u.tier));
            }
        }
        Ok(())
    }

    fn validate_tasks(&self) -> Result<(), TableError> {
        let err = |file: &str, entry: String, problem: String| Err(TableError { file: file.into(), entry, problem });
        let mut seen = HashSet::new();
        for t in &self.tasks {
            let entry = format!("task {:?}", t.id);
            if !seen.insert(t.id.as_str()) {
                return err(TASKS_FILE, entry, "the id is used twice".into());
            }
            if t.crystals == 0 {
                return err(TASKS_FILE, entry, "a task must pay crystals".into());
            }
        }
        Ok(())
    }

    fn validate_merch(&self) -> Result<(), TableError> {
        use super::merch::{MAX_MERCH_EDITIONS, MAX_MERCH_ITEMS};
        let err = |entry: String, problem: String| Err(TableError { file: MERCH_FILE.into(), entry, problem });
        let editions = &self.merch.editions;
        if editions.is_empty() {
            return err(String::new(), "no edition: the shop needs one (from: \"…\", items: [...])".into());
        }
        if editions.len() > MAX_MERCH_EDITIONS {
            return err(String::new(), format!("{} editions; at most {MAX_MERCH_EDITIONS}", editions.len()));
        }
        for (n, edition) in editions.iter().enumerate() {
            let named = format!("edition {} (from {})", n + 1, edition.from);
            if n > 0 && edition.from_ms <= editions[n - 1].from_ms {
                return err(named, format!("it must come into force after edition {} ({}): editions are only appended", n, editions[n - 1].from));
            }
            if edition.items.len() > MAX_MERCH_ITEMS {
                return err(named, format!("{} items; at most {MAX_MERCH_ITEMS}", edition.items.len()));
            }
            let mut seen = HashSet::new();
            for m in &edition.items {
                let entry = format!("{named}, item {:?}", m.id);
                if !seen.insert(m.id.as_str()) {
                    return err(entry, "the id is used twice".into());
                }
                // Vouchers name their item: one id must not mean both a merch item and an upgrade.
                if self.upgrade(&m.id).is_some() {
                    return err(entry, format!("the id is an upgrade's too (in {UPGRADES_FILE})"));
                }
                if let Some(problem) = super::merch::item_problem(m) {
                    return err(entry, problem);
                }
            }
        }
        Ok(())
    }
}
