//! A Kubernetes API **test double** for namespaced custom resources.
//!
//! There is no Kubernetes API server where this project's tests run, so [`KubeTestDouble`]
//! stands in for one. It is not a Kubernetes implementation: it serves only custom resources of
//! the CRDs it loaded, keeps everything in memory, has no authentication, no admission, no
//! conversion between versions, and talks plain HTTP on loopback. What it does reproduce is what a
//! client such as kube-rs relies on:
//!
//! - REST paths `/apis/{group}/{version}/namespaces/{ns}/{plural}[/{name}[/status]]` and the
//!   all-namespace collection `/apis/{group}/{version}/{plural}`; POST, GET, list (label and field
//!   selectors, `limit`/`continue`), PUT, JSON merge PATCH, DELETE; minimal discovery
//!   (`/version`, `/api`, `/apis`, `/apis/{group}[/{version}]`).
//! - Server-set `uid`, `creationTimestamp`, `generation`, and a global, string
//!   `resourceVersion`; optimistic concurrency (PUT needs `metadata.resourceVersion`; a stale one is
//!   409 Conflict).
//! - Failures as `kind: Status` bodies: 404 NotFound, 409 AlreadyExists / Conflict, 422 Invalid with
//!   `details.causes[]` (`reason`, `field` such as `spec.resourceConfig.instanceCount`, `message`),
//!   400 BadRequest, 410 Expired.
//! - Validation against the CRD's `openAPIV3Schema` (see [`schema`]) plus the `ObjectMeta` rules
//!   for names (DNS-1123 subdomain, at most 253 characters) and labels.
//! - Unknown fields: for `apiextensions.k8s.io/v1` CRDs they are **pruned** (structural schemas),
//!   and reported as `Warning` headers, or as 400 under `fieldValidation=Strict`, as current API
//!   servers do. For `v1beta1` CRDs they are kept unless the CRD sets
//!   `preserveUnknownFields: false`, which is what a server of that era did with those files.
//!   `null` values of non-nullable fields are dropped in pruning mode, as the API server's
//!   defaulting step does.
//! - Status subresource: writes to the object ignore `status`, writes to `/status` change only
//!   `status`; `generation` moves only with changes outside `metadata` and `status`.
//! - Finalizers: DELETE of an object with finalizers sets `deletionTimestamp` (a MODIFIED event);
//!   the update that empties `finalizers` removes it (a DELETED event). Without finalizers DELETE
//!   removes the object at once.
//! - Watch (`?watch=true`): newline-delimited JSON events ADDED / MODIFIED / DELETED / BOOKMARK /
//!   ERROR, replay from a `resourceVersion`, an ERROR event with a 410 `Status` for a
//!   resourceVersion older than the retained history, periodic bookmarks when
//!   `allowWatchBookmarks=true`, streaming lists (`sendInitialEvents=true`), `timeoutSeconds`.
//!   A label-selected watch sees an object that stops matching as DELETED, as the API server does.
//!
//! Test hooks: request counters by [`Verb`] and [`PathKind`] (to assert, for example, that a
//! cache answers polls without API requests), [`KubeTestDouble::set_unavailable`] (every request
//! answers 503 and open watches are cut), [`KubeTestDouble::objects`],
//! [`KubeTestDouble::set_status`] / [`KubeTestDouble::update_object`] for simulated controllers
//! (they emit watch events like any write), and [`KubeTestDouble::compact_history`] to make old
//! resourceVersions expire.
//!
//! Simulated controllers ([`controller`], [`KubeTestDouble::simulate`]) move the status of the
//! SageMaker TrainingJob and tuning-job objects the way the ACK controller or the SageMaker operator
//! does. Control endpoints under `/test-double/` (see the `control` module) expose the outage
//! switch, the request counters and the simulation to tests in other processes.
//!
//! Namespaces need not exist: any namespace in a path is accepted. `dryRun` is not supported.

mod control;
pub mod controller;
pub mod crd;
mod http;
mod meta;
pub mod schema;
mod selector;
mod state;
mod status;
mod watch;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

pub use controller::{Flavor, Scenario, SimulateError, SimulatedController};
pub use crd::{Crd, LoadError};
pub use schema::Cause;
pub use status::{ApiError, Details};

use state::{Core, Part};

/// The kind of operation a request was, for the request counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
    Other,
}

/// Which kind of path a request went to, for the request counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathKind {
    /// `/apis/{g}/{v}/namespaces/{ns}/{plural}`
    Collection,
    /// `/apis/{g}/{v}/{plural}` (all namespaces)
    AllNamespaces,
    /// `.../{plural}/{name}`
    Object,
    /// `.../{plural}/{name}/status`
    Status,
    /// `/version`, `/api`, `/apis...`
    Discovery,
    /// Anything else (answered 404).
    Other,
}

/// How the test double behaves; [`Config::new`] gives sensible test defaults.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directories (searched recursively) or files holding CRD YAML.
    pub crd_paths: Vec<PathBuf>,
    /// How many events are kept for watch replay; older resourceVersions get 410.
    pub history_limit: usize,
    /// How often a watch that asked for bookmarks gets one.
    pub bookmark_interval: Duration,
    /// The longest a watch stays open (also the default when no `timeoutSeconds` is given).
    pub max_watch_timeout: Duration,
}

impl Config {
    pub fn new(crd_paths: impl IntoIterator<Item = impl AsRef<Path>>) -> Self {
        Self {
            crd_paths: crd_paths.into_iter().map(|p| p.as_ref().to_path_buf()).collect(),
            history_limit: 10_000,
            bookmark_interval: Duration::from_secs(1),
            max_watch_timeout: Duration::from_secs(1800),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Load(#[from] LoadError),
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: SocketAddr, source: std::io::Error },
}

/// A running Kubernetes API test double. Dropping it stops the server and ends open watches.
pub struct KubeTestDouble {
    core: Arc<Core>,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl KubeTestDouble {
    /// Loads the CRDs under `crd_paths` and serves them on a free loopback port.
    pub async fn start(crd_paths: impl IntoIterator<Item = impl AsRef<Path>>) -> Result<Self, StartError> {
        Self::start_with(Config::new(crd_paths), SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Serves on `listen` (port 0 picks a free one) with `config`. Must run inside a tokio
    /// runtime; the server runs as a task on it.
    pub async fn start_with(config: Config, listen: SocketAddr) -> Result<Self, StartError> {
        let crds = crd::load_dirs(&config.crd_paths)?;
        let core = Arc::new(Core::new(crds, config.history_limit, config.bookmark_interval, config.max_watch_timeout));
        let listener = tokio::net::TcpListener::bind(listen).await.map_err(|source| StartError::Bind { addr: listen, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr: listen, source })?;
        let app = control::routes().fallback(http::handle).with_state(core.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let for_shutdown = core.clone();
        tokio::spawn(async move {
            let stop = async move {
                let _ = rx.await;
                // Open watches would otherwise hold the graceful shutdown until they time out.
                for_shutdown.cut_all_watches();
            };
            let _ = axum::serve(listener, app).with_graceful_shutdown(stop).await;
        });
        Ok(Self { core, addr, shutdown: Some(tx) })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The CRDs being served.
    pub fn crds(&self) -> &[Crd] {
        &self.core.crds
    }

    /// Simulates an API outage: while `true`, every request answers 503 ServiceUnavailable, and
    /// turning it on ends every open watch.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.core.set_unavailable(unavailable);
    }

    /// Requests received of `verb` on paths of `kind` (including those answered with an error).
    /// Holds back every later API answer (not watch events) by `delay` after the request took
    /// effect, as a slow API server whose writes land but whose replies come late; zero ends it.
    pub fn set_answer_delay(&self, delay: Duration) {
        self.core.set_answer_delay(delay);
    }

    pub fn request_count(&self, verb: Verb, kind: PathKind) -> u64 {
        self.core.counts().get(&(verb, kind)).copied().unwrap_or(0)
    }

    /// All request counters.
    pub fn request_counts(&self) -> BTreeMap<(Verb, PathKind), u64> {
        self.core.counts()
    }

    pub fn total_requests(&self) -> u64 {
        self.core.counts().values().sum()
    }

    pub fn reset_request_counts(&self) {
        self.core.reset_counts();
    }

    /// Watch streams currently open (a client that drops its watch closes one).
    pub fn open_watches(&self) -> usize {
        self.core.open_watches.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Every stored object, ordered by resource, namespace and name.
    pub fn objects(&self) -> Vec<Value> {
        self.core.snapshot()
    }

    /// One stored object.
    pub fn object(&self, group: &str, plural: &str, namespace: &str, name: &str) -> Option<Value> {
        let crd = self.core.find_crd(group, plural)?;
        self.core.get(crd, namespace, name).ok()
    }

    /// The current (newest) resourceVersion.
    pub fn resource_version(&self) -> u64 {
        self.core.lock().rv
    }

    /// For simulated controllers: replaces the object's `status`, with the semantics of a PUT to
    /// `/status` (validated, new resourceVersion, MODIFIED event; no event when nothing changed).
    pub fn set_status(&self, group: &str, plural: &str, namespace: &str, name: &str, status: Value) -> Result<Value, ApiError> {
        let crd = self.core.find_crd(group, plural).ok_or_else(ApiError::no_route)?;
        self.core.modify(crd, namespace, name, Part::Status, |o| o["status"] = status)
    }

    /// For simulated controllers: changes the whole object (status, finalizers, ...) with update
    /// semantics. Emptying `finalizers` of an object being deleted removes it (DELETED event).
    pub fn update_object(&self, group: &str, plural: &str, namespace: &str, name: &str, change: impl FnOnce(&mut Value)) -> Result<Value, ApiError> {
        let crd = self.core.find_crd(group, plural).ok_or_else(ApiError::no_route)?;
        self.core.modify(crd, namespace, name, Part::Whole, change)
    }

    /// Starts a simulated controller of `flavor` that moves every TrainingJob and tuning job of
    /// its API group one status step per `step` (see [`controller`]). It runs until the returned
    /// handle is dropped. Must run inside a tokio runtime.
    pub fn simulate(&self, flavor: Flavor, step: Duration) -> Result<SimulatedController, SimulateError> {
        controller::start(self.core.clone(), flavor, step)
    }

    /// Holds (`true`) or resumes every simulated controller, e.g. to look at a job mid-run.
    pub fn pause_simulation(&self, paused: bool) {
        self.core.simulation.set_paused(paused);
    }

    /// Problems the simulated controllers ran into (a status the CRD rejects, an unknown
    /// `simulate` tag, ...); empty when all went well.
    pub fn simulation_errors(&self) -> Vec<String> {
        self.core.simulation.errors()
    }

    /// Forgets all watch history: a watch from any resourceVersion before now gets 410 Gone.
    pub fn compact_history(&self) {
        self.core.compact();
    }
}

impl Drop for KubeTestDouble {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
