//! The browser's entry: the page's address is its command line. `?autopilot` lets the
//! autopilot drive; `?join` joins the valley of the server the page came from (same
//! origin) and plays there from then on; `?leave` plays this browser's own valley again;
//! `?lang=zh-CN` or `?lang=en` picks the language (else the one chosen in the settings, else
//! the browser's).
//! The profile lives in the page's storage (see `platform::files`).

use std::path::PathBuf;

use horizon::game::{GameOptions, panels::Panel, screens::Screen};

/// Where the browser's profile lives among the page's stored files.
const BROWSER_DATA_DIR: &str = "/crypto-horizon";

pub fn main() {
    // Until Bevy sets its own hook: a panic while opening the profile reaches the console.
    std::panic::set_hook(Box::new(|info| web_sys::console::error_1(&format!("Crypto Horizon panicked: {info}").into())));
    let query = web_sys::window().and_then(|w| w.location().search().ok()).unwrap_or_default();
    let params = web_sys::UrlSearchParams::new_with_str(&query).ok();
    let flag = |name: &str| params.as_ref().and_then(|p| p.get(name)).is_some_and(|v| v != "0" && v != "false");
    let data = horizon::profile::DataDir(PathBuf::from(BROWSER_DATA_DIR));
    let asked = params.as_ref().and_then(|p| p.get("lang")).and_then(|tag| horizon::i18n::Lang::from_tag(&tag));
    horizon::i18n::set_lang(horizon::profile::language_for(&data, asked));
    let leave = flag("leave");
    if leave && let Err(e) = horizon::client::http::leave_server(&data) {
        show_failure(&e.to_string());
        return;
    }
    let join = flag("join") && !leave;
    let origin = web_sys::window().and_then(|w| w.location().origin().ok());
    let options = GameOptions {
        data_dir: data.0.clone(),
        level: None,
        frames: None,
        screenshot: None,
        screen: Screen::Valley,
        panel: Panel::None,
        autopilot: flag("autopilot"),
        headless: false,
        server: if join { origin } else { None },
        join,
        keepsake: None,
        quality: None,
        photo: false,
    };
    // Opening a server's valley waits on the network: the start is a task of the page.
    wasm_bindgen_futures::spawn_local(async move {
        if let Err(e) = horizon::game::run_in_page(options).await {
            show_failure(&format!("{e:#}"));
        }
    });
}

/// Says on the page why the game could not start (and in the console, for the tests).
fn show_failure(message: &str) {
    web_sys::console::error_1(&format!("Crypto Horizon could not start: {message}").into());
    if let Some(doc) = web_sys::window().and_then(|w| w.document())
        && let Some(status) = doc.get_element_by_id("failure")
    {
        status.set_text_content(Some(&format!("Crypto Horizon could not start: {message}")));
        let _ = status.set_attribute("data-failed", "true");
    }
}
