//! The one integration-test binary (DESIGN 8).

mod support;

mod box_proof;
mod car;
mod car_trust;
mod cli;
mod crash;
mod drive;
mod economy;
mod frames;
mod i18n;
mod joining;
mod keepsakes;
mod kiosk;
mod fuzz;
mod level;
mod look;
mod merkle_kat;
mod play;
mod realdata;
mod render;
mod rules;
mod server_abuse;
mod sources;
mod sync;
mod task_evidence;
mod tamper;
mod telemetry;
mod valley;
mod web_files;
