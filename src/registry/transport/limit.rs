//! How fast one host is asked: a per-host token bucket in its GCRA form, and the rule
//! that says which configured host entry covers an address.

use std::time::{Duration, Instant};

/// A per-host token bucket in its GCRA form: `tat` is when the bucket will be full again.
pub(super) struct Limiter {
    pub(super) rate: f64,
    burst: f64,
    tat: Option<Instant>,
}

impl Limiter {
    pub(super) fn new(rate: f64) -> Limiter {
        Limiter {
            rate,
            burst: rate.max(1.0),
            tat: None,
        }
    }

    /// Reserves the next slot; returns how long to wait for it.
    pub(super) fn reserve(&mut self, now: Instant) -> Duration {
        let interval = Duration::from_secs_f64(1.0 / self.rate);
        let tolerance = interval.mul_f64((self.burst - 1.0).max(0.0));
        let tat = self.tat.map_or(now, |t| t.max(now));
        let allowed = tat.checked_sub(tolerance).unwrap_or(now);
        self.tat = Some(tat + interval);
        allowed.saturating_duration_since(now)
    }

    /// After a 429: half the rate, no bursts, for the rest of the run.
    pub(super) fn halve(&mut self) {
        self.rate = (self.rate / 2.0).max(0.05);
        self.burst = 1.0;
    }
}

/// Whether a host entry (`host[:port]`, or `host` for every port) covers an authority:
/// `Some(true)` for the same `host[:port]`, `Some(false)` for a port-less entry naming the
/// authority's host, `None` otherwise. Case does not matter.
pub(super) fn host_matches(entry: &str, authority: &str) -> Option<bool> {
    let entry = entry.trim().to_ascii_lowercase();
    let authority = authority.to_ascii_lowercase();
    let host_only = match authority.rsplit_once(':') {
        // The colons of a bracketed IPv6 address are not a port separator.
        Some((h, p))
            if (!h.ends_with(']') || authority.starts_with('['))
                && p.bytes().all(|b| b.is_ascii_digit()) =>
        {
            h
        }
        _ => authority.as_str(),
    };
    if entry == authority {
        Some(true)
    } else if !entry.contains(':') && entry == host_only {
        Some(false)
    } else {
        None
    }
}

/// Whether an authority (`host[:port]`) names a loopback host as written: `localhost`,
/// an address in `127.0.0.0/8`, or `[::1]`. Names are not resolved.
pub(super) fn is_loopback(authority: &str) -> bool {
    let authority = authority.to_ascii_lowercase();
    let host = if let Some(rest) = authority.strip_prefix('[') {
        return rest
            .split_once(']')
            .and_then(|(ip, _)| ip.parse::<std::net::Ipv6Addr>().ok())
            .is_some_and(|ip| ip.is_loopback());
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_as_written() {
        for yes in [
            "localhost",
            "LOCALHOST:5000",
            "127.0.0.1",
            "127.8.9.10:443",
            "[::1]",
            "[::1]:5000",
        ] {
            assert!(is_loopback(yes), "{yes}");
        }
        for no in [
            "localhost.example.com",
            "128.0.0.1",
            "10.0.0.1:5000",
            "[::2]",
            "ghcr.io",
            "127.0.0.1.nip.io",
        ] {
            assert!(!is_loopback(no), "{no}");
        }
    }

    #[test]
    fn limiter_spaces_requests_after_the_burst() {
        let now = Instant::now();
        let mut l = Limiter::new(10.0);
        for _ in 0..10 {
            assert_eq!(l.reserve(now), Duration::ZERO);
        }
        assert_eq!(l.reserve(now), Duration::from_millis(100));
        l.halve();
        let mut l = Limiter::new(4.0);
        l.halve();
        assert_eq!(l.reserve(now), Duration::ZERO);
        assert_eq!(l.reserve(now), Duration::from_millis(500));
    }
}
