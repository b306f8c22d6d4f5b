//! `horizon serve --web DIR` hosts the browser game beside the valley: tried over loopback
//! against the real binary with a folder shaped as scripts/web.sh leaves web/dist.

use std::path::Path;

use super::server_abuse::send;
use super::support::Server;

fn get(addr: &str, path: &str, accept_encoding: Option<&str>) -> (u16, String, Vec<u8>) {
    let encoding = accept_encoding.map(|e| format!("Accept-Encoding: {e}\r\n")).unwrap_or_default();
    send(addr, format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\n{encoding}Connection: close\r\n\r\n").as_bytes())
}

fn built_game(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Crypto Horizon</title>").unwrap();
    std::fs::write(dir.join("manifest.json"), r#"{"js":"horizon-0123456789abcdef.js","wasm":"horizon-fedcba9876543210.wasm","wasm_bytes":8}"#).unwrap();
    std::fs::write(dir.join("horizon-fedcba9876543210.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(dir.join("horizon-fedcba9876543210.wasm.br"), b"brotli bytes").unwrap();
    std::fs::write(dir.join("horizon-0123456789abcdef.js"), "export default function init() {}").unwrap();
    std::fs::write(dir.join("horizon-0123456789abcdef.js.gz"), b"gzip bytes").unwrap();
}

#[test]
fn the_page_and_its_module_are_served_with_their_types_encodings_and_cache_rules() {
    let dir = tempfile::tempdir().unwrap();
    let web = dir.path().join("dist");
    built_game(&web);
    let server = Server::start_with(&dir.path().join("data"), &["--web", web.to_str().unwrap()]);
    let addr = server.addr();

    let (status, headers, body) = get(addr, "/", None);
    assert_eq!(status, 200, "{headers}");
    assert!(headers.contains("content-type: text/html"), "{headers}");
    assert!(headers.contains("cache-control: no-cache"), "the page is revalidated: {headers}");
    assert!(String::from_utf8_lossy(&body).contains("Crypto Horizon"));

    // The module: its MIME type lets browsers compile it while it streams; the brotli copy
    // goes to a browser that takes brotli, the plain one to any other.
    let (status, headers, body) = get(addr, "/horizon-fedcba9876543210.wasm", Some("gzip, deflate, br"));
    assert_eq!(status, 200, "{headers}");
    assert!(headers.contains("content-type: application/wasm"), "{headers}");
    assert!(headers.contains("content-encoding: br"), "{headers}");
    assert!(headers.contains("max-age=31536000") && headers.contains("immutable"), "a hashed name never changes: {headers}");
    assert_eq!(body, b"brotli bytes");
    let (_, headers, body) = get(addr, "/horizon-fedcba9876543210.wasm", None);
    assert!(!headers.contains("content-encoding"), "{headers}");
    assert_eq!(body, b"\0asm\x01\0\0\0");
    let (_, headers, body) = get(addr, "/horizon-0123456789abcdef.js", Some("gzip"));
    assert!(headers.contains("content-type: text/javascript") || headers.contains("content-type: application/javascript"), "{headers}");
    assert!(headers.contains("content-encoding: gzip"), "{headers}");
    assert_eq!(body, b"gzip bytes");
    let (_, headers, _) = get(addr, "/manifest.json", None);
    assert!(headers.contains("cache-control: no-cache"), "the manifest names the current build: {headers}");

    // Nothing outside the folder, and the valley's API is still the valley's.
    for path in ["/../data/ledger/log.vkey", "/..%2fdata%2fauthority%2flog.key", "/%2e%2e/Cargo.toml", "/nothing-here.js"] {
        let (status, headers, _) = get(addr, path, None);
        assert!(status == 404 || status == 400, "{path}: {status} {headers}");
    }
    let (status, _, body) = get(addr, "/checkpoint", None);
    assert_eq!(status, 200);
    assert!(String::from_utf8_lossy(&body).lines().count() >= 3, "the checkpoint is the ledger's signed note");
}

#[test]
fn a_server_without_a_built_game_says_how_to_build_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(&dir.path().join("data"), &["--web", dir.path().join("no-such-dist").to_str().unwrap()]);
    let (status, _, body) = get(server.addr(), "/", None);
    assert_eq!(status, 404);
    let text = String::from_utf8_lossy(&body);
    assert!(text.contains("scripts/web.sh") && text.contains("--web"), "{text}");
    let (status, _, _) = get(server.addr(), "/checkpoint", None);
    assert_eq!(status, 200, "the valley serves without a game");
}
