//! Whether the API server serves each resource the backend drives, as its watches find out.
//!
//! A target's CRD may be missing (the controller not installed yet, or uninstalled) and the API
//! server may be unreachable. Neither must crash or spin the backend: the watches back off
//! (kube-runtime's backoff), and this module turns what they see into one state per resource,
//! which feeds three things:
//!
//! - gRPC health: the agent service is NOT_SERVING while any resource is not served (the
//!   Deployment's readiness probe asks for it), SERVING otherwise, so a pod that waits for a CRD
//!   is taken out of the Service but not restarted (liveness asks for the server as a whole);
//! - metrics: `flyte_agent_resource_served{kind}` and `flyte_agent_watch_failures_total{kind}`;
//! - logs: one line per change of a resource's state, never one per retry (a CRD missing for a
//!   day is one WARN line, not thousands).
//!
//! An unreachable API server does not make the backend unready: the watch cache still answers
//! GetTask for what it holds, and every replica would be equally cut off, so taking them all out
//! of the Service would only turn clear UNAVAILABLE answers into refused connections.

use std::sync::Mutex;

use tokio::sync::watch;

use crate::plugin::ResourceDef;

/// What one watch of a resource last saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchState {
    /// No answer from the API server yet.
    Starting,
    /// Listed or watched successfully.
    Watching,
    /// The API server answered 404 for the resource itself: it does not serve that
    /// group/version/plural (its CustomResourceDefinition is not installed, or not that version).
    NotServed,
    /// Any other failure (no connection, 5xx, 403, ...); the watch retries with backoff.
    Failing,
}

/// The state of one resource, over all its watches (one per watched namespace).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceHealth {
    pub api_version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub state: WatchState,
    /// Watch failures so far (every retry counts).
    pub failures: u64,
}

impl ResourceHealth {
    /// `group/version Kind (plural)`, as the errors and logs name the resource.
    pub fn describe(&self) -> String {
        describe(self.api_version, self.kind, self.plural)
    }
}

/// `group/version Kind (plural)`.
pub fn describe(api_version: &str, kind: &str, plural: &str) -> String {
    format!("{api_version} {kind} ({plural})")
}

/// Why an API call for `resource` found nothing to talk to: the text of `StoreError::NotServed`.
pub fn not_served_message(resource: &ResourceDef) -> String {
    format!(
        "the Kubernetes API server does not serve {}: is the CustomResourceDefinition {}.{} installed (with version {} served)? Install the controller's CRDs; the backend picks them up without a restart",
        describe(resource.api_version, resource.kind, resource.plural),
        resource.plural,
        resource.group(),
        resource.version()
    )
}

/// Every resource's state, shared by the watches, and published on a [`watch`] channel.
#[derive(Debug)]
pub struct Availability {
    /// Per resource: its health and the state of each of its watches.
    resources: Mutex<Vec<(ResourceHealth, Vec<WatchState>)>>,
    published: watch::Sender<Vec<ResourceHealth>>,
}

/// Index of one watch: (resource, scope) in [`Availability`].
#[derive(Debug, Clone, Copy)]
pub struct WatchId {
    resource: usize,
    scope: usize,
}

impl Default for Availability {
    fn default() -> Self {
        Self { resources: Mutex::new(Vec::new()), published: watch::channel(Vec::new()).0 }
    }
}

impl Availability {
    /// Registers a watch of `resource` (a resource seen before gets another scope).
    pub fn add_watch(&self, resource: &ResourceDef) -> WatchId {
        let mut resources = self.lock();
        let index = match resources.iter().position(|(h, _)| h.api_version == resource.api_version && h.plural == resource.plural) {
            Some(i) => i,
            None => {
                let health = ResourceHealth { api_version: resource.api_version, kind: resource.kind, plural: resource.plural, state: WatchState::Starting, failures: 0 };
                resources.push((health, Vec::new()));
                resources.len() - 1
            }
        };
        resources[index].1.push(WatchState::Starting);
        let id = WatchId { resource: index, scope: resources[index].1.len() - 1 };
        self.published.send_replace(resources.iter().map(|(h, _)| h.clone()).collect());
        id
    }

    /// Records what a watch just saw; logs when the resource's state changes. `error` is the
    /// failure's text for [`WatchState::NotServed`] and [`WatchState::Failing`].
    pub fn observe(&self, id: WatchId, state: WatchState, error: Option<&str>) {
        let mut resources = self.lock();
        let Some((health, scopes)) = resources.get_mut(id.resource) else { return };
        let Some(scope) = scopes.get_mut(id.scope) else { return };
        let failed = matches!(state, WatchState::NotServed | WatchState::Failing);
        if *scope == state && !failed {
            return;
        }
        *scope = state;
        if failed {
            health.failures += 1;
        }
        let before = health.state;
        health.state = combined(scopes);
        let after = health.state;
        let what = health.describe();
        if before != after {
            log_change(&what, before, after, error);
        } else if failed {
            // The same trouble again, after the watch's backoff: not worth another WARN line.
            tracing::debug!(resource = %what, error = error.unwrap_or_default(), failures = health.failures, "watch still failing; retrying with backoff");
        }
        self.published.send_replace(resources.iter().map(|(h, _)| h.clone()).collect());
    }

    /// The current state of every resource, and every change from now on.
    pub fn subscribe(&self) -> watch::Receiver<Vec<ResourceHealth>> {
        self.published.subscribe()
    }

    /// The resources the API server does not serve now.
    pub fn not_served(&self) -> Vec<ResourceHealth> {
        self.lock().iter().filter(|(h, _)| h.state == WatchState::NotServed).map(|(h, _)| h.clone()).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<(ResourceHealth, Vec<WatchState>)>> {
        self.resources.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A resource's state from its watches' states: not served if any watch was told so (every
/// namespace sees the same CRD), else failing if any fails, else watching once any watches.
fn combined(scopes: &[WatchState]) -> WatchState {
    let any = |s: WatchState| scopes.contains(&s);
    if any(WatchState::NotServed) {
        WatchState::NotServed
    } else if any(WatchState::Failing) {
        WatchState::Failing
    } else if any(WatchState::Starting) {
        WatchState::Starting
    } else {
        WatchState::Watching
    }
}

fn log_change(what: &str, before: WatchState, after: WatchState, error: Option<&str>) {
    let error = error.unwrap_or_default();
    match after {
        WatchState::NotServed => tracing::warn!(
            resource = %what,
            error,
            "the Kubernetes API server does not serve {what}: its CustomResourceDefinition is not installed; the agent service reports NOT_SERVING and CreateTask/GetTask for it answer UNAVAILABLE until it is (the watch retries with backoff)"
        ),
        WatchState::Failing => tracing::warn!(
            resource = %what,
            error,
            "watch of {what} failed; the cache may be stale until it recovers (retrying with backoff)"
        ),
        WatchState::Watching if before == WatchState::NotServed => {
            tracing::info!(resource = %what, "the Kubernetes API server serves {what} now; the agent service reports SERVING")
        }
        WatchState::Watching if before == WatchState::Failing => tracing::info!(resource = %what, "watch of {what} recovered"),
        WatchState::Watching | WatchState::Starting => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(plural: &'static str) -> ResourceDef {
        ResourceDef {
            target: "t",
            api_version: "example.com/v1",
            kind: "Job",
            plural,
            namespaced: true,
            name_max_length: 63,
            name_pattern: "",
            name_shape: crate::naming::NameShape::Plain,
            reads: &[],
            allowlisted: &[],
        }
    }

    #[test]
    fn a_resource_is_not_served_while_any_of_its_watches_is_told_so() {
        let availability = Availability::default();
        let jobs = resource("jobs");
        let (a, b) = (availability.add_watch(&jobs), availability.add_watch(&jobs));
        let other = availability.add_watch(&resource("others"));
        assert_eq!(availability.subscribe().borrow().len(), 2, "one entry per resource, not per watch");
        availability.observe(a, WatchState::Watching, None);
        availability.observe(b, WatchState::NotServed, Some("404"));
        availability.observe(other, WatchState::Watching, None);
        let missing = availability.not_served();
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].describe(), "example.com/v1 Job (jobs)");
        availability.observe(b, WatchState::NotServed, Some("404"));
        assert_eq!(availability.not_served()[0].failures, 2, "every retry counts");
        availability.observe(b, WatchState::Watching, None);
        assert!(availability.not_served().is_empty());
        let states: Vec<WatchState> = availability.subscribe().borrow().iter().map(|h| h.state).collect();
        assert_eq!(states, [WatchState::Watching, WatchState::Watching]);
    }

    #[test]
    fn the_message_names_group_version_kind_and_the_crd() {
        let text = not_served_message(&resource("jobs"));
        assert!(text.contains("example.com/v1 Job (jobs)") && text.contains("jobs.example.com"), "{text}");
    }
}
