//! The Chinese and English catalogues: complete, each other's match, used keys present, and
//! the bundled font able to draw every Chinese character the game says.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use horizon::i18n::{Lang, catalogue, catalogue_files, tr_in};
use horizon::t_in;

/// The keys a catalogue file defines, in order (`key = …` at the start of a line).
fn keys_of(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let (key, _) = line.split_once('=')?;
            let key = key.trim_end();
            let ok = key.chars().next().is_some_and(|c| c.is_ascii_alphabetic()) && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            ok.then(|| key.to_string())
        })
        .collect()
}

fn part(lang: Lang, name: &str) -> &'static str {
    catalogue_files::files(lang).iter().find(|(n, _)| *n == name).map(|(_, text)| *text).unwrap()
}

#[test]
fn both_catalogues_load_without_a_problem() {
    for lang in Lang::ALL {
        assert!(catalogue(lang).problems.is_empty(), "{lang}: {:#?}", catalogue(lang).problems);
    }
}

#[test]
fn chinese_and_english_have_the_same_keys_in_every_part() {
    for name in catalogue_files::PARTS {
        // The data's English names are in the data files; only Chinese needs its own.
        if name == "data.ftl" {
            continue;
        }
        let zh = keys_of(part(Lang::ZhCn, name));
        let en = keys_of(part(Lang::En, name));
        let only_zh: Vec<_> = zh.iter().filter(|k| !en.contains(k)).collect();
        let only_en: Vec<_> = en.iter().filter(|k| !zh.contains(k)).collect();
        assert!(only_zh.is_empty() && only_en.is_empty(), "{name}: only in zh-CN {only_zh:?}, only in en {only_en:?}");
        let prefix = format!("{}-", name.trim_end_matches(".ftl"));
        assert!(en.iter().all(|k| k.starts_with(&prefix)), "{name}: every key starts with {prefix}");
    }
}

/// Every string literal in the sources that looks like a catalogue key.
fn keys_used_in(dir: &Path, found: &mut BTreeMap<String, String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_used_in(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, piece) in text.split('"').enumerate() {
                let is_literal = i % 2 == 1;
                let looks_like_key = ["common-", "game-", "panels-", "kiosk-", "cli-"].iter().any(|p| piece.starts_with(p))
                    && piece.len() > 6
                    && piece.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if is_literal && looks_like_key {
                    found.entry(piece.to_string()).or_insert_with(|| path.display().to_string());
                }
            }
        }
    }
}

#[test]
fn every_key_the_code_asks_for_is_in_both_catalogues() {
    let mut used = BTreeMap::new();
    keys_used_in(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut used);
    assert!(used.len() > 100, "the game's texts come from the catalogue: {} keys used", used.len());
    for lang in Lang::ALL {
        let missing: Vec<_> = used.iter().filter(|(k, _)| !catalogue(lang).has(k)).collect();
        assert!(missing.is_empty(), "{lang} lacks: {missing:#?}");
    }
}

/// Chinese values with no Chinese in them are English copied over and not translated.
#[test]
fn every_chinese_message_is_written_in_chinese() {
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3000}'..='\u{303f}').contains(&c) || ('\u{ff00}'..='\u{ffef}').contains(&c);
    for (name, text) in catalogue_files::files(Lang::ZhCn) {
        for key in keys_of(text) {
            let zh = tr_in(Lang::ZhCn, &key, &[]);
            let en = tr_in(Lang::En, &key, &[]);
            // Texts that are the same in both by nature: numbers and units, names, keys.
            let same_by_nature = !zh.chars().any(|c| c.is_alphabetic()) || zh == en && zh.len() <= 12;
            assert!(zh.chars().any(cjk) || same_by_nature, "{name}: {key} = {zh:?} is not Chinese");
        }
    }
}

#[test]
fn arguments_are_placed_without_isolation_marks_and_english_plurals_agree() {
    assert_eq!(t_in!(Lang::ZhCn, "common-player-level", name = "王小明", level = 3), "王小明 — 等级 3");
    assert_eq!(t_in!(Lang::En, "common-player-level", name = "Ada", level = 3), "Ada — level 3");
    assert_eq!(tr_in(Lang::En, "no-such-key", &[]), "no-such-key", "a missing key shows as itself");
}

#[test]
fn languages_are_read_from_tags_as_systems_and_browsers_write_them() {
    for (tag, lang) in [("zh-CN", Some(Lang::ZhCn)), ("zh_CN.UTF-8", Some(Lang::ZhCn)), ("zh-Hans-CN", Some(Lang::ZhCn)), ("en-US", Some(Lang::En)), ("en_GB.UTF-8", Some(Lang::En)), ("fr-FR", None), ("C", None)] {
        assert_eq!(Lang::from_tag(tag), lang, "{tag}");
    }
    assert_eq!(Lang::from_system(["fr-FR".to_string(), "zh-TW".to_string()]), Lang::ZhCn, "the first of ours in the list");
    assert_eq!(Lang::from_system(Vec::<String>::new()), Lang::En, "English when the system says nothing we speak");
    assert_eq!("ja".parse::<Lang>().unwrap_err(), "unknown language 'ja': say zh-CN or en");
}

#[test]
fn the_bundled_font_has_every_character_of_the_chinese_catalogue() {
    use ab_glyph::Font;
    let bytes = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/fonts/NotoSansSC-Game.otf")).unwrap();
    let font = ab_glyph::FontRef::try_from_slice(&bytes).unwrap();
    let mut missing = BTreeSet::new();
    for (_, text) in catalogue_files::files(Lang::ZhCn) {
        missing.extend(text.chars().filter(|c| !c.is_ascii() && font.glyph_id(*c).0 == 0));
    }
    // The switch names each language in itself, whatever the current one.
    for lang in Lang::ALL {
        missing.extend(lang.own_name().chars().filter(|c| font.glyph_id(*c).0 == 0));
    }
    assert!(missing.is_empty(), "run scripts/cjk-font.sh: the bundled font lacks {}", missing.iter().collect::<String>());
    assert!(bytes.len() < 1_000_000, "the bundled font stays small: {} bytes", bytes.len());
}

/// The Chinese names of the data's built-in things: every key names a real task, upgrade,
/// cosmetic, merch item, landmark, route or level (a renamed id would leave its name
/// English), every built-in task, upgrade and level has one, and merch agrees with the
/// shop's own `name_zh`.
#[test]
fn every_chinese_data_name_is_for_a_thing_that_exists() {
    use horizon::economy::EconomyTables;
    use horizon::economy::tables::Category;
    let tables = EconomyTables::bundled();
    let levels = horizon::level::bundled_levels();
    let mut real: BTreeSet<String> = BTreeSet::new();
    real.extend(tables.tasks.iter().map(|t| format!("task-{}", t.id)));
    real.extend(tables.upgrades.iter().map(|u| format!("{}-{}", if u.category == Category::Cosmetic { "cosmetic" } else { "upgrade" }, u.id)));
    for level in &levels {
        real.insert(format!("level-{}", level.slug()));
        real.extend(level.landmarks.iter().map(|l| format!("landmark-{}", l.id)));
        real.extend(level.routes.iter().map(|r| format!("route-{}", r.id)));
    }
    let merch: BTreeMap<String, String> = tables.merch.editions.iter().flat_map(|e| e.items.iter()).map(|i| (format!("merch-{}", i.id), i.name_zh.clone())).collect();
    let keys = keys_of(part(Lang::ZhCn, "data.ftl"));
    for key in &keys {
        match merch.get(key) {
            Some(name_zh) => assert_eq!(&tr_in(Lang::ZhCn, key, &[]), name_zh, "{key}: the catalogue and merch.ron agree"),
            None => assert!(real.contains(key), "data.ftl names {key}, which no data file has"),
        }
    }
    let unnamed: Vec<_> = real.iter().filter(|k| !keys.contains(k)).collect();
    assert!(unnamed.is_empty(), "no Chinese name for {unnamed:?}");
    assert_eq!(horizon::i18n::named_in(Lang::ZhCn, "level", "stone-valley", "Stone Valley"), "原石谷");
    assert_eq!(horizon::i18n::named_in(Lang::En, "level", "stone-valley", "Stone Valley"), "Stone Valley", "English names come from the data");
    assert_eq!(horizon::i18n::named_in(Lang::ZhCn, "level", "my-own-level", "My own level"), "My own level", "a level of a player's own keeps its name");
}
