//! The load generator: CreateTask for every job at a fixed concurrency, then GetTask on random
//! jobs at a fixed concurrency for a bounded time and count. Every loop is bounded.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use machinery::admin;
use machinery::core::task_execution::Phase;
use machinery::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use tonic::transport::Channel;

use crate::servers::cpu_time;

pub type Client = AsyncAgentServiceClient<Channel>;

/// Latencies of one phase, sorted, in nanoseconds.
pub struct Latencies(Vec<u64>);

impl Latencies {
    fn new(mut nanos: Vec<u64>) -> Self {
        nanos.sort_unstable();
        Latencies(nanos)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The value at or below which `p` percent of the samples lie (nearest rank).
    pub fn percentile(&self, p: f64) -> Duration {
        if self.0.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * self.0.len() as f64).ceil() as usize;
        Duration::from_nanos(self.0[rank.clamp(1, self.0.len()) - 1])
    }

    pub fn max(&self) -> Duration {
        Duration::from_nanos(self.0.last().copied().unwrap_or(0))
    }
}

/// What one CreateTask worker did: (job, resource_meta) pairs and its latencies.
type CreatedBy = (Vec<(usize, Vec<u8>)>, Vec<u64>);

/// CreateTask for `count` jobs, `concurrency` at a time; `make(i)` builds the request of job `i`
/// (untimed). Returns each job's `resource_meta`, the latencies and the wall time.
pub async fn create_all(
    client: &Client,
    count: usize,
    concurrency: usize,
    make: Arc<dyn Fn(usize) -> admin::CreateTaskRequest + Send + Sync>,
) -> Result<(Vec<Vec<u8>>, Latencies, Duration), String> {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let (mut client, next, make) = (client.clone(), next.clone(), make.clone());
        workers.push(tokio::spawn(async move {
            let mut done = Vec::new();
            let mut nanos = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= count {
                    return Ok::<CreatedBy, String>((done, nanos));
                }
                let request = make(i);
                let sent = Instant::now();
                let response = client.create_task(request).await.map_err(|s| format!("CreateTask of job {i}: {:?}: {}", s.code(), s.message()))?;
                nanos.push(sent.elapsed().as_nanos() as u64);
                done.push((i, response.into_inner().resource_meta));
            }
        }));
    }
    let mut metas = vec![Vec::new(); count];
    let mut all = Vec::with_capacity(count);
    for worker in workers {
        let (done, nanos): CreatedBy = worker.await.map_err(|e| e.to_string())??;
        for (i, meta) in done {
            metas[i] = meta;
        }
        all.extend(nanos);
    }
    Ok((metas, Latencies::new(all), started.elapsed()))
}

/// One GetTask phase's figures.
pub struct Level {
    pub concurrency: usize,
    pub requests: u64,
    pub elapsed: Duration,
    pub latencies: Latencies,
    /// Calls that failed (gRPC error).
    pub errors: u64,
    /// Successful calls whose phase was not RUNNING or whose message was empty.
    pub unexpected: u64,
    /// CPU time the server and this process spent during the phase.
    pub server_cpu: Duration,
    pub client_cpu: Duration,
    pub first_error: Option<String>,
}

impl Level {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// A small, fast, deterministic generator (xorshift64*) to pick jobs.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
    }
}

/// How a phase picks jobs.
#[derive(Clone, Copy)]
pub enum Pick {
    /// Uniformly at random among all jobs.
    Random,
    /// Every job once, in order (a warm-up pass).
    EachOnce,
}

/// GetTask at `concurrency` until `duration` has passed or `max_requests` were sent, whichever
/// comes first. `server_pid` is read for the server's CPU time.
pub async fn get_phase(client: &Client, gets: &Arc<Vec<admin::GetTaskRequest>>, concurrency: usize, duration: Duration, max_requests: u64, pick: Pick, server_pid: u32) -> Level {
    let budget = match pick {
        Pick::Random => max_requests,
        Pick::EachOnce => gets.len() as u64,
    };
    let issued = Arc::new(AtomicU64::new(0));
    let (server_before, client_before) = (cpu_time(server_pid), cpu_time(std::process::id()));
    let started = Instant::now();
    let deadline = started + duration;
    let mut workers = Vec::new();
    for w in 0..concurrency.max(1) {
        let (mut client, gets, issued) = (client.clone(), gets.clone(), issued.clone());
        workers.push(tokio::spawn(async move {
            let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ ((w as u64 + 1) * 0xD1B5_4A32_D192_ED03));
            let mut nanos = Vec::with_capacity(4096);
            let (mut errors, mut unexpected, mut first_error) = (0u64, 0u64, None);
            loop {
                let n = issued.fetch_add(1, Ordering::Relaxed);
                if n >= budget || Instant::now() >= deadline {
                    break;
                }
                let job = match pick {
                    Pick::Random => rng.below(gets.len()),
                    Pick::EachOnce => n as usize,
                };
                let request = gets[job].clone();
                let sent = Instant::now();
                let result = client.get_task(request).await;
                nanos.push(sent.elapsed().as_nanos() as u64);
                match result {
                    Ok(response) => {
                        let ok = response.into_inner().resource.is_some_and(|r| r.phase == Phase::Running as i32 && !r.message.is_empty());
                        unexpected += u64::from(!ok);
                    }
                    Err(status) => {
                        errors += 1;
                        first_error.get_or_insert_with(|| format!("{:?}: {}", status.code(), status.message()));
                    }
                }
            }
            (nanos, errors, unexpected, first_error)
        }));
    }
    let mut all = Vec::new();
    let (mut errors, mut unexpected, mut first_error) = (0, 0, None);
    for worker in workers {
        let (nanos, e, u, f) = worker.await.expect("a load worker panicked");
        all.extend(nanos);
        errors += e;
        unexpected += u;
        first_error = first_error.or(f);
    }
    let elapsed = started.elapsed();
    Level {
        concurrency,
        requests: all.len() as u64,
        elapsed,
        latencies: Latencies::new(all),
        errors,
        unexpected,
        server_cpu: cpu_time(server_pid).saturating_sub(server_before),
        client_cpu: cpu_time(std::process::id()).saturating_sub(client_before),
        first_error,
    }
}
