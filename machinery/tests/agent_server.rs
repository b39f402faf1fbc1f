//! The agent server end to end over real gRPC on 127.0.0.1: each test starts `serve_on` on an
//! ephemeral port with an in-test fake backend and talks to it with the generated tonic clients
//! (and tonic-health's client), as propeller would.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use machinery::proto::flyteidl::service::agent_metadata_service_client::AgentMetadataServiceClient;
use machinery::proto::flyteidl::service::async_agent_service_client::AsyncAgentServiceClient;
use machinery::{Backend, ServeError, ServerConfig, TaskTypeInfo, TlsConfig, admin, core};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// Upper bound for things that should happen at once; only reached when a test fails.
const PATIENCE: Duration = Duration::from_secs(10);

/// Records what reaches it, so a test can tell whether the server delegated a call.
struct FakeBackend {
    task_types: Vec<TaskTypeInfo>,
    created: Mutex<Vec<admin::CreateTaskRequest>>,
    polled: Mutex<Vec<admin::GetTaskRequest>>,
    deleted: Mutex<Vec<admin::DeleteTaskRequest>>,
}

impl FakeBackend {
    fn new(task_types: &[(&str, i32)]) -> Self {
        Self {
            task_types: task_types
                .iter()
                .map(|(name, version)| TaskTypeInfo {
                    name: name.to_string(),
                    version: *version,
                })
                .collect(),
            created: Mutex::default(),
            polled: Mutex::default(),
            deleted: Mutex::default(),
        }
    }
}

#[tonic::async_trait]
impl Backend for FakeBackend {
    fn agent_name(&self) -> &str {
        "fake"
    }

    fn task_types(&self) -> &[TaskTypeInfo] {
        &self.task_types
    }

    async fn create_task(
        &self,
        request: admin::CreateTaskRequest,
    ) -> Result<admin::CreateTaskResponse, Status> {
        // A marker prefix lets a test check that backend errors pass through unchanged.
        if request.output_prefix == "s3://fail" {
            return Err(Status::failed_precondition("fake refuses"));
        }
        self.created.lock().unwrap().push(request);
        Ok(admin::CreateTaskResponse {
            resource_meta: b"job-1".to_vec(),
        })
    }

    async fn get_task(
        &self,
        request: admin::GetTaskRequest,
    ) -> Result<admin::GetTaskResponse, Status> {
        self.polled.lock().unwrap().push(request);
        Ok(admin::GetTaskResponse {
            resource: Some(admin::Resource {
                phase: core::task_execution::Phase::Running as i32,
                message: "running".into(),
                ..Default::default()
            }),
        })
    }

    async fn delete_task(
        &self,
        request: admin::DeleteTaskRequest,
    ) -> Result<admin::DeleteTaskResponse, Status> {
        self.deleted.lock().unwrap().push(request);
        Ok(admin::DeleteTaskResponse {})
    }
}

/// A server running on an ephemeral port, stopped by `stop`.
struct Running {
    addr: SocketAddr,
    backend: Arc<FakeBackend>,
    stop: Option<oneshot::Sender<()>>,
    handle: JoinHandle<Result<(), ServeError>>,
}

impl Running {
    async fn start(backend: FakeBackend, config: ServerConfig) -> Self {
        // Bound before the server task starts, so clients can connect without waiting.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, backend, config).await
    }

    async fn start_on(listener: TcpListener, backend: FakeBackend, config: ServerConfig) -> Self {
        let addr = listener.local_addr().unwrap();
        let backend = Arc::new(backend);
        let (stop, stopped) = oneshot::channel::<()>();
        let handle = tokio::spawn(machinery::serve_on(
            listener,
            backend.clone(),
            config,
            async {
                let _ = stopped.await;
            },
        ));
        Self {
            addr,
            backend,
            stop: Some(stop),
            handle,
        }
    }

    async fn with_defaults() -> Self {
        Self::start(
            FakeBackend::new(&[("fake-job", 0), ("fake-tuning", 3)]),
            ServerConfig::default(),
        )
        .await
    }

    async fn channel(&self) -> Channel {
        Endpoint::from_shared(format!("http://{}", self.addr))
            .unwrap()
            .connect()
            .await
            .unwrap()
    }

    async fn agent_client(&self) -> AsyncAgentServiceClient<Channel> {
        AsyncAgentServiceClient::new(self.channel().await)
    }

    async fn metadata_client(&self) -> AgentMetadataServiceClient<Channel> {
        AgentMetadataServiceClient::new(self.channel().await)
    }

    /// Resolves the shutdown future and waits for `serve_on` to return.
    async fn stop(mut self) -> Result<(), ServeError> {
        self.stop.take().unwrap().send(()).unwrap();
        tokio::time::timeout(PATIENCE, self.handle)
            .await
            .expect("server did not stop")
            .unwrap()
    }
}

fn create_request(task_type: &str, output_prefix: &str) -> admin::CreateTaskRequest {
    admin::CreateTaskRequest {
        template: Some(core::TaskTemplate {
            r#type: task_type.into(),
            ..Default::default()
        }),
        output_prefix: output_prefix.into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn health_is_serving_for_the_server_and_every_agent_service() {
    let server = Running::with_defaults().await;
    let mut health = HealthClient::new(server.channel().await);
    for service in [
        "",
        "flyteidl.service.AsyncAgentService",
        "flyteidl.service.AgentMetadataService",
        "grpc.health.v1.Health",
    ] {
        let response = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap_or_else(|status| panic!("health check of {service:?}: {status}"));
        assert_eq!(
            response.into_inner().status,
            ServingStatus::Serving as i32,
            "{service:?}"
        );
    }
    // A service this server does not offer is unknown, not healthy.
    let unknown = health
        .check(HealthCheckRequest {
            service: "flyteidl.service.SyncAgentService".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(unknown.code(), Code::NotFound);
}

#[tokio::test]
#[allow(deprecated)]
async fn list_agents_advertises_each_task_type_as_category_and_deprecated_type() {
    let server = Running::with_defaults().await;
    let agents = server
        .metadata_client()
        .await
        .list_agents(admin::ListAgentsRequest {})
        .await
        .unwrap();
    let agents = agents.into_inner().agents;

    let summary: Vec<_> = agents
        .iter()
        .map(|a| {
            (
                a.name.as_str(),
                a.is_sync,
                a.supported_task_types.clone(),
                a.supported_task_categories
                    .iter()
                    .map(|c| (c.name.clone(), c.version))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "fake: fake-job",
                false,
                vec!["fake-job".to_string()],
                vec![("fake-job".into(), 0)]
            ),
            (
                "fake: fake-tuning",
                false,
                vec!["fake-tuning".to_string()],
                vec![("fake-tuning".into(), 3)]
            ),
        ]
    );
}

#[tokio::test]
async fn get_agent_finds_an_advertised_entry_and_answers_not_found_otherwise() {
    let server = Running::with_defaults().await;
    let mut client = server.metadata_client().await;

    let name = machinery::server::agent_entry_name("fake", "fake-tuning");
    let found = client
        .get_agent(admin::GetAgentRequest { name: name.clone() })
        .await
        .unwrap();
    assert_eq!(found.into_inner().agent.unwrap().name, name);

    let missing = client
        .get_agent(admin::GetAgentRequest {
            name: "no-such-agent".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
}

#[tokio::test]
async fn get_task_metrics_and_get_task_logs_answer_unimplemented() {
    let server = Running::with_defaults().await;
    let mut client = server.agent_client().await;

    let metrics = client
        .get_task_metrics(admin::GetTaskMetricsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(metrics.code(), Code::Unimplemented);

    let logs = client
        .get_task_logs(admin::GetTaskLogsRequest::default())
        .await
        .unwrap_err();
    assert_eq!(logs.code(), Code::Unimplemented);
}

#[tokio::test]
async fn create_task_is_delegated_to_the_backend_and_its_answer_returned() {
    let server = Running::with_defaults().await;
    let response = server
        .agent_client()
        .await
        .create_task(create_request("fake-job", "s3://bucket/prefix"))
        .await
        .unwrap();
    assert_eq!(response.into_inner().resource_meta, b"job-1");

    let created = server.backend.created.lock().unwrap().clone();
    assert_eq!(
        created,
        vec![create_request("fake-job", "s3://bucket/prefix")]
    );
}

#[tokio::test]
async fn get_task_and_delete_task_are_delegated_to_the_backend() {
    let server = Running::with_defaults().await;
    let mut client = server.agent_client().await;
    let category = Some(admin::TaskCategory {
        name: "fake-job".into(),
        version: 0,
    });

    let polled = client
        .get_task(admin::GetTaskRequest {
            resource_meta: b"job-1".to_vec(),
            task_category: category.clone(),
            ..Default::default()
        })
        .await
        .unwrap();
    let resource = polled.into_inner().resource.unwrap();
    assert_eq!(resource.phase, core::task_execution::Phase::Running as i32);

    client
        .delete_task(admin::DeleteTaskRequest {
            resource_meta: b"job-1".to_vec(),
            task_category: category,
            ..Default::default()
        })
        .await
        .unwrap();

    assert_eq!(
        server.backend.polled.lock().unwrap()[0].resource_meta,
        b"job-1"
    );
    assert_eq!(
        server.backend.deleted.lock().unwrap()[0].resource_meta,
        b"job-1"
    );
}

#[tokio::test]
async fn backend_errors_reach_the_client_with_their_code() {
    let server = Running::with_defaults().await;
    let err = server
        .agent_client()
        .await
        .create_task(create_request("fake-job", "s3://fail"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::FailedPrecondition);
    assert_eq!(err.message(), "fake refuses");
}

#[tokio::test]
async fn a_request_over_the_message_limit_is_rejected_before_reaching_the_backend() {
    let config = ServerConfig {
        max_message_bytes: 1024,
        ..ServerConfig::default()
    };
    let server = Running::start(FakeBackend::new(&[("fake-job", 0)]), config).await;
    let mut client = server.agent_client().await;

    let oversized = create_request("fake-job", &"x".repeat(4096));
    let err = client.create_task(oversized).await.unwrap_err();
    // RESOURCE_EXHAUSTED, as grpc-go answers (tonic's own OUT_OF_RANGE is recoded).
    assert_eq!(err.code(), Code::ResourceExhausted, "unexpected status {err:?}");
    assert!(server.backend.created.lock().unwrap().is_empty());

    // The limit is per message: a small request on the same server still goes through.
    client
        .create_task(create_request("fake-job", "s3://small"))
        .await
        .unwrap();
}

#[tokio::test]
async fn resolving_the_shutdown_future_stops_the_server() {
    let server = Running::with_defaults().await;
    let addr = server.addr;
    // An open client connection must not keep the server alive.
    let mut client = server.metadata_client().await;
    client
        .list_agents(admin::ListAgentsRequest {})
        .await
        .unwrap();

    server.stop().await.unwrap();

    let reconnect = Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await;
    assert!(
        reconnect.is_err(),
        "the port still accepts connections after shutdown"
    );
}

#[tokio::test]
async fn duplicate_task_type_names_refuse_to_start() {
    let server = Running::start(
        FakeBackend::new(&[("fake-job", 0), ("fake-job", 1)]),
        ServerConfig::default(),
    )
    .await;
    let result = tokio::time::timeout(PATIENCE, server.handle)
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(result, Err(ServeError::TaskTypes(_))),
        "{result:?}"
    );
}

#[tokio::test]
async fn unreadable_tls_files_refuse_to_start() {
    let config = ServerConfig {
        tls: Some(TlsConfig {
            cert_path: "/nonexistent/cert.pem".into(),
            key_path: "/nonexistent/key.pem".into(),
            client_ca_path: None,
        }),
        ..ServerConfig::default()
    };
    let server = Running::start(FakeBackend::new(&[("fake-job", 0)]), config).await;
    let result = tokio::time::timeout(PATIENCE, server.handle)
        .await
        .unwrap()
        .unwrap();
    assert!(
        matches!(result, Err(ServeError::ReadTls { .. })),
        "{result:?}"
    );
}

/// Whether this host has the IPv6 loopback (some containers have none).
fn has_ipv6_loopback() -> bool {
    std::net::TcpListener::bind((std::net::Ipv6Addr::LOCALHOST, 0)).is_ok()
}

#[tokio::test]
async fn the_default_address_serves_ipv4_and_ipv6_clients() {
    // The default's host part with an ephemeral port, bound the way `serve` binds it.
    let mut any = machinery::config::DEFAULT_LISTEN;
    assert!(any.is_ipv6() && any.ip().is_unspecified(), "the default is [::]: {any}");
    any.set_port(0);
    let listener = machinery::listen::bind(any).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = Running::start_on(listener, FakeBackend::new(&[("fake-job", 0)]), ServerConfig::default()).await;
    let mut clients = vec![format!("http://127.0.0.1:{port}")];
    if has_ipv6_loopback() {
        clients.push(format!("http://[::1]:{port}"));
    }
    for uri in clients {
        let channel = Endpoint::from_shared(uri.clone()).unwrap().connect().await.unwrap_or_else(|e| panic!("{uri}: {e}"));
        let response = HealthClient::new(channel)
            .check(HealthCheckRequest { service: String::new() })
            .await
            .unwrap_or_else(|status| panic!("health check over {uri}: {status}"));
        assert_eq!(response.into_inner().status, ServingStatus::Serving as i32, "{uri}");
    }
    server.stop().await.unwrap();
}

/// Calls `path` with the encoding of `message`, whatever type the method expects.
async fn call_raw<M: prost::Message + Default + Send + 'static>(addr: SocketAddr, path: &'static str, message: M) -> Status {
    let channel = Endpoint::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    let mut grpc = tonic::client::Grpc::new(channel);
    grpc.ready().await.unwrap();
    let codec = tonic_prost::ProstCodec::<M, admin::CreateTaskResponse>::default();
    grpc.unary(tonic::Request::new(message), path.parse().unwrap(), codec).await.unwrap_err()
}

#[tokio::test]
async fn callers_mistakes_get_callers_codes_and_short_messages() {
    let config = ServerConfig { max_message_bytes: 1024, ..ServerConfig::default() };
    let server = Running::start(FakeBackend::new(&[("fake-job", 0)]), config).await;
    // Not a CreateTaskRequest: field 1 (`inputs`, a message) as a number. The wire check names it.
    let wrong = core::Identifier { resource_type: 1, ..Default::default() };
    let e = call_raw(server.addr, "/flyteidl.service.AsyncAgentService/CreateTask", wrong.clone()).await;
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().starts_with("inputs: not a valid protobuf message"), "{}", e.message());
    // GetTask is decoded by tonic alone: its decode error (INTERNAL there) is INVALID_ARGUMENT too.
    let e = call_raw(server.addr, "/flyteidl.service.AsyncAgentService/GetTask", admin::CreateTaskResponse { resource_meta: vec![0xff; 3] }).await;
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    // Over the size limit is RESOURCE_EXHAUSTED, on every method.
    let big = admin::GetTaskRequest { resource_meta: vec![b'x'; 4096], ..Default::default() };
    let e = call_raw(server.addr, "/flyteidl.service.AsyncAgentService/GetTask", big).await;
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    let e = server.agent_client().await.create_task(create_request("fake-job", &"x".repeat(4096))).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    assert!(e.message().contains("server.maxMessageBytes"), "{}", e.message());
    assert!(server.backend.created.lock().unwrap().is_empty() && server.backend.polled.lock().unwrap().is_empty());
}

/// A backend that fails with a message holding a huge echo.
struct Echoing(Vec<TaskTypeInfo>);

#[tonic::async_trait]
impl Backend for Echoing {
    fn agent_name(&self) -> &str {
        "echo"
    }
    fn task_types(&self) -> &[TaskTypeInfo] {
        &self.0
    }
    async fn create_task(&self, _: admin::CreateTaskRequest) -> Result<admin::CreateTaskResponse, Status> {
        Err(Status::invalid_argument(format!("field: {}", "v".repeat(100_000))))
    }
    async fn get_task(&self, _: admin::GetTaskRequest) -> Result<admin::GetTaskResponse, Status> {
        Err(Status::not_found("gone"))
    }
    async fn delete_task(&self, _: admin::DeleteTaskRequest) -> Result<admin::DeleteTaskResponse, Status> {
        Ok(admin::DeleteTaskResponse {})
    }
}

#[tokio::test]
async fn error_messages_are_capped_so_the_client_sees_the_real_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(machinery::serve_on(listener, Arc::new(Echoing(vec![TaskTypeInfo { name: "echo-job".into(), version: 0 }])), ServerConfig::default(), std::future::pending()));
    let channel = Endpoint::from_shared(format!("http://{addr}")).unwrap().connect().await.unwrap();
    let e = AsyncAgentServiceClient::new(channel).create_task(admin::CreateTaskRequest::default()).await.unwrap_err();
    assert_eq!(e.code(), Code::InvalidArgument, "{e:?}");
    assert!(e.message().starts_with("field: vvv") && e.message().ends_with('…'), "{:.40}", e.message());
    assert!(e.message().len() < 1100, "{} bytes", e.message().len());
}

/// A throwaway PKI made with the openssl CLI: a CA, a server certificate for `localhost` and
/// 127.0.0.1, a client certificate it signed, and a client certificate of another CA.
struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let pki = Self { dir };
        pki.ca("ca");
        pki.ca("rogue-ca");
        pki.leaf("server", "ca", "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth");
        pki.leaf("client", "ca", "extendedKeyUsage=clientAuth");
        pki.leaf("rogue-client", "rogue-ca", "extendedKeyUsage=clientAuth");
        pki
    }

    fn openssl(&self, args: &[&str]) {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("the openssl CLI runs");
        assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn ca(&self, name: &str) {
        let (key, cert, subject) = (format!("{name}.key"), format!("{name}.pem"), format!("/CN={name}"));
        self.openssl(&[
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", &key,
            "-out", &cert, "-days", "2", "-subj", &subject, "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign",
        ]);
    }

    fn leaf(&self, name: &str, ca: &str, extensions: &str) {
        let (key, csr, cert, ext) = (format!("{name}.key"), format!("{name}.csr"), format!("{name}.pem"), format!("{name}.ext"));
        std::fs::write(self.dir.path().join(&ext), format!("basicConstraints=CA:FALSE\n{extensions}\n")).unwrap();
        let subject = format!("/CN={name}");
        self.openssl(&["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", &key, "-out", &csr, "-subj", &subject]);
        let (ca_cert, ca_key) = (format!("{ca}.pem"), format!("{ca}.key"));
        self.openssl(&[
            "x509", "-req", "-in", &csr, "-CA", &ca_cert, "-CAkey", &ca_key, "-CAcreateserial", "-out", &cert, "-days", "2",
            "-extfile", &ext,
        ]);
    }

    fn path(&self, file: &str) -> std::path::PathBuf {
        self.dir.path().join(file)
    }

    fn read(&self, file: &str) -> Vec<u8> {
        std::fs::read(self.path(file)).unwrap()
    }

    fn server_tls(&self, client_ca: bool) -> TlsConfig {
        TlsConfig {
            cert_path: self.path("server.pem"),
            key_path: self.path("server.key"),
            client_ca_path: client_ca.then(|| self.path("ca.pem")),
        }
    }

    /// A client that trusts the server's CA and presents `identity` (a name of this PKI).
    fn client_tls(&self, identity: Option<&str>) -> tonic::transport::ClientTlsConfig {
        let config = tonic::transport::ClientTlsConfig::new()
            .ca_certificate(tonic::transport::Certificate::from_pem(self.read("ca.pem")))
            .domain_name("localhost");
        match identity {
            Some(name) => config.identity(tonic::transport::Identity::from_pem(
                self.read(&format!("{name}.pem")),
                self.read(&format!("{name}.key")),
            )),
            None => config,
        }
    }
}

/// One CreateTask over TLS as `identity`; the error, if the server refused the caller.
async fn create_over_tls(server: &Running, pki: &Pki, identity: Option<&str>) -> Result<(), String> {
    let endpoint = Endpoint::from_shared(format!("https://{}", server.addr))
        .unwrap()
        .tls_config(pki.client_tls(identity))
        .unwrap();
    // Under TLS 1.3 the client may finish its side of the handshake before the server has
    // checked the client's certificate, so a refusal can surface at connect or at the first call.
    let channel = endpoint.connect().await.map_err(|e| format!("connect: {e:?}"))?;
    AsyncAgentServiceClient::new(channel)
        .create_task(create_request("fake-job", "s3://bucket/out"))
        .await
        .map(|_| ())
        .map_err(|status| format!("call: {status}"))
}

#[tokio::test]
async fn mutual_tls_admits_only_clients_with_a_certificate_of_the_client_ca() {
    let pki = Pki::new();
    let config = ServerConfig { tls: Some(pki.server_tls(true)), ..ServerConfig::default() };
    let server = Running::start(FakeBackend::new(&[("fake-job", 0)]), config).await;

    let anonymous = create_over_tls(&server, &pki, None).await;
    assert!(anonymous.is_err(), "a client without a certificate got through");
    let rogue = create_over_tls(&server, &pki, Some("rogue-client")).await;
    assert!(rogue.is_err(), "a certificate of another CA got through");
    assert!(server.backend.created.lock().unwrap().is_empty(), "a refused caller reached the backend");

    create_over_tls(&server, &pki, Some("client")).await.expect("a certificate the client CA signed is accepted");
    assert_eq!(server.backend.created.lock().unwrap().len(), 1);
    server.stop().await.unwrap();
}

#[tokio::test]
async fn tls_without_a_client_ca_admits_clients_without_a_certificate() {
    // The contrast to the test above: the refusals there come from the client CA, not from TLS.
    let pki = Pki::new();
    let config = ServerConfig { tls: Some(pki.server_tls(false)), ..ServerConfig::default() };
    let server = Running::start(FakeBackend::new(&[("fake-job", 0)]), config).await;
    create_over_tls(&server, &pki, None).await.expect("plain TLS needs no client certificate");
    server.stop().await.unwrap();
}

#[tokio::test]
async fn create_task_bodies_beyond_the_buffered_budget_are_refused_at_once() {
    let limits = machinery::limits::Limits { max_buffered_bytes: 2048, ..Default::default() };
    let server = Running::start(FakeBackend::new(&[("fake-job", 0)]), ServerConfig { limits, ..ServerConfig::default() }).await;
    let mut client = server.agent_client().await;
    let e = client.create_task(create_request("fake-job", &"x".repeat(4096))).await.unwrap_err();
    assert_eq!(e.code(), Code::ResourceExhausted, "{e:?}");
    assert!(e.message().contains("limits.maxBufferedBytes"), "{}", e.message());
    client.create_task(create_request("fake-job", "s3://small")).await.expect("a small one fits");
    assert_eq!(server.backend.created.lock().unwrap().len(), 1);
}
