//! Hand-run load benchmark of the agent backend; `scripts/bench_agent.sh` builds and runs it.
//!
//! `agent-bench run` puts the same load on three servers, one after the other, each in its own
//! process:
//!
//! * **rust**: the release backend binary `sagemaker-plugin` (target `ack`), against the
//!   Kubernetes API test double (in this process, with the real ACK CRDs);
//! * **python**: flytekit's connector server (`pyflyte serve connector`) with the reference
//!   Python connector of `python/agent_bench_connector.py`, which does the equivalent work without
//!   Kubernetes (decode `custom`, build the CR as a dict, answer GetTask from a dict);
//! * **connector**: the real peer, flytekitplugins-awssagemaker's own training-job connector
//!   (`sagemaker-training-job`, pinned from PyPI in its own venv) under `pyflyte serve connector`,
//!   against moto's SageMaker in server mode on loopback (`python/moto_in_progress.py`, through
//!   boto3's `AWS_ENDPOINT_URL_SAGEMAKER`): each of its polls is one DescribeTrainingJob, as in
//!   production;
//! * **noop**: a tonic server answering GetTask with a fixed RUNNING resource
//!   (`agent-bench noop-server`): the ceiling of this machine's gRPC stack.
//!
//! The load: CreateTask for `--jobs` jobs (distinct execution ids) at `--create-concurrency`;
//! for the Rust backend, a RUNNING status on every object through the double and a warm-up until
//! GetTask answers every job from the watch cache; then GetTask on random jobs at each
//! `--concurrency`, `--warmup-ms` untimed then `--duration-ms` (or `--max-requests`) timed. It
//! prints throughput, latency percentiles, CPU time per request, resident memory, the API requests
//! per GetTask, and the ratios against the targets.

mod load;
mod servers;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::sync::Arc;
use std::time::Duration;

use kube_test_double::{Config, KubeTestDouble, PathKind, Verb};
use machinery::admin;
use serde_json::{Value, json};

use load::{Client, Latencies, Level, Pick};
use servers::{Memory, Running};

const TASK_TYPE: &str = "sagemaker-k8s-builtin-training";
/// The real peer's task type (flytekitplugins-awssagemaker's `SageMakerTrainingJobTask`).
const CONNECTOR_TASK_TYPE: &str = "sagemaker-training-job";
const ACK_GROUP: &str = "sagemaker.services.k8s.aws";

const USAGE: &str = "usage:
  agent-bench run [--servers rust,python,noop] [--jobs 10000] [--create-concurrency 8]
                  [--concurrency 1,16,64] [--warmup-ms 1000] [--duration-ms 5000] [--max-requests 500000]
                  [--backend target/release/sagemaker-plugin] [--crds $SHARED_DIR/crds/ack]
                  [--python-venv target/agent-bench-venv] [--python-dir benches/agent-bench/python]
                  [--python-workers 10] [--connector-venv .peers/awssagemaker-connector/venv]
                  [--moto-python .venv/bin/python] [--connector-jobs 1000]
                  [--server-cpus LIST] [--perf DIR] [--backend-env K=V]...
  agent-bench noop-server --listen 127.0.0.1:PORT";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Rust,
    Python,
    Connector,
    Noop,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Rust => "rust",
            Kind::Python => "python",
            Kind::Connector => "connector",
            Kind::Noop => "noop",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Kind::Rust => "Rust backend",
            Kind::Python => "Python stand-in",
            Kind::Connector => "awssagemaker + moto",
            Kind::Noop => "no-op tonic",
        }
    }
}

struct Args {
    servers: Vec<Kind>,
    jobs: usize,
    create_concurrency: usize,
    concurrency: Vec<usize>,
    warmup: Duration,
    duration: Duration,
    max_requests: u64,
    backend: PathBuf,
    crds: PathBuf,
    python_venv: PathBuf,
    python_dir: PathBuf,
    python_workers: usize,
    /// The real peer's venv (flytekitplugins-awssagemaker), the Python that runs moto, and how
    /// many jobs it gets (each CreateTask is a CreateTrainingJob against moto, far slower).
    connector_venv: PathBuf,
    moto_python: PathBuf,
    connector_jobs: usize,
    server_cpus: Option<String>,
    perf: Option<PathBuf>,
    /// Extra environment of the backend process (`K=V`), for experiments such as MALLOC_ARENA_MAX.
    backend_env: Vec<(String, String)>,
}

fn parse(mut rest: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut args = Args {
        servers: vec![Kind::Rust, Kind::Python, Kind::Connector, Kind::Noop],
        jobs: 10_000,
        create_concurrency: 8,
        concurrency: vec![1, 16, 64],
        warmup: Duration::from_millis(1000),
        duration: Duration::from_millis(5000),
        max_requests: 500_000,
        backend: PathBuf::from("target/release/sagemaker-plugin"),
        crds: conformance::shared_dir().join("crds/ack"),
        python_venv: PathBuf::from("target/agent-bench-venv"),
        python_dir: PathBuf::from("benches/agent-bench/python"),
        python_workers: 10,
        connector_venv: PathBuf::from(".peers/awssagemaker-connector/venv"),
        moto_python: PathBuf::from(".venv/bin/python"),
        connector_jobs: 1000,
        server_cpus: None,
        perf: None,
        backend_env: Vec::new(),
    };
    while let Some(flag) = rest.next() {
        let value = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        let number = || value.parse::<u64>().map_err(|e| format!("{flag} {value}: {e}"));
        match flag.as_str() {
            "--servers" => {
                args.servers = value
                    .split(',')
                    .map(|s| match s.trim() {
                        "rust" => Ok(Kind::Rust),
                        "python" => Ok(Kind::Python),
                        "connector" => Ok(Kind::Connector),
                        "noop" => Ok(Kind::Noop),
                        other => Err(format!("--servers: unknown server {other:?} (rust, python, connector, noop)")),
                    })
                    .collect::<Result<_, _>>()?
            }
            "--jobs" => args.jobs = number()?.max(1) as usize,
            "--create-concurrency" => args.create_concurrency = number()?.max(1) as usize,
            "--concurrency" => {
                args.concurrency = value.split(',').map(|s| s.trim().parse::<usize>().map(|c| c.max(1)).map_err(|e| format!("--concurrency {s}: {e}"))).collect::<Result<_, _>>()?
            }
            "--warmup-ms" => args.warmup = Duration::from_millis(number()?),
            "--duration-ms" => args.duration = Duration::from_millis(number()?.max(1)),
            "--max-requests" => args.max_requests = number()?.max(1),
            "--backend" => args.backend = value.into(),
            "--crds" => args.crds = value.into(),
            "--python-venv" => args.python_venv = value.into(),
            "--python-dir" => args.python_dir = value.into(),
            "--python-workers" => args.python_workers = number()?.max(1) as usize,
            "--connector-venv" => args.connector_venv = value.into(),
            "--moto-python" => args.moto_python = value.into(),
            "--connector-jobs" => args.connector_jobs = number()?.max(1) as usize,
            "--server-cpus" => args.server_cpus = Some(value),
            "--perf" => args.perf = Some(value.into()),
            "--backend-env" => {
                let (k, v) = value.split_once('=').ok_or_else(|| format!("--backend-env {value}: expected K=V"))?;
                args.backend_env.push((k.to_string(), v.to_string()));
            }
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let result = match argv.next().as_deref() {
        Some("run") => parse(argv).and_then(|args| runtime().block_on(run(args))),
        Some("noop-server") => match (argv.next().as_deref(), argv.next().map(|a| a.parse::<SocketAddr>())) {
            (Some("--listen"), Some(Ok(addr))) => runtime().block_on(servers::serve_noop(addr)),
            _ => Err(USAGE.to_string()),
        },
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("agent-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A multi-threaded runtime with one worker per CPU this process may use (so `taskset -c 0`
/// gives one worker).
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a tokio runtime")
}

/// What was measured on one server.
struct Report {
    kind: Kind,
    cpus: String,
    create: Latencies,
    create_elapsed: Duration,
    levels: Vec<Level>,
    /// Rust only: after the CreateTasks, before any status.
    memory_created: Option<Memory>,
    /// After the warm-up, with every job tracked.
    memory_loaded: Option<Memory>,
    /// After the GetTask sweep.
    memory_after: Option<Memory>,
    /// Rust only: API requests the double received during the sweep, by verb and path.
    api: Option<(u64, u64, Vec<String>)>,
    /// Real peer only: what moto counted (its summary line) and the GetTasks sent in all.
    aws: Option<(String, u64)>,
    /// Jobs this server tracked (the real peer gets fewer).
    jobs: usize,
}

impl Report {
    fn top(&self) -> Option<&Level> {
        self.levels.iter().max_by_key(|l| l.concurrency)
    }
}

async fn run(args: Args) -> Result<(), String> {
    println!(
        "jobs: {}; CreateTask at concurrency {}; GetTask on random jobs at concurrency {:?}, {} ms untimed + {} ms timed (at most {} requests) per level",
        args.jobs,
        args.create_concurrency,
        args.concurrency,
        args.warmup.as_millis(),
        args.duration.as_millis(),
        args.max_requests
    );
    println!(
        "client (this process, with the test double): CPUs {}, {} tokio workers; servers: CPUs {}",
        servers::allowed_cpus(std::process::id()),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.server_cpus.as_deref().unwrap_or("any (not pinned)")
    );
    let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
    let mut reports = Vec::new();
    for &kind in &args.servers {
        println!();
        let report = match kind {
            Kind::Rust => bench_rust(&args, scratch.path()).await?,
            Kind::Python => bench_python(&args, scratch.path()).await?,
            Kind::Connector => bench_connector(&args, scratch.path()).await?,
            Kind::Noop => bench_noop(&args, scratch.path()).await?,
        };
        print_report(&report);
        reports.push(report);
    }
    println!();
    print_summary(&reports, &args);
    Ok(())
}

/// The request of job `i`: the conformance suite's built-in training request (ACK), with an
/// execution id of its own.
fn create_request_maker() -> Arc<dyn Fn(usize) -> admin::CreateTaskRequest + Send + Sync> {
    let custom = conformance::custom(TASK_TYPE, "ack");
    Arc::new(move |i| {
        let mut request = conformance::request_with(TASK_TYPE, custom.clone(), 0);
        let id = request.task_execution_metadata.as_mut().and_then(|m| m.task_execution_id.as_mut());
        if let Some(exec) = id.and_then(|id| id.node_execution_id.as_mut()).and_then(|n| n.execution_id.as_mut()) {
            exec.name = format!("abench{i:06}");
        }
        request
    })
}

/// The request of job `i` for the real peer: flytekitplugins-awssagemaker's `sagemaker-training-job`
/// task, whose `custom` is the boto3 `create_training_job` request (`config`) and the region, as
/// its `SageMakerTrainingJobTask.get_custom` writes it. The same built-in XGBoost training as the
/// other servers get.
fn connector_request_maker() -> Arc<dyn Fn(usize) -> admin::CreateTaskRequest + Send + Sync> {
    Arc::new(move |i| {
        let custom = json!({
            "config": {
                "TrainingJobName": format!("abench-{i:06}"),
                "AlgorithmSpecification": {"TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1", "TrainingInputMode": "File"},
                "RoleArn": "arn:aws:iam::123456789012:role/flyte-sagemaker-default",
                "HyperParameters": {"num_round": "100", "objective": "reg:squarederror"},
                "InputDataConfig": [{"ChannelName": "train", "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://bucket/data/train/", "S3DataDistributionType": "FullyReplicated"}}}],
                "OutputDataConfig": {"S3OutputPath": "s3://bucket/output/"},
                "ResourceConfig": {"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
                "StoppingCondition": {"MaxRuntimeInSeconds": 86400},
            },
            "region": "us-east-1",
        });
        let mut request = conformance::request_with(TASK_TYPE, json!({}), 0);
        request.inputs = None;
        if let Some(template) = request.template.as_mut() {
            template.r#type = CONNECTOR_TASK_TYPE.into();
            template.custom = machinery::decode::json_to_struct(&custom);
        }
        request
    })
}

fn get_requests(metas: Vec<Vec<u8>>, task_type: &str) -> Arc<Vec<admin::GetTaskRequest>> {
    #[allow(deprecated)]
    let gets = metas
        .into_iter()
        .map(|resource_meta| admin::GetTaskRequest {
            task_type: task_type.into(),
            resource_meta,
            task_category: Some(admin::TaskCategory { name: task_type.into(), version: 0 }),
            output_prefix: String::new(),
        })
        .collect();
    Arc::new(gets)
}

async fn connect(server: &mut Running) -> Result<Client, String> {
    let channel = server.connect(Duration::from_secs(60)).await?;
    Ok(Client::new(channel).max_decoding_message_size(16 << 20))
}

async fn create_phase(client: &Client, args: &Args) -> Result<(Arc<Vec<admin::GetTaskRequest>>, Latencies, Duration), String> {
    let (metas, latencies, elapsed) = load::create_all(client, args.jobs, args.create_concurrency, create_request_maker()).await?;
    Ok((get_requests(metas, TASK_TYPE), latencies, elapsed))
}

/// One GetTask pass over every job; fails unless each answers RUNNING with a message.
async fn check_pass(client: &Client, gets: &Arc<Vec<admin::GetTaskRequest>>, pid: u32) -> Level {
    load::get_phase(client, gets, 16, Duration::from_secs(120), u64::MAX, Pick::EachOnce, pid).await
}

/// The GetTask sweep: for each concurrency an untimed warm-up, then the timed phase. With
/// `--perf`, the timed phase at the highest concurrency runs under `perf record -g -p PID`.
async fn sweep(client: &Client, gets: &Arc<Vec<admin::GetTaskRequest>>, args: &Args, kind: Kind, pid: u32) -> Result<(Vec<Level>, u64), String> {
    let mut levels = Vec::new();
    let mut sent = 0;
    let top = args.concurrency.iter().copied().max().unwrap_or(1);
    for &c in &args.concurrency {
        if !args.warmup.is_zero() {
            sent += load::get_phase(client, gets, c, args.warmup, args.max_requests, Pick::Random, pid).await.requests;
        }
        let perf = match &args.perf {
            Some(dir) if c == top => {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                let out = dir.join(format!("{}-c{c}.data", kind.key()));
                let secs = format!("{:.1}", args.duration.as_secs_f64());
                let child = Command::new("perf")
                    .args(["record", "-F", "999", "-g", "-p", &pid.to_string(), "-o"])
                    .arg(&out)
                    .args(["--", "sleep", &secs])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .map_err(|e| format!("perf: {e}"))?;
                // perf attaches within a few milliseconds; let it before the timed phase starts.
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((child, out))
            }
            _ => None,
        };
        let level = load::get_phase(client, gets, c, args.duration, args.max_requests, Pick::Random, pid).await;
        if let Some((mut child, out)) = perf {
            let _ = child.wait();
            println!("   perf profile of the timed phase at concurrency {c}: {}", out.display());
        }
        // The real peer's failures under load are a result to report, not a broken benchmark.
        if let Some(e) = level.first_error.as_ref().filter(|_| kind != Kind::Connector) {
            return Err(format!("GetTask failed {} times at concurrency {c}, first: {e}", level.errors));
        }
        sent += level.requests;
        levels.push(level);
    }
    Ok((levels, sent))
}

fn kubeconfig(dir: &Path, url: &str) -> Result<PathBuf, String> {
    let path = dir.join("kubeconfig");
    let text = format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: double\n  cluster: {{server: \"{url}\"}}\ncontexts:\n- name: double\n  context: {{cluster: double, user: nobody}}\ncurrent-context: double\nusers:\n- name: nobody\n  user: {{}}\n"
    );
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok(path)
}

fn backend_config(dir: &Path, grpc: u16, metrics: u16) -> Result<PathBuf, String> {
    let path = dir.join("config.yaml");
    let key = dir.join("resource-meta-key");
    std::fs::write(&key, "agent-bench-resource-meta-key-0123456789").map_err(|e| e.to_string())?;
    let text = format!(
        "resourceMetaKeyFile: {}\ntarget: ack\nregion: us-east-1\ndefaultRoleArn: arn:aws:iam::123456789012:role/flyte-sagemaker-default\nimages:\n  xgboost:\n    us-east-1:\n      \"0.90\": 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:0.90-2-cpu-py3\n      \"1.7-1\": 683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1\nserver:\n  listen: 127.0.0.1:{grpc}\nmetricsListen: 127.0.0.1:{metrics}\nlogFormat: text\n",
        key.display()
    );
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    Ok(path)
}

/// What the ACK controller writes while SageMaker trains.
fn running_status(name: &str) -> Value {
    json!({
        "ackResourceMetadata": {"ownerAccountID": "123456789012", "region": "us-east-1", "arn": format!("arn:aws:sagemaker:us-east-1:123456789012:training-job/{name}")},
        "trainingJobStatus": "InProgress",
        "secondaryStatus": "Training",
        "conditions": [{"type": "ACK.ResourceSynced", "status": "False", "message": "TrainingJob is in InProgress status."}],
    })
}

async fn bench_rust(args: &Args, scratch: &Path) -> Result<Report, String> {
    let kind = Kind::Rust;
    println!("== {}: {} (target ack), against the Kubernetes API test double with {}", kind.label(), args.backend.display(), args.crds.display());
    // Enough watch history that the backend's watch never has to re-list.
    let mut config = Config::new([&args.crds]);
    config.history_limit = args.jobs * 4 + 1000;
    let double = KubeTestDouble::start_with(config, SocketAddr::from(([127, 0, 0, 1], 0))).await.map_err(|e| format!("test double: {e}"))?;
    let dir = scratch.join("rust");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (grpc, metrics) = (servers::free_port()?, servers::free_port()?);
    let mut env = vec![("KUBECONFIG", kubeconfig(&dir, &double.url())?.display().to_string()), ("RUST_LOG", "warn".to_string())];
    env.extend(args.backend_env.iter().map(|(k, v)| (k.as_str(), v.clone())));
    let argv = ["--config".to_string(), backend_config(&dir, grpc, metrics)?.display().to_string()];
    let mut server = Running::spawn(kind.label(), &args.backend, &argv, &env, args.server_cpus.as_deref(), dir.join("backend.log"), grpc)?;
    let client = connect(&mut server).await?;
    let pid = server.pid();

    let (gets, create, create_elapsed) = create_phase(&client, args).await?;
    let memory_created = servers::memory(pid).ok();
    // A running status on every object, so GetTask interprets a real status.
    for get in gets.iter() {
        let meta: Value = serde_json::from_slice(&get.resource_meta).map_err(|e| format!("resource_meta: {e}"))?;
        let (ns, name) = (meta["ns"].as_str().unwrap_or_default(), meta["name"].as_str().unwrap_or_default());
        double.set_status(ACK_GROUP, "trainingjobs", ns, name, running_status(name)).map_err(|e| format!("set_status {ns}/{name}: {e:?}"))?;
    }
    // Warm up until one pass over every job is all RUNNING and costs no GET: the watch cache
    // holds every object with its status.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        double.reset_request_counts();
        let pass = check_pass(&client, &gets, pid).await;
        let api_gets = double.request_count(Verb::Get, PathKind::Object);
        if pass.errors == 0 && pass.unexpected == 0 && api_gets == 0 {
            break;
        }
        if std::time::Instant::now() > deadline {
            return Err(format!(
                "the watch cache never caught up: last pass {} errors ({:?}), {} not RUNNING, {api_gets} GETs to the API",
                pass.errors, pass.first_error, pass.unexpected
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let memory_loaded = servers::memory(pid).ok();
    if let Some(object) = double.objects().first() {
        let json = serde_json::to_vec(object).map_err(|e| e.to_string())?;
        println!("   one TrainingJob with its status: {} bytes of JSON", json.len());
    }
    double.reset_request_counts();
    let (levels, sent) = sweep(&client, &gets, args, kind, pid).await?;
    let breakdown = double.request_counts().into_iter().filter(|(_, n)| *n > 0).map(|((verb, path), n)| format!("{verb:?} {path:?}: {n}")).collect();
    let api = Some((double.total_requests(), sent, breakdown));
    let memory_after = servers::memory(pid).ok();
    let cpus = servers::allowed_cpus(pid);
    drop(server);
    Ok(Report { kind, cpus, create, create_elapsed, levels, memory_created, memory_loaded, memory_after, api, aws: None, jobs: args.jobs })
}

async fn bench_python(args: &Args, scratch: &Path) -> Result<Report, String> {
    let kind = Kind::Python;
    let pyflyte = args.python_venv.join("bin/pyflyte");
    println!(
        "== {}: `pyflyte serve connector --worker {} --modules agent_bench_connector` ({}), the connector in {}",
        kind.label(),
        args.python_workers,
        pyflyte.display(),
        args.python_dir.display()
    );
    let (grpc, metrics) = (servers::free_port()?, servers::free_port()?);
    let argv: Vec<String> = ["serve", "connector", "--port", &grpc.to_string(), "--prometheus_port", &metrics.to_string(), "--worker", &args.python_workers.to_string(), "--modules", "agent_bench_connector"]
        .map(String::from)
        .to_vec();
    let python_dir = std::fs::canonicalize(&args.python_dir).map_err(|e| format!("{}: {e}", args.python_dir.display()))?;
    let env = [("PYTHONPATH", python_dir.display().to_string())];
    let mut server = Running::spawn(kind.label(), &pyflyte, &argv, &env, args.server_cpus.as_deref(), scratch.join("python.log"), grpc)?;
    let client = connect(&mut server).await?;
    let pid = server.pid();
    let (gets, create, create_elapsed) = create_phase(&client, args).await?;
    let pass = check_pass(&client, &gets, pid).await;
    if pass.errors > 0 || pass.unexpected > 0 {
        return Err(format!("the Python connector's warm-up pass: {} errors ({:?}), {} not RUNNING", pass.errors, pass.first_error, pass.unexpected));
    }
    let memory_loaded = servers::memory(pid).ok();
    let (levels, _) = sweep(&client, &gets, args, kind, pid).await?;
    let memory_after = servers::memory(pid).ok();
    let cpus = servers::allowed_cpus(pid);
    drop(server);
    Ok(Report { kind, cpus, create, create_elapsed, levels, memory_created: None, memory_loaded, memory_after, api: None, aws: None, jobs: args.jobs })
}

/// The real peer: moto's SageMaker (on the client's CPUs: it stands for AWS, not for the server
/// under test), then flytekit's connector server with flytekitplugins-awssagemaker's connector,
/// pointed at moto by boto3's service endpoint variable and dummy credentials (nothing leaves
/// loopback). Its CreateTasks create training jobs in moto, its GetTasks describe them.
async fn bench_connector(args: &Args, scratch: &Path) -> Result<Report, String> {
    let kind = Kind::Connector;
    let pyflyte = args.connector_venv.join("bin/pyflyte");
    let moto_script = Path::new(env!("CARGO_MANIFEST_DIR")).join("python/moto_in_progress.py");
    println!(
        "== {}: `pyflyte serve connector --worker {}` ({}) with flytekitplugins-awssagemaker's training-job connector, against moto's SageMaker ({} {})",
        kind.label(),
        args.python_workers,
        pyflyte.display(),
        args.moto_python.display(),
        moto_script.display()
    );
    let moto_port = servers::free_port()?;
    let client_cpus = servers::allowed_cpus(std::process::id());
    let moto_cpus = args.server_cpus.as_ref().map(|_| client_cpus.as_str());
    let mut moto = Running::spawn("moto", &args.moto_python, &[moto_script.display().to_string(), "--port".into(), moto_port.to_string()], &[], moto_cpus, scratch.join("moto.log"), moto_port)?;
    moto.wait_for_port(moto_port, Duration::from_secs(60))?;
    let (grpc, metrics) = (servers::free_port()?, servers::free_port()?);
    let argv: Vec<String> = ["serve", "connector", "--port", &grpc.to_string(), "--prometheus_port", &metrics.to_string(), "--worker", &args.python_workers.to_string()].map(String::from).to_vec();
    let home = scratch.join("connector-home");
    std::fs::create_dir_all(&home).map_err(|e| e.to_string())?;
    let env = [
        ("AWS_ENDPOINT_URL_SAGEMAKER", format!("http://127.0.0.1:{moto_port}")),
        ("AWS_ACCESS_KEY_ID", "testing".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_string()),
        ("AWS_DEFAULT_REGION", "us-east-1".to_string()),
        // No credentials or config of this machine's user, and no instance metadata lookups.
        ("AWS_CONFIG_FILE", "/dev/null".to_string()),
        ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null".to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
        ("HOME", home.display().to_string()),
    ];
    let mut server = Running::spawn(kind.label(), &pyflyte, &argv, &env, args.server_cpus.as_deref(), scratch.join("connector.log"), grpc)?;
    let client = connect(&mut server).await?;
    let pid = server.pid();
    let (metas, create, create_elapsed) = load::create_all(&client, args.connector_jobs, args.create_concurrency, connector_request_maker()).await?;
    let gets = get_requests(metas, CONNECTOR_TASK_TYPE);
    let pass = check_pass(&client, &gets, pid).await;
    if pass.errors > 0 || pass.unexpected > 0 {
        return Err(format!("the real connector's warm-up pass: {} errors ({:?}), {} not RUNNING", pass.errors, pass.first_error, pass.unexpected));
    }
    let memory_loaded = servers::memory(pid).ok();
    let (levels, sent) = sweep(&client, &gets, args, kind, pid).await?;
    let memory_after = servers::memory(pid).ok();
    let cpus = servers::allowed_cpus(pid);
    drop(server);
    let counted = moto.stop().lines().find_map(|l| l.strip_prefix("moto calls: ").map(str::to_string)).unwrap_or_else(|| "moto printed no counts".to_string());
    let aws = Some((counted, sent + pass.requests));
    Ok(Report { kind, cpus, create, create_elapsed, levels, memory_created: None, memory_loaded, memory_after, api: None, aws, jobs: args.connector_jobs })
}

async fn bench_noop(args: &Args, scratch: &Path) -> Result<Report, String> {
    let kind = Kind::Noop;
    println!("== {}: `agent-bench noop-server`, a fixed RUNNING resource for every GetTask", kind.label());
    let port = servers::free_port()?;
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let argv = ["noop-server".to_string(), "--listen".to_string(), format!("127.0.0.1:{port}")];
    let mut server = Running::spawn(kind.label(), &exe, &argv, &[], args.server_cpus.as_deref(), scratch.join("noop.log"), port)?;
    let client = connect(&mut server).await?;
    let pid = server.pid();
    let (_, create, create_elapsed) = create_phase(&client, args).await?;
    // The no-op server ignores resource_meta; GetTask goes to random "jobs" all the same.
    let gets = get_requests(vec![br#"{"noop":true}"#.to_vec(); args.jobs], TASK_TYPE);
    let memory_loaded = servers::memory(pid).ok();
    let (levels, _) = sweep(&client, &gets, args, kind, pid).await?;
    let memory_after = servers::memory(pid).ok();
    let cpus = servers::allowed_cpus(pid);
    drop(server);
    Ok(Report { kind, cpus, create, create_elapsed, levels, memory_created: None, memory_loaded, memory_after, api: None, aws: None, jobs: args.jobs })
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn micros_per(cpu: Duration, requests: u64) -> f64 {
    cpu.as_secs_f64() * 1e6 / requests.max(1) as f64
}

fn print_report(r: &Report) {
    let jobs = r.jobs;
    println!("   server CPUs: {}", r.cpus);
    println!(
        "   CreateTask x{}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        r.create.len(),
        r.create.len() as f64 / r.create_elapsed.as_secs_f64(),
        ms(r.create.percentile(50.0)),
        ms(r.create.percentile(99.0)),
        ms(r.create.max())
    );
    println!("   GetTask on random jobs among {jobs}:");
    println!("   {:>11} {:>9} {:>9} {:>8} {:>8} {:>8} {:>9} {:>8} {:>13} {:>13}", "concurrency", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms", "server CPU", "client CPU");
    for l in &r.levels {
        println!(
            "   {:>11} {:>9} {:>9.0} {:>8.3} {:>8.3} {:>8.3} {:>9.3} {:>8.2} {:>8.1} us/req {:>6.1} us/req{}",
            l.concurrency,
            l.requests,
            l.throughput(),
            ms(l.latencies.percentile(50.0)),
            ms(l.latencies.percentile(90.0)),
            ms(l.latencies.percentile(99.0)),
            ms(l.latencies.percentile(99.9)),
            ms(l.latencies.max()),
            micros_per(l.server_cpu, l.requests),
            micros_per(l.client_cpu, l.requests),
            if l.unexpected > 0 { format!("  ({} not RUNNING)", l.unexpected) } else { String::new() }
        );
        if let Some(e) = &l.first_error {
            println!("   {:>11} {} GetTasks failed, first: {e}", "", l.errors);
        }
    }
    if let Some(created) = r.memory_created {
        println!("   memory: VmRSS {:.1} MiB right after the CreateTasks (objects without status)", mib(created.rss_kib));
    }
    if let (Some(loaded), Some(after)) = (r.memory_loaded, r.memory_after) {
        println!(
            "   memory: VmRSS {:.1} MiB with {jobs} jobs tracked (after the warm-up), {:.1} MiB after the sweep; peak (VmHWM) {:.1} MiB",
            mib(loaded.rss_kib),
            mib(after.rss_kib),
            mib(after.hwm_kib)
        );
    }
    if let Some((total, gets, breakdown)) = &r.api {
        let detail = if breakdown.is_empty() { String::new() } else { format!(" ({})", breakdown.join(", ")) };
        println!("   API requests to the test double during the sweep: {total} for {gets} GetTasks = {:.4} per GetTask{detail}", *total as f64 / (*gets).max(1) as f64);
    }
    if let Some((counted, gets)) = &r.aws {
        println!("   AWS calls counted by moto: {counted}, for {} CreateTasks and {gets} GetTasks", r.create.len());
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

fn print_summary(reports: &[Report], args: &Args) {
    let find = |k: Kind| reports.iter().find(|r| r.kind == k);
    let top = args.concurrency.iter().copied().max().unwrap_or(1);
    println!("== Summary: GetTask at concurrency {top}, {} jobs", args.jobs);
    println!("   {:<18} {:>9} {:>8} {:>8} {:>14} {:>12} {:>13}", "server", "req/s", "p50 ms", "p99 ms", "CreateTask p99", "RSS MiB", "server CPU");
    for r in reports {
        let Some(l) = r.top() else { continue };
        println!(
            "   {:<18} {:>9.0} {:>8.3} {:>8.3} {:>11.2} ms {:>12} {:>6.1} us/req",
            r.kind.label(),
            l.throughput(),
            ms(l.latencies.percentile(50.0)),
            ms(l.latencies.percentile(99.0)),
            ms(r.create.percentile(99.0)),
            r.memory_loaded.map_or("-".into(), |m| format!("{:.1}", mib(m.rss_kib))),
            micros_per(l.server_cpu, l.requests)
        );
    }
    println!();
    let Some(rust) = find(Kind::Rust) else { return };
    let Some(rust_top) = rust.top() else { return };
    if let Some(python) = find(Kind::Python).and_then(|p| p.top()) {
        let ratio = rust_top.throughput() / python.throughput();
        println!("   Rust / Python GetTask throughput at {top}: {ratio:.1}x (target >= 20x): {}", verdict(ratio >= 20.0));
        for (r, p) in rust.levels.iter().zip(&find(Kind::Python).unwrap().levels) {
            println!("      at concurrency {:>2}: {:.1}x throughput, p99 {:.3} ms vs {:.3} ms", r.concurrency, r.throughput() / p.throughput(), ms(r.latencies.percentile(99.0)), ms(p.latencies.percentile(99.0)));
        }
    }
    if let Some(real) = find(Kind::Connector) {
        for (r, c) in rust.levels.iter().zip(&real.levels) {
            println!(
                "   Rust / awssagemaker connector at concurrency {:>2}: {:.0}x throughput, p99 {:.3} ms vs {:.3} ms, server CPU {:.1} vs {:.1} us per GetTask",
                r.concurrency,
                r.throughput() / c.throughput(),
                ms(r.latencies.percentile(99.0)),
                ms(c.latencies.percentile(99.0)),
                micros_per(r.server_cpu, r.requests),
                micros_per(c.server_cpu, c.requests)
            );
        }
        if let Some((counted, gets)) = &real.aws {
            println!("   awssagemaker connector's AWS calls: {counted} for {gets} GetTasks (one DescribeTrainingJob per poll)");
        }
    }
    if let Some(noop) = find(Kind::Noop).and_then(|n| n.top()) {
        let share = rust_top.throughput() / noop.throughput() * 100.0;
        println!("   Rust / no-op GetTask throughput at {top}: {share:.0}% (target >= 85%): {}", verdict(share >= 85.0));
        let p99 = rust_top.latencies.percentile(99.0).as_secs_f64() / noop.latencies.percentile(99.0).as_secs_f64();
        println!("   Rust / no-op GetTask p99 at {top}: {p99:.2}x (target <= 1.25x): {}", verdict(p99 <= 1.25));
        for (r, n) in rust.levels.iter().zip(&find(Kind::Noop).unwrap().levels) {
            println!(
                "      at concurrency {:>2}: {:.0}% throughput, p99 {:.3} ms vs {:.3} ms ({:.2}x)",
                r.concurrency,
                r.throughput() / n.throughput() * 100.0,
                ms(r.latencies.percentile(99.0)),
                ms(n.latencies.percentile(99.0)),
                r.latencies.percentile(99.0).as_secs_f64() / n.latencies.percentile(99.0).as_secs_f64()
            );
        }
    }
    let p99s: Vec<String> = rust
        .levels
        .iter()
        .map(|l| {
            let p99 = l.latencies.percentile(99.0);
            format!("{:.3} ms at {} ({})", ms(p99), l.concurrency, verdict(p99 < Duration::from_millis(1)))
        })
        .collect();
    println!("   Rust GetTask p99 with {} jobs (target < 1 ms): {}", args.jobs, p99s.join(", "));
    if let Some(m) = rust.memory_loaded {
        let peak = rust.memory_after.map_or(m.hwm_kib, |a| a.hwm_kib);
        println!(
            "   Rust resident memory with {} jobs tracked: {:.1} MiB, peak {:.1} MiB (target < 40 MiB): {}",
            args.jobs,
            mib(m.rss_kib),
            mib(peak),
            verdict(mib(m.rss_kib.max(peak)) < 40.0)
        );
    }
    if let Some((total, gets, _)) = &rust.api {
        println!("   API requests per GetTask in steady state: {:.4} ({total} for {gets}) (target 0): {}", *total as f64 / (*gets).max(1) as f64, verdict(*total == 0));
    }
}
