//! The catalogue files built into the binary, one per part of the game, the same names in
//! every language's folder.

use super::Lang;

/// The parts: the title, settings and loading screens (`common`), the panels over the
/// valley, the valley's HUD and notices (`game`), the show floor, the names of the data's
/// built-in things, and the command line's messages.
pub const PARTS: [&str; 6] = ["common.ftl", "game.ftl", "panels.ftl", "kiosk.ftl", "data.ftl", "cli.ftl"];

macro_rules! part_files {
    ($lang:literal) => {
        [
            ("common.ftl", include_str!(concat!("../../assets/i18n/", $lang, "/common.ftl"))),
            ("game.ftl", include_str!(concat!("../../assets/i18n/", $lang, "/game.ftl"))),
            ("panels.ftl", include_str!(concat!("../../assets/i18n/", $lang, "/panels.ftl"))),
            ("kiosk.ftl", include_str!(concat!("../../assets/i18n/", $lang, "/kiosk.ftl"))),
            ("data.ftl", include_str!(concat!("../../assets/i18n/", $lang, "/data.ftl"))),
            ("cli.ftl", include_str!(concat!("../../assets/i18n/", $lang, "/cli.ftl"))),
        ]
    };
}

static ZH_CN: [(&str, &str); 6] = part_files!("zh-CN");
static EN: [(&str, &str); 6] = part_files!("en");

pub fn files(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::ZhCn => &ZH_CN,
        Lang::En => &EN,
    }
}
