//! The browser game's files (`scripts/web.sh` builds them into `web/dist/`), served at `/`
//! beside the valley's API, so that one process hosts the game and the valley and the page
//! joins it from the same origin. tower-http's `ServeDir` does the serving: MIME types,
//! ranges, conditional requests, no path outside the folder, and the precompressed `.br` /
//! `.gz` copies for browsers that accept them. Content-hashed files are cached for a year;
//! `index.html` and `manifest.json` are revalidated on every visit.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use tower_http::services::ServeDir;

/// Routes serving `dir` at `/`; when it holds no built game, `/` says how to build one.
pub fn routes<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    if !dir.join("index.html").is_file() {
        let message = format!(
            "This valley server has no browser game in {} (build it with scripts/web.sh, or start the server with --web DIR). The valley's API is at /checkpoint, /tile/… and /v1/….\n",
            dir.display()
        );
        return Router::new().route("/", axum::routing::get(move || async move { (StatusCode::NOT_FOUND, message.clone()).into_response() }));
    }
    let files = ServeDir::new(dir).precompressed_br().precompressed_gzip().append_index_html_on_directories(true);
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_headers))
}

/// `horizon-<16 hex>.wasm` and the like never change under their name.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or("");
    let stem = name.split('.').next().unwrap_or("");
    stem.rsplit_once('-').is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

async fn cache_headers(request: Request, next: Next) -> Response {
    let hashed = is_hashed(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let cache = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    response
}
