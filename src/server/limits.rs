//! Rate limits per client address (every request) and per player key (signed requests,
//! checked after the signature so that nobody can spend another player's budget). A request
//! over its limit is answered 429 with `Retry-After`. `governor` (GCRA, keyed, lock-free)
//! rather than a hand-written bucket; its keyed state is trimmed every minute so that a
//! thousand fresh identities cost memory only while they are active.

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::ledger::PublicKey;

/// Requests per second and burst, per address and per key.
#[derive(Clone, Copy, Debug)]
pub struct RateLimits {
    pub per_address_per_s: u32,
    pub address_burst: u32,
    pub per_key_per_s: u32,
    pub key_burst: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        // A game syncs a few times a minute and mines a deposit every few seconds at most; a
        // show floor behind one address has a few dozen players. Bursts cover an offline
        // queue being sent (the client waits out a 429 and goes on).
        RateLimits { per_address_per_s: 200, address_burst: 1000, per_key_per_s: 20, key_burst: 200 }
    }
}

/// The unit a client is counted by: an IPv4 address, or an IPv6 /64 (one subscriber's
/// network: rotating addresses inside it gains nothing).
pub fn client_network(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !u128::from(u64::MAX))),
        },
    }
}

pub struct Limits {
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    per_key: DefaultKeyedRateLimiter<PublicKey>,
    clock: DefaultClock,
}

fn quota(per_s: u32, burst: u32) -> Quota {
    let per_s = NonZeroU32::new(per_s.max(1)).expect("at least 1");
    Quota::per_second(per_s).allow_burst(NonZeroU32::new(burst.max(1)).expect("at least 1"))
}

impl Limits {
    pub fn new(limits: RateLimits) -> Limits {
        Limits {
            per_address: RateLimiter::keyed(quota(limits.per_address_per_s, limits.address_burst)),
            per_key: RateLimiter::keyed(quota(limits.per_key_per_s, limits.key_burst)),
            clock: DefaultClock::default(),
        }
    }

    /// Ok, or how long the address must wait.
    pub fn address(&self, ip: IpAddr) -> Result<(), Duration> {
        self.per_address.check_key(&client_network(ip)).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Ok, or how long the player must wait.
    pub fn key(&self, key: &PublicKey) -> Result<(), Duration> {
        self.per_key.check_key(key).map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Forgets keys and addresses whose budget is full again.
    pub fn trim(&self) {
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
        self.per_key.retain_recent();
        self.per_key.shrink_to_fit();
    }
}
