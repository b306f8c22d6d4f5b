//! The one integration-test binary (DESIGN 8).

mod support;

mod cli;
mod crash;
mod merkle_kat;
mod rules;
mod tamper;
