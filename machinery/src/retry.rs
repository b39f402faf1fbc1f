//! Retrying Kubernetes calls within a time budget.
//!
//! Propeller turns every CreateTask error into a spent user retry (flytekit's default is none),
//! and every GetTask error into a step towards a permanent system failure. A single 429, 5xx or
//! dropped connection must therefore not reach propeller, yet the answer must arrive before
//! propeller's own deadline (`plugins.connector-service` `timeouts.CreateTask`, 10 s by default),
//! or propeller gives up and starts a new attempt anyway. [`within`] retries what is worth
//! retrying until a deadline chosen below propeller's, and cuts off an attempt that hangs.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;

use crate::store::StoreError;

/// Delay after the first failed attempt; doubles up to [`MAX_DELAY`].
const FIRST_DELAY: Duration = Duration::from_millis(100);
const MAX_DELAY: Duration = Duration::from_secs(1);

/// Why [`within`] gave up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GaveUp {
    /// The API refused the request; retrying would not help.
    #[error("{0}")]
    Rejected(String),
    /// The API refused the backend itself (its credentials or RBAC); retrying would not help.
    #[error("{0}")]
    Denied(String),
    /// The budget ran out while the API kept failing (the last error is kept). Whether a write
    /// took effect is unknown: the API server may have applied it before failing.
    #[error("{last} (still failing after {attempts} attempts)")]
    Unavailable { last: String, attempts: u32 },
    /// The budget ran out while an attempt was in flight; it may still take effect.
    #[error("no answer from the Kubernetes API within the time budget ({attempts} attempts)")]
    TimedOut { attempts: u32 },
}

impl GaveUp {
    /// Whether a write may have happened although no success was seen.
    pub fn is_ambiguous(&self) -> bool {
        !matches!(self, GaveUp::Rejected(_) | GaveUp::Denied(_))
    }
}

/// Runs `attempt` until it succeeds, fails for good, or `deadline` passes; each attempt is cut
/// off at the deadline. Unavailable answers are retried after 100 ms, 200 ms, ... up to 1 s.
pub async fn within<T, F, Fut>(deadline: Instant, mut attempt: F) -> Result<T, GaveUp>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let mut delay = FIRST_DELAY;
    let mut attempts = 0;
    loop {
        attempts += 1;
        let last = match tokio::time::timeout_at(deadline, attempt()).await {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(StoreError::Rejected(why))) => return Err(GaveUp::Rejected(why)),
            Ok(Err(StoreError::Denied(why))) => return Err(GaveUp::Denied(why)),
            Ok(Err(StoreError::Unavailable(why))) => why,
            Err(_) => return Err(GaveUp::TimedOut { attempts }),
        };
        let next = Instant::now() + delay;
        if next >= deadline {
            return Err(GaveUp::Unavailable { last, attempts });
        }
        tokio::time::sleep_until(next).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    #[tokio::test(start_paused = true)]
    async fn unavailable_answers_are_retried_until_one_succeeds() {
        let calls = AtomicU32::new(0);
        let result = within(Instant::now() + Duration::from_secs(5), || async {
            if calls.fetch_add(1, Ordering::SeqCst) < 3 { Err(StoreError::Unavailable("503".into())) } else { Ok(7) }
        })
        .await;
        assert_eq!(result, Ok(7));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejection_is_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = within(Instant::now() + Duration::from_secs(5), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::Rejected("422".into()))
        })
        .await;
        assert_eq!(result, Err(GaveUp::Rejected("422".into())));
        assert!(!result.unwrap_err().is_ambiguous());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_refused_backend_is_not_retried() {
        let calls = AtomicU32::new(0);
        let result: Result<(), _> = within(Instant::now() + Duration::from_secs(5), || async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(StoreError::Denied("401 Unauthorized".into()))
        })
        .await;
        assert_eq!(result, Err(GaveUp::Denied("401 Unauthorized".into())));
        assert!(!result.unwrap_err().is_ambiguous());
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[tokio::test(start_paused = true)]
    async fn the_budget_bounds_retries_and_hanging_attempts() {
        let start = Instant::now();
        let result: Result<(), _> = within(start + Duration::from_secs(2), || async { Err(StoreError::Unavailable("503".into())) }).await;
        assert!(matches!(result, Err(GaveUp::Unavailable { attempts, .. }) if attempts >= 3), "{result:?}");
        assert!(start.elapsed() <= Duration::from_secs(2));

        let start = Instant::now();
        let result: Result<(), _> = within(start + Duration::from_secs(2), std::future::pending).await;
        assert_eq!(result, Err(GaveUp::TimedOut { attempts: 1 }));
        assert!(result.unwrap_err().is_ambiguous());
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }
}
