//! The client of a remote valley (DESIGN 2, layer 3): the HTTP authority, the replica of the
//! server's log that it verifies, the durable queue of intents waiting for the server,
//! joining a shared valley from a fresh profile, and a show machine's visitors there.

pub mod http;
pub mod joining;
pub mod queue;
pub mod replica;
pub mod visitors;
