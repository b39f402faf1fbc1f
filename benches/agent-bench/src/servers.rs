//! The servers under load, each its own process: the real backend binary, flytekit's connector
//! server with the reference Python connector, and the no-op tonic server ([`serve_noop`], run as
//! `agent-bench noop-server`). Also what is read of a process from `/proc`: resident memory, CPU
//! time, allowed CPUs.

use std::fs::File;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use machinery::proto::flyteidl::service::async_agent_service_server::{AsyncAgentService, AsyncAgentServiceServer};
use machinery::{admin, core};
use tonic::transport::server::TcpIncoming;
use tonic::transport::{Channel, Endpoint, Server};
use tonic::{Request, Response, Status};

/// A server process this benchmark started. Dropping it stops the process (SIGTERM, then SIGKILL
/// after 5 s), by its own id.
pub struct Running {
    pub label: &'static str,
    child: Child,
    pub endpoint: String,
    log: PathBuf,
    /// Set once the process was stopped and reaped, so its id is never signalled again.
    stopped: bool,
}

impl Running {
    /// Starts `program args` (under `taskset -c CPUS` when `cpus` is given; taskset execs the
    /// program, so the process id is the server's), output to `log`.
    pub fn spawn(label: &'static str, program: &Path, args: &[String], env: &[(&str, String)], cpus: Option<&str>, log: PathBuf, port: u16) -> Result<Running, String> {
        let mut command = match cpus {
            Some(cpus) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpus).arg(program);
                c
            }
            None => Command::new(program),
        };
        command.args(args).envs(env.iter().map(|(k, v)| (*k, v.as_str())));
        let out = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let err = out.try_clone().map_err(|e| e.to_string())?;
        command.stdin(Stdio::null()).stdout(Stdio::from(out)).stderr(Stdio::from(err));
        let child = command.spawn().map_err(|e| format!("cannot start {}: {e}", program.display()))?;
        Ok(Running { label, child, endpoint: format!("http://127.0.0.1:{port}"), log, stopped: false })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The last lines of the process's output, for error messages.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    /// Connects once the server accepts gRPC connections (at most `timeout`).
    pub async fn connect(&mut self, timeout: Duration) -> Result<Channel, String> {
        let deadline = Instant::now() + timeout;
        let endpoint = Endpoint::from_shared(self.endpoint.clone()).map_err(|e| e.to_string())?.tcp_nodelay(true);
        loop {
            if let Ok(Some(exit)) = self.child.try_wait() {
                return Err(format!("{} exited early ({exit}):\n{}", self.label, self.log_tail()));
            }
            match endpoint.connect().await {
                Ok(channel) => return Ok(channel),
                Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
                Err(e) => return Err(format!("{} did not listen within {timeout:?}: {e}\n{}", self.label, self.log_tail())),
            }
        }
    }
}

impl Running {
    /// Waits until something accepts TCP connections on `port` (a server that is not gRPC).
    pub fn wait_for_port(&mut self, port: u16, timeout: Duration) -> Result<(), String> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(exit)) = self.child.try_wait() {
                return Err(format!("{} exited early ({exit}):\n{}", self.label, self.log_tail()));
            }
            match std::net::TcpStream::connect(("127.0.0.1", port)) {
                Ok(_) => return Ok(()),
                Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(50)),
                Err(e) => return Err(format!("{} did not listen on {port} within {timeout:?}: {e}\n{}", self.label, self.log_tail())),
            }
        }
    }

    /// Stops the process as dropping does and returns everything it printed.
    pub fn stop(mut self) -> String {
        self.terminate();
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn terminate(&mut self) {
        if self.stopped {
            return;
        }
        self.stopped = true;
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.terminate();
    }
}

pub fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

/// `VmRSS` and `VmHWM` (peak resident set) of a process, in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub rss_kib: u64,
    pub hwm_kib: u64,
}

fn status_field(pid: u32, field: &str) -> Result<String, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field).and_then(|rest| rest.strip_prefix(':')))
        .map(|v| v.trim().to_string())
        .ok_or_else(|| format!("/proc/{pid}/status has no {field}"))
}

pub fn memory(pid: u32) -> Result<Memory, String> {
    let kib = |field| -> Result<u64, String> {
        let value = status_field(pid, field)?;
        value.trim_end_matches("kB").trim().parse().map_err(|e| format!("{field} {value}: {e}"))
    };
    Ok(Memory { rss_kib: kib("VmRSS")?, hwm_kib: kib("VmHWM")? })
}

/// The CPUs a process may run on (`Cpus_allowed_list`), e.g. `0-1` or `1`.
pub fn allowed_cpus(pid: u32) -> String {
    status_field(pid, "Cpus_allowed_list").unwrap_or_else(|e| e)
}

/// User + system CPU time of every thread of a process so far.
pub fn cpu_time(pid: u32) -> Duration {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { return Duration::ZERO };
    // Fields after the command name, which is in parentheses and may contain spaces: state is the
    // first, utime the 12th and stime the 13th.
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: u64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<u64>().ok()).sum();
    Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64)
}

fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100)
    })
}

/// The fixed answer of the no-op server: a RUNNING resource with a message and the same two log
/// links the real backends return, so responses are of a similar size.
pub fn noop_resource() -> admin::Resource {
    let name = "f3a9c2e1b0d4-n0-0-0123456789";
    let region = "us-east-1";
    #[allow(deprecated)]
    admin::Resource {
        phase: core::task_execution::Phase::Running as i32,
        message: "Training".into(),
        log_links: vec![
            core::TaskLog {
                name: "CloudWatch Logs".into(),
                uri: format!("https://{region}.console.aws.amazon.com/cloudwatch/home?region={region}#logStream:group=/aws/sagemaker/TrainingJobs;prefix={name};streamFilter=typeLogStreamPrefix"),
                ..Default::default()
            },
            core::TaskLog { name: "SageMaker Training Job".into(), uri: format!("https://{region}.console.aws.amazon.com/sagemaker/home?region={region}#/jobs/{name}"), ..Default::default() },
        ],
        ..Default::default()
    }
}

/// `AsyncAgentService` doing no work: CreateTask returns a fixed `resource_meta`, GetTask a fixed
/// RUNNING resource. What this machine's gRPC stack can do, the ceiling of any agent.
struct Noop {
    resource: admin::Resource,
}

#[tonic::async_trait]
impl AsyncAgentService for Noop {
    async fn create_task(&self, _: Request<admin::CreateTaskRequest>) -> Result<Response<admin::CreateTaskResponse>, Status> {
        Ok(Response::new(admin::CreateTaskResponse { resource_meta: br#"{"noop":true}"#.to_vec() }))
    }

    async fn get_task(&self, _: Request<admin::GetTaskRequest>) -> Result<Response<admin::GetTaskResponse>, Status> {
        Ok(Response::new(admin::GetTaskResponse { resource: Some(self.resource.clone()) }))
    }

    async fn delete_task(&self, _: Request<admin::DeleteTaskRequest>) -> Result<Response<admin::DeleteTaskResponse>, Status> {
        Ok(Response::new(admin::DeleteTaskResponse {}))
    }

    async fn get_task_metrics(&self, _: Request<admin::GetTaskMetricsRequest>) -> Result<Response<admin::GetTaskMetricsResponse>, Status> {
        Err(Status::unimplemented("no-op"))
    }

    type GetTaskLogsStream = tonic::codegen::BoxStream<admin::GetTaskLogsResponse>;

    async fn get_task_logs(&self, _: Request<admin::GetTaskLogsRequest>) -> Result<Response<Self::GetTaskLogsStream>, Status> {
        Err(Status::unimplemented("no-op"))
    }
}

/// Serves the no-op `AsyncAgentService` on `listen` until SIGTERM, with the transport settings
/// of the real backend (tonic, TCP_NODELAY).
pub async fn serve_noop(listen: SocketAddr) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).map_err(|e| e.to_string())?;
    Server::builder()
        .add_service(AsyncAgentServiceServer::new(Noop { resource: noop_resource() }))
        .serve_with_incoming_shutdown(TcpIncoming::from(listener).with_nodelay(Some(true)), async move {
            term.recv().await;
        })
        .await
        .map_err(|e| e.to_string())
}
