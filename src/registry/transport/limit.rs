//! How fast one host is asked: a per-host token bucket in its GCRA form whose rate adapts
//! to HTTP 429 (halved at once, then raised again a little every second, as TCP's
//! congestion window is), and the rule that says which configured host entry covers an
//! address.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// The lowest rate a host is slowed to, in requests per second.
const FLOOR: f64 = 0.05;
/// After a 429, the rate climbs back to where it was in this long (if no other 429 comes).
const RECOVERY: Duration = Duration::from_secs(10);

/// A per-host token bucket in its GCRA form: `tat` is when the bucket will be full again.
///
/// With no fixed cap (`--registry-rps 0`, the default) requests are sent as fast as the
/// concurrency bound lets them until the host answers 429; then the rate becomes half the
/// rate the host was actually asked at over the last second. With a cap, a 429 halves the
/// current rate. Either way the rate then grows linearly back to where it was over
/// [`RECOVERY`], and a new 429 halves it again (additive increase, multiplicative
/// decrease).
pub(super) struct Limiter {
    /// The configured cap, if any.
    cap: Option<f64>,
    /// Since the last 429: when it came, the halved rate, and the rate it recovers to.
    slowed: Option<Slowed>,
    tat: Option<Instant>,
    /// When the requests of the last second were let through (kept only without a cap,
    /// to know how fast the host was asked when it first said 429).
    recent: VecDeque<Instant>,
}

#[derive(Clone, Copy)]
struct Slowed {
    at: Instant,
    from: f64,
    to: f64,
}

impl Limiter {
    /// A limiter capped at `rate` requests per second; 0 for no fixed cap.
    pub(super) fn new(rate: f64) -> Limiter {
        Limiter {
            cap: (rate > 0.0).then_some(rate),
            slowed: None,
            tat: None,
            recent: VecDeque::new(),
        }
    }

    /// The rate at `now`, `None` for no limit; forgets a 429 once fully recovered.
    pub(super) fn rate(&mut self, now: Instant) -> Option<f64> {
        let Some(s) = self.slowed else {
            return self.cap;
        };
        let climbed = now.saturating_duration_since(s.at).as_secs_f64() / RECOVERY.as_secs_f64();
        let rate = s.from + (s.to - s.from) * climbed;
        if rate >= s.to {
            self.slowed = None;
            return self.cap;
        }
        Some(rate)
    }

    /// Reserves the next slot; returns how long to wait for it.
    pub(super) fn reserve(&mut self, now: Instant) -> Duration {
        let Some(rate) = self.rate(now) else {
            self.recent.push_back(now);
            while self
                .recent
                .front()
                .is_some_and(|t| now.saturating_duration_since(*t) > Duration::from_secs(1))
            {
                self.recent.pop_front();
            }
            return Duration::ZERO;
        };
        // Bursts only at the configured cap; a slowed host gets evenly spaced requests.
        let burst = match self.slowed {
            Some(_) => 1.0,
            None => rate.max(1.0),
        };
        let interval = Duration::from_secs_f64(1.0 / rate);
        let tolerance = interval.mul_f64(burst - 1.0);
        let tat = self.tat.map_or(now, |t| t.max(now));
        let allowed = tat.checked_sub(tolerance).unwrap_or(now);
        self.tat = Some(tat + interval);
        allowed.saturating_duration_since(now)
    }

    /// After a 429: half the current rate (or half the rate of the last second, without a
    /// cap), from which it recovers over [`RECOVERY`].
    pub(super) fn halve(&mut self, now: Instant) {
        let current = match self.rate(now) {
            Some(rate) => rate,
            None => {
                let last_second = self
                    .recent
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) <= Duration::from_secs(1))
                    .count();
                last_second.max(1) as f64
            }
        };
        let to = match self.slowed {
            Some(s) => s.to,
            None => current,
        };
        self.slowed = Some(Slowed {
            at: now,
            from: (current / 2.0).max(FLOOR),
            to,
        });
        self.recent.clear();
    }
}

/// Whether a host entry (`host[:port]`, or `host` for every port) covers an authority:
/// `Some(true)` for the same `host[:port]`, `Some(false)` for a port-less entry naming the
/// authority's host, `None` otherwise. Case does not matter.
pub(crate) fn host_matches(entry: &str, authority: &str) -> Option<bool> {
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
    fn a_cap_spaces_requests_after_the_burst_and_a_429_halves_it_then_it_recovers() {
        let now = Instant::now();
        let mut l = Limiter::new(10.0);
        for _ in 0..10 {
            assert_eq!(l.reserve(now), Duration::ZERO);
        }
        assert_eq!(l.reserve(now), Duration::from_millis(100));
        let mut l = Limiter::new(4.0);
        l.halve(now);
        assert_eq!(l.rate(now), Some(2.0));
        assert_eq!(l.reserve(now), Duration::ZERO);
        assert_eq!(l.reserve(now), Duration::from_millis(500));
        // Half-way through the recovery, half-way back; then the cap again.
        assert_eq!(l.rate(now + RECOVERY / 2), Some(3.0));
        assert_eq!(l.rate(now + RECOVERY), Some(4.0));
        assert!(l.slowed.is_none());
    }

    #[test]
    fn without_a_cap_a_429_halves_the_rate_the_host_was_asked_at() {
        let now = Instant::now();
        let mut l = Limiter::new(0.0);
        for i in 0..40 {
            assert_eq!(
                l.reserve(now + Duration::from_millis(i * 25)),
                Duration::ZERO
            );
        }
        let at = now + Duration::from_millis(1000);
        l.halve(at);
        let rate = l.rate(at).expect("slowed");
        assert!((rate - 20.0).abs() <= 0.5, "{rate}");
        // A second 429 halves again, and the rate still recovers to the first one's.
        l.halve(at);
        let rate = l.rate(at).expect("slowed");
        assert!((rate - 10.0).abs() <= 0.25, "{rate}");
        assert!(l.rate(at + RECOVERY / 2).expect("slowed") > 20.0);
        assert_eq!(l.rate(at + RECOVERY), None, "no cap again");
        assert_eq!(l.reserve(at + RECOVERY), Duration::ZERO);
    }
}
