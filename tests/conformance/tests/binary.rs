//! The backend binary as an operator runs it: `sagemaker-plugin --config FILE` against the
//! Kubernetes API test double answers gRPC health and ListAgents, then shuts down cleanly on
//! SIGTERM. The binary is the one `cargo build --workspace --bins` put next to this test.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use conformance::{RunningProcess, free_port, write_kubeconfig};
use kube_test_double::KubeTestDouble;
use machinery::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;

fn binary() -> PathBuf {
    // target/<profile>/deps/binary-<hash> -> target/<profile>/sagemaker-plugin
    let exe = std::env::current_exe().unwrap();
    let path = exe.parent().unwrap().parent().unwrap().join("sagemaker-plugin");
    assert!(path.exists(), "{} is missing: build it first with `cargo build --workspace --bins`", path.display());
    path
}




#[tokio::test(flavor = "multi_thread")]
async fn the_binary_serves_health_and_list_agents_and_stops_on_sigterm() {
    let double = KubeTestDouble::start([conformance::shared_dir().join("crds/ack")]).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = write_kubeconfig(dir.path(), &double.url());
    let (grpc, metrics) = (free_port(), free_port());
    let config = dir.path().join("config.yaml");
    let key = dir.path().join("resource-meta-key");
    std::fs::write(&key, "binary-test-resource-meta-key-0123456789").unwrap();
    std::fs::write(&config, format!("resourceMetaKeyFile: {}\ntarget: ack\nregion: us-east-1\nserver:\n  listen: 127.0.0.1:{grpc}\nmetricsListen: 127.0.0.1:{metrics}\nlogFormat: json\n", key.display())).unwrap();

    let child = Command::new(binary())
        .arg("--config")
        .arg(&config)
        .env("KUBECONFIG", &kubeconfig)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = RunningProcess(child);

    let endpoint = format!("http://127.0.0.1:{grpc}");
    let deadline = Instant::now() + Duration::from_secs(20);
    let channel = loop {
        match tonic::transport::Endpoint::from_shared(endpoint.clone()).unwrap().connect().await {
            Ok(c) => break c,
            Err(_) if Instant::now() < deadline => tokio::time::sleep(Duration::from_millis(50)).await,
            Err(e) => panic!("the backend never listened: {e}"),
        }
    };
    let health = HealthClient::new(channel.clone()).check(HealthCheckRequest { service: String::new() }).await.unwrap().into_inner();
    assert_eq!(health.status, ServingStatus::Serving as i32);

    let agents = AgentMetadataServiceClient::new(channel).list_agents(machinery::admin::ListAgentsRequest {}).await.unwrap().into_inner().agents;
    let mut advertised: Vec<String> = agents.iter().flat_map(|a| a.supported_task_categories.iter().map(|c| c.name.clone())).collect();
    advertised.sort();
    let mut expected: Vec<String> = sagemaker_plugin::PLUGIN.task_types.iter().map(|t| t.name.to_string()).collect();
    expected.sort();
    assert_eq!(advertised, expected);
    #[allow(deprecated)]
    let deprecated: Vec<&String> = agents.iter().flat_map(|a| a.supported_task_types.iter()).collect();
    assert_eq!(deprecated.len(), expected.len(), "the deprecated field is filled too");

    let metrics_text = reqwest_like_get(metrics).await;
    assert!(metrics_text.contains("flyte_agent_cached_objects{kind=\"TrainingJob\"}"), "{metrics_text}");

    let status = Command::new("kill").arg("-TERM").arg(child.0.id().to_string()).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = child.0.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the backend did not stop within 10 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let mut stderr = String::new();
    let mut stdout = String::new();
    use std::io::Read;
    child.0.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    child.0.stdout.take().unwrap().read_to_string(&mut stdout).unwrap();
    assert!(exit.success(), "exit {exit:?}\nstdout:{stdout}\nstderr:{stderr}");
    assert!(stdout.contains("shutting down"), "the JSON log says so: {stdout}");
}

/// A minimal HTTP GET of `/metrics` (no HTTP client crate needed for one request).
async fn reqwest_like_get(port: u16) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").await.unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).await.unwrap();
    body
}

#[test]
fn a_bad_config_is_reported_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.yaml");
    std::fs::write(&config, "target: ack\n").unwrap();
    let out = Command::new(binary()).arg("--config").arg(&config).env_remove("AGENT_RESOURCE_META_KEY_FILE").output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no resource_meta key");
    assert!(String::from_utf8_lossy(&out.stderr).contains("resourceMetaKeyFile: required"), "{}", String::from_utf8_lossy(&out.stderr));
    let key = dir.path().join("key");
    std::fs::write(&key, "k".repeat(32)).unwrap();
    std::fs::write(&config, format!("resourceMetaKeyFile: {}\ntarget: nowhere\n", key.display())).unwrap();
    let out = Command::new(binary()).arg("--config").arg(&config).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nowhere"));
    let help = Command::new(binary()).arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("AGENT_TARGET") && help.contains("--config"), "{help}");
    // Every override is one clap argument, so `--help` names each flag with its variable.
    assert!(help.contains("--gc-ttl-seconds") && help.contains("AGENT_GC_TTL_SECONDS") && help.contains("AGENT_REGION"), "{help}");
}

#[test]
fn a_bad_environment_value_names_the_key_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("key");
    std::fs::write(&key, "k".repeat(32)).unwrap();
    let out = Command::new(binary()).arg("--check-config").env("AGENT_RESOURCE_META_KEY_FILE", &key).env("AGENT_GC_TTL_SECONDS", "soon").output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("--gc-ttl-seconds") && stderr.contains("soon"), "{stderr}");
    let out = Command::new(binary()).arg("--check-config").env("AGENT_RESOURCE_META_KEY_FILE", &key).env("AGENT_GC_TTL_SECONDS", "42").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("gc_ttl: 42s"), "the variable reaches the settings: {}", String::from_utf8_lossy(&out.stdout));
}
