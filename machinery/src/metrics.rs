//! Prometheus metrics: agent requests by RPC and code, their latency, cached objects and objects
//! by phase. Served as text on `/metrics` by [`serve_metrics`].

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::backend::{Backend, TaskTypeInfo};
use crate::proto::flyteidl::admin;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RpcCode {
    rpc: String,
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Rpc {
    rpc: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Kind {
    kind: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PhaseLabel {
    phase: String,
}

/// All metrics of one backend process.
pub struct Metrics {
    registry: Mutex<Registry>,
    requests: Family<RpcCode, Counter>,
    latency: Family<Rpc, Histogram>,
    cached: Family<Kind, Gauge>,
    by_phase: Family<PhaseLabel, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("flyte_agent");
        let requests = Family::<RpcCode, Counter>::default();
        // Buckets from 50 µs to ~1.6 s: GetTask from the cache takes well under a millisecond,
        // CreateTask includes a round trip to the API server.
        let latency = Family::<Rpc, Histogram>::new_with_constructor(|| {
            Histogram::new(prometheus_client::metrics::histogram::exponential_buckets(0.00005, 2.0, 16))
        });
        let cached = Family::<Kind, Gauge>::default();
        let by_phase = Family::<PhaseLabel, Gauge>::default();
        registry.register("requests", "Agent RPCs by method and gRPC code", requests.clone());
        registry.register("request_duration_seconds", "Agent RPC latency by method", latency.clone());
        registry.register("cached_objects", "Objects of this backend in the watch cache, by kind", cached.clone());
        registry.register("objects", "Objects of this backend by Flyte phase (at the last sweep)", by_phase.clone());
        Self { registry: Mutex::new(registry), requests, latency, cached, by_phase }
    }

    pub fn record(&self, rpc: &str, code: tonic::Code, started: Instant) {
        self.requests.get_or_create(&RpcCode { rpc: rpc.to_string(), code: format!("{code:?}") }).inc();
        self.latency.get_or_create(&Rpc { rpc: rpc.to_string() }).observe(started.elapsed().as_secs_f64());
    }

    pub fn set_cached_objects(&self, kind: &str, count: i64) {
        self.cached.get_or_create(&Kind { kind: kind.to_string() }).set(count);
    }

    pub fn set_objects_by_phase(&self, counts: &BTreeMap<&'static str, i64>) {
        for phase in ["queued", "initializing", "waiting_for_resources", "running", "succeeded", "retryable_failure", "permanent_failure", "aborted"] {
            self.by_phase.get_or_create(&PhaseLabel { phase: phase.to_string() }).set(counts.get(phase).copied().unwrap_or(0));
        }
    }

    /// The OpenMetrics text exposition.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let registry = self.registry.lock().unwrap_or_else(|e| e.into_inner());
        prometheus_client::encoding::text::encode(&mut out, &registry).expect("writing to a String cannot fail");
        out
    }
}

/// Serves `/metrics` until `shutdown` resolves.
pub async fn serve_metrics(addr: SocketAddr, metrics: Arc<Metrics>, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let metrics = metrics.clone();
            async move { ([("content-type", "application/openmetrics-text; version=1.0.0; charset=utf-8")], metrics.encode()) }
        }),
    );
    let listener = crate::listen::bind(addr).await?;
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Wraps a backend so every RPC is counted and timed.
pub struct Metered<B> {
    inner: Arc<B>,
    metrics: Arc<Metrics>,
}

impl<B> Metered<B> {
    pub fn new(inner: Arc<B>, metrics: Arc<Metrics>) -> Self {
        Self { inner, metrics }
    }
}

fn code_of<T>(result: &Result<T, tonic::Status>) -> tonic::Code {
    result.as_ref().map_or_else(|s| s.code(), |_| tonic::Code::Ok)
}

#[tonic::async_trait]
impl<B: Backend> Backend for Metered<B> {
    fn agent_name(&self) -> &str {
        self.inner.agent_name()
    }

    fn task_types(&self) -> &[TaskTypeInfo] {
        self.inner.task_types()
    }

    async fn create_task(&self, request: admin::CreateTaskRequest) -> Result<admin::CreateTaskResponse, tonic::Status> {
        let started = Instant::now();
        let result = self.inner.create_task(request).await;
        self.metrics.record("CreateTask", code_of(&result), started);
        // Failures are logged once, by the server (`server/async_agent.rs`).
        result
    }

    async fn get_task(&self, request: admin::GetTaskRequest) -> Result<admin::GetTaskResponse, tonic::Status> {
        let started = Instant::now();
        let result = self.inner.get_task(request).await;
        self.metrics.record("GetTask", code_of(&result), started);
        result
    }

    async fn delete_task(&self, request: admin::DeleteTaskRequest) -> Result<admin::DeleteTaskResponse, tonic::Status> {
        let started = Instant::now();
        let result = self.inner.delete_task(request).await;
        self.metrics.record("DeleteTask", code_of(&result), started);
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_latency_and_phases_are_exposed() {
        let m = Metrics::new();
        m.record("GetTask", tonic::Code::Ok, Instant::now());
        m.record("CreateTask", tonic::Code::InvalidArgument, Instant::now());
        m.set_cached_objects("TrainingJob", 3);
        m.set_objects_by_phase(&BTreeMap::from([("running", 2)]));
        let text = m.encode();
        assert!(text.contains(r#"flyte_agent_requests_total{rpc="GetTask",code="Ok"} 1"#), "{text}");
        assert!(text.contains(r#"flyte_agent_requests_total{rpc="CreateTask",code="InvalidArgument"} 1"#), "{text}");
        assert!(text.contains(r#"flyte_agent_request_duration_seconds_count{rpc="GetTask"} 1"#), "{text}");
        assert!(text.contains(r#"flyte_agent_cached_objects{kind="TrainingJob"} 3"#), "{text}");
        assert!(text.contains(r#"flyte_agent_objects{phase="running"} 2"#), "{text}");
        assert!(text.contains(r#"flyte_agent_objects{phase="succeeded"} 0"#), "{text}");
    }
}
