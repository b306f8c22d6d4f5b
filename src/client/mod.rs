//! The client of a remote valley (DESIGN 2, layer 3): the HTTP authority, the replica of the
//! server's log that it verifies, and the durable queue of intents waiting for the server.

pub mod http;
pub mod queue;
pub mod replica;
