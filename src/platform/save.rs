//! Handing a file to the player: natively it is written at the path given; in the browser
//! the page offers it as a download under the path's file name (the page's own storage is
//! not somewhere a player can pick a file up from).

use std::path::Path;

/// Saves `bytes` for the player as `path`; says where it went (for the screen), or why not.
pub fn save_for_player(path: &Path, bytes: &[u8]) -> Result<String, String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        std::fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(format!("saved to {}", path.display()))
    }
    #[cfg(target_arch = "wasm32")]
    {
        let name = path.file_name().map_or("crypto-horizon.txt".into(), |n| n.to_string_lossy().into_owned());
        download(&name, bytes).map_err(|e| format!("the browser did not take the download {name}: {e:?}"))?;
        Ok(format!("downloaded as {name}"))
    }
}

#[cfg(target_arch = "wasm32")]
fn download(name: &str, bytes: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
