//! `horizon`: natively the command line (`cli`), which plays the game with no subcommand and
//! whose subcommands are the tools; in the browser the page's game (`web`).

#[cfg(not(target_arch = "wasm32"))]
mod cli;
#[cfg(all(target_arch = "wasm32", feature = "game"))]
mod web;

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::command_line::main()
}

#[cfg(all(target_arch = "wasm32", feature = "game"))]
fn main() {
    web::main()
}
