//! When to try a request again and how long to wait first: one rule for registry API
//! calls, token requests and webhook posts alike.
//!
//! Which failures are worth another try is [`is_temporary_status`] (and, for registry
//! errors, `RegistryError::is_temporary`, which builds on it); how long to wait is
//! [`Backoff::delay`]: the server's `Retry-After` when it sent one (seconds or an HTTP
//! date), else exponential backoff with jitter.

use std::hash::BuildHasher as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::header::HeaderMap;

/// The longest backoff between two tries when the server does not say.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Whether an HTTP status says "try again later": 408, 429, and the 5xx statuses of a
/// server or gateway that is overloaded or restarting (500, 502, 503, 504).
pub fn is_temporary_status(status: u16) -> bool {
    matches!(status, 408 | 429 | 500 | 502 | 503 | 504)
}

/// How often and how long to wait between tries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// Retries after the first try.
    pub max_retries: u32,
    /// The first delay; doubled on each retry, plus up to half again of jitter.
    pub base: Duration,
    /// A `Retry-After` longer than this is not waited for.
    pub max_retry_after: Duration,
}

/// Why no further try should be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GiveUp {
    /// Every retry has been used.
    Spent,
    /// The server asked to wait longer than [`Backoff::max_retry_after`].
    WaitTooLong(Duration),
}

impl Backoff {
    /// The wait before retry number `retry` (1 for the first retry), given the server's
    /// `Retry-After`; or why to stop.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>) -> Result<Duration, GiveUp> {
        if retry > self.max_retries {
            return Err(GiveUp::Spent);
        }
        match retry_after {
            Some(wait) if wait > self.max_retry_after => Err(GiveUp::WaitTooLong(wait)),
            Some(wait) => Ok(wait),
            None => {
                let exp = self
                    .base
                    .saturating_mul(1u32 << retry.saturating_sub(1).min(16))
                    .min(MAX_BACKOFF);
                Ok(exp + exp.mul_f64(jitter() / 2.0))
            }
        }
    }
}

/// The `Retry-After` delay: seconds or an HTTP date (a date in the past is no wait).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(v).ok()?;
    let ms = (when.with_timezone(&chrono::Utc) - chrono::Utc::now()).num_milliseconds();
    Some(Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

/// A pseudo-random fraction in [0, 1) for jitter, without a crate for it.
fn jitter() -> f64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let h = std::collections::hash_map::RandomState::new().hash_one(n);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn retry_after_forms() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn delays_grow_and_stop() {
        let b = Backoff {
            max_retries: 3,
            base: Duration::from_millis(100),
            max_retry_after: Duration::from_secs(60),
        };
        for (retry, low) in [(1, 100), (2, 200), (3, 400)] {
            let d = b.delay(retry, None).unwrap();
            let low = Duration::from_millis(low);
            assert!(d >= low && d <= low.mul_f64(1.5), "{retry}: {d:?}");
        }
        assert_eq!(b.delay(4, None), Err(GiveUp::Spent));
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(5))),
            Ok(Duration::from_secs(5))
        );
        assert_eq!(
            b.delay(1, Some(Duration::from_secs(61))),
            Err(GiveUp::WaitTooLong(Duration::from_secs(61)))
        );
        assert!(is_temporary_status(503) && !is_temporary_status(501));
    }
}
