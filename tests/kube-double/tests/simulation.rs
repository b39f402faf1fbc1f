//! The simulated controllers, watched through kube-rs the way a backend sees them: the status
//! sequence of every scenario for both controller families and both job kinds, finalizers,
//! stop-then-release on deletion, the operator's trial TrainingJobs, pausing, and the control
//! endpoints of the double.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use kube::api::{Api, ApiResource, DeleteParams, DynamicObject, PostParams, WatchEvent, WatchParams};
use kube::core::GroupVersionKind;
use kube_test_double::{Flavor, KubeTestDouble, Scenario, SimulatedController};
use serde_json::{Value, json};

const NS: &str = "flyte";
const ROLE: &str = "arn:aws:iam::123456789012:role/sagemaker";
const STEP: Duration = Duration::from_millis(3);

fn crds_dir() -> PathBuf {
    let shared = std::env::var_os("SHARED_DIR").map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"), PathBuf::from);
    shared.join("crds")
}

async fn start(flavor: Flavor) -> (KubeTestDouble, SimulatedController, kube::Client) {
    let double = KubeTestDouble::start([crds_dir()]).await.expect("the test double starts");
    let controller = double.simulate(flavor, STEP).expect("the CRDs are loaded");
    let mut config = kube::Config::new(double.url().parse().unwrap());
    config.default_retry = false;
    (double, controller, kube::Client::try_from(config).unwrap())
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Training,
    Tuning,
}

fn api(client: &kube::Client, flavor: Flavor, kind: Kind) -> Api<DynamicObject> {
    let (version, k, plural) = match (flavor, kind) {
        (Flavor::Ack, Kind::Training) => ("v1alpha1", "TrainingJob", "trainingjobs"),
        (Flavor::Ack, Kind::Tuning) => ("v1alpha1", "HyperParameterTuningJob", "hyperparametertuningjobs"),
        (Flavor::Operator, Kind::Training) => ("v1", "TrainingJob", "trainingjobs"),
        (Flavor::Operator, Kind::Tuning) => ("v1", "HyperparameterTuningJob", "hyperparametertuningjobs"),
    };
    let ar = ApiResource::from_gvk_with_plural(&GroupVersionKind::gvk(flavor.group(), version, k), plural);
    Api::namespaced_with(client.clone(), NS, &ar)
}

fn tags(scenario: Scenario) -> Value {
    json!([{"key": "team", "value": "ml"}, {"key": "simulate", "value": scenario.as_str()}])
}

/// A job of each flavor and kind, valid against the real CRDs.
fn job(flavor: Flavor, kind: Kind, name: &str, scenario: Scenario) -> Value {
    let (api_version, kind_name) = match flavor {
        Flavor::Ack => ("sagemaker.services.k8s.aws/v1alpha1", if kind == Kind::Training { "TrainingJob" } else { "HyperParameterTuningJob" }),
        Flavor::Operator => ("sagemaker.aws.amazon.com/v1", if kind == Kind::Training { "TrainingJob" } else { "HyperparameterTuningJob" }),
    };
    let resources = json!({"instanceCount": 1, "instanceType": "ml.m5.large", "volumeSizeInGB": 10});
    let algorithm = json!({"trainingImage": "111122223333.dkr.ecr.us-east-1.amazonaws.com/xgboost:1", "trainingInputMode": "File"});
    let spec = match (flavor, kind) {
        (Flavor::Ack, Kind::Training) => json!({
            "trainingJobName": name, "roleARN": ROLE, "algorithmSpecification": algorithm,
            "outputDataConfig": {"s3OutputPath": "s3://bucket/out/"}, "resourceConfig": resources,
            "stoppingCondition": {"maxRuntimeInSeconds": 3600}, "tags": tags(scenario),
        }),
        (Flavor::Operator, Kind::Training) => json!({
            "trainingJobName": name, "region": "eu-west-1", "roleArn": ROLE, "algorithmSpecification": algorithm,
            "outputDataConfig": {"s3OutputPath": "s3://bucket/out"}, "resourceConfig": resources,
            "stoppingCondition": {"maxRuntimeInSeconds": 3600}, "tags": tags(scenario),
        }),
        (Flavor::Ack, Kind::Tuning) => json!({
            "hyperParameterTuningJobName": name,
            "hyperParameterTuningJobConfig": {
                "strategy": "Bayesian",
                "hyperParameterTuningJobObjective": {"metricName": "validation:error", "type_": "Minimize"},
                "resourceLimits": {"maxNumberOfTrainingJobs": 4, "maxParallelTrainingJobs": 2},
                "parameterRanges": {"integerParameterRanges": [{"name": "max_depth", "minValue": "3", "maxValue": "10"}]},
            },
            "trainingJobDefinition": {
                "algorithmSpecification": algorithm, "roleARN": ROLE, "resourceConfig": resources,
                "outputDataConfig": {"s3OutputPath": "s3://bucket/tune"}, "stoppingCondition": {"maxRuntimeInSeconds": 3600},
                "staticHyperParameters": {"objective": "binary:logistic"},
            },
            "tags": tags(scenario),
        }),
        (Flavor::Operator, Kind::Tuning) => json!({
            "hyperParameterTuningJobName": name, "region": "us-east-1",
            "hyperParameterTuningJobConfig": {
                "strategy": "Bayesian",
                "hyperParameterTuningJobObjective": {"metricName": "validation:error", "type": "Minimize"},
                "resourceLimits": {"maxNumberOfTrainingJobs": 4, "maxParallelTrainingJobs": 2},
                "parameterRanges": {"continuousParameterRanges": [{"name": "eta", "minValue": "0.1", "maxValue": "0.5", "scalingType": "Linear"}]},
            },
            "trainingJobDefinition": {
                "algorithmSpecification": algorithm, "roleArn": ROLE, "resourceConfig": resources,
                "outputDataConfig": {"s3OutputPath": "s3://bucket/tune/"}, "stoppingCondition": {"maxRuntimeInSeconds": 3600},
                "staticHyperParameters": [{"name": "objective", "value": "binary:logistic"}],
            },
            "tags": tags(scenario),
        }),
    };
    json!({"apiVersion": api_version, "kind": kind_name, "metadata": {"name": name, "namespace": NS}, "spec": spec})
}

async fn next<S: Stream<Item = kube::Result<WatchEvent<DynamicObject>>> + Unpin>(stream: &mut S) -> WatchEvent<DynamicObject> {
    tokio::time::timeout(Duration::from_secs(5), stream.next()).await.expect("a watch event within 5 s").expect("open").expect("decodable")
}

fn primary(status: &Value) -> String {
    status["trainingJobStatus"].as_str().or(status["hyperParameterTuningJobStatus"].as_str()).unwrap_or_default().to_string()
}

fn condition_on(status: &Value, kind: &str) -> bool {
    status["conditions"].as_array().into_iter().flatten().any(|c| c["type"] == kind && c["status"] == "True")
}

/// Creates the job and collects every status it goes through until `done` says it is over.
async fn run(double: &KubeTestDouble, api: &Api<DynamicObject>, body: Value, done: impl Fn(&Value) -> bool) -> (Vec<Value>, DynamicObject) {
    let name = body["metadata"]["name"].as_str().unwrap().to_string();
    let mut events = api.watch(&WatchParams::default().fields(&format!("metadata.name={name}")).timeout(20).disable_bookmarks(), "0").await.unwrap().boxed();
    api.create(&PostParams::default(), &serde_json::from_value(body).unwrap()).await.unwrap();
    let mut statuses: Vec<Value> = Vec::new();
    loop {
        let event = tokio::time::timeout(Duration::from_secs(5), events.next()).await;
        let event = event.unwrap_or_else(|_| panic!("no progress within 5 s after {statuses:?}; simulation errors: {:?}", double.simulation_errors()));
        if let WatchEvent::Added(o) | WatchEvent::Modified(o) = event.expect("open").expect("decodable") {
            let status = o.data["status"].clone();
            if !status.is_null() && statuses.last() != Some(&status) {
                statuses.push(status.clone());
            }
            if !status.is_null() && done(&status) {
                return (statuses, o);
            }
        }
    }
}

fn final_status(status: &Value) -> bool {
    matches!(primary(status).as_str(), "Completed" | "Failed" | "Stopped") || condition_on(status, "ACK.Terminal")
}

/// `(primary, secondary)` steps without repeats.
fn steps(statuses: &[Value]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in statuses {
        let step = match s["secondaryStatus"].as_str() {
            Some(secondary) => format!("{}/{secondary}", primary(s)),
            None => primary(s),
        };
        if out.last() != Some(&step) {
            out.push(step);
        }
    }
    out
}

#[tokio::test]
async fn ack_training_scenarios() {
    let (double, _controller, client) = start(Flavor::Ack).await;
    let api = api(&client, Flavor::Ack, Kind::Training);
    for scenario in Scenario::ALL {
        let name = format!("ack-train-{}", scenario.as_str());
        let (statuses, object) = run(&double, &api, job(Flavor::Ack, Kind::Training, &name, scenario), final_status).await;
        assert_eq!(object.metadata.finalizers.as_deref(), Some(&["finalizers.sagemaker.services.k8s.aws/TrainingJob".to_string()][..]));
        let last = statuses.last().unwrap();
        let steps = steps(&statuses);
        match scenario {
            Scenario::Succeed | Scenario::ReconcileThenSucceed => {
                assert_eq!(&steps[steps.len() - 5..], ["InProgress/Starting", "InProgress/Downloading", "InProgress/Training", "InProgress/Uploading", "Completed/Completed"]);
                assert_eq!(steps.last().unwrap(), "Completed/Completed");
                assert!(steps.contains(&"InProgress/Training".to_string()), "{steps:?}");
                assert_eq!(last["modelArtifacts"]["s3ModelArtifacts"], format!("s3://bucket/out/{name}/output/model.tar.gz"));
                assert!(condition_on(last, "ACK.ResourceSynced"));
                assert_eq!(last["ackResourceMetadata"]["arn"], format!("arn:aws:sagemaker:us-east-1:111122223333:training-job/{name}"));
                if scenario == Scenario::ReconcileThenSucceed {
                    assert!(condition_on(&statuses[0], "ACK.Recoverable") && statuses[0]["trainingJobStatus"].is_null(), "{:?}", statuses[0]);
                    assert!(!condition_on(last, "ACK.Recoverable"));
                }
            }
            Scenario::Fail => {
                assert_eq!(steps.last().unwrap(), "Failed/Failed");
                assert!(last["failureReason"].as_str().unwrap().starts_with("AlgorithmError: "));
            }
            Scenario::Stop => assert_eq!(&steps[steps.len() - 2..], ["Stopping/Stopping", "Stopped/Stopped"]),
            Scenario::Timeout => assert_eq!(&steps[steps.len() - 2..], ["Stopping/Stopping", "Stopped/MaxRuntimeExceeded"]),
            Scenario::Terminal => {
                assert_eq!(statuses.len(), 1);
                assert!(condition_on(last, "ACK.Terminal") && last["trainingJobStatus"].is_null());
            }
        }
        if scenario != Scenario::Terminal && scenario != Scenario::ReconcileThenSucceed {
            assert_eq!(steps[0], "InProgress/Starting", "{steps:?}");
            assert!(!condition_on(&statuses[0], "ACK.ResourceSynced"), "not synced while running");
        }
    }
    assert_eq!(double.simulation_errors(), Vec::<String>::new());
}

#[tokio::test]
async fn operator_training_scenarios() {
    let (double, _controller, client) = start(Flavor::Operator).await;
    let api = api(&client, Flavor::Operator, Kind::Training);
    for scenario in Scenario::ALL {
        let name = format!("op-train-{}", scenario.as_str());
        let (statuses, object) = run(&double, &api, job(Flavor::Operator, Kind::Training, &name, scenario), final_status).await;
        assert_eq!(object.metadata.finalizers.as_deref(), Some(&["sagemaker-operator-finalizer".to_string()][..]));
        let steps = steps(&statuses);
        let last = statuses.last().unwrap();
        assert_eq!(steps[0], "SynchronizingK8sJobWithSageMaker", "{steps:?}");
        assert!(statuses.iter().all(|s| s["lastCheckTime"].is_string()));
        match scenario {
            Scenario::Succeed | Scenario::ReconcileThenSucceed => {
                assert_eq!(steps.last().unwrap(), "Completed/Completed");
                assert!(steps.contains(&"InProgress/Starting".to_string()) && steps.contains(&"InProgress/Uploading".to_string()), "{steps:?}");
                assert_eq!(last["sageMakerTrainingJobName"], name.as_str());
                // The operator's own concatenation, without a separator.
                assert_eq!(last["modelPath"], format!("s3://bucket/out{name}/output/model.tar.gz"));
                assert!(last["cloudWatchLogUrl"].as_str().unwrap().contains(&format!("region=eu-west-1#logStream:group=/aws/sagemaker/TrainingJobs;prefix={name}")));
                if scenario == Scenario::ReconcileThenSucceed {
                    assert_eq!(steps[1], "ReconcilingTrainingJob");
                    assert!(statuses[1]["additional"].as_str().unwrap().contains("ThrottlingException"));
                }
            }
            Scenario::Fail => {
                assert_eq!(steps.last().unwrap(), "Failed/Failed");
                assert!(last["additional"].as_str().unwrap().starts_with("AlgorithmError: "));
            }
            // The operator clears the secondary status while stopping.
            Scenario::Stop => assert_eq!(&steps[steps.len() - 2..], ["Stopping", "Stopped/Stopped"]),
            Scenario::Timeout => assert_eq!(&steps[steps.len() - 2..], ["Stopping", "Stopped/MaxRuntimeExceeded"]),
            Scenario::Terminal => {
                assert_eq!(steps, ["SynchronizingK8sJobWithSageMaker", "Failed"]);
                assert!(last["additional"].as_str().unwrap().starts_with("Unable to initialize operator"));
            }
        }
    }
    assert_eq!(double.simulation_errors(), Vec::<String>::new());
}

#[tokio::test]
async fn ack_tuning_reports_the_best_training_job_with_a_numeric_objective() {
    let (double, _controller, client) = start(Flavor::Ack).await;
    let api = api(&client, Flavor::Ack, Kind::Tuning);
    let (statuses, _) = run(&double, &api, job(Flavor::Ack, Kind::Tuning, "ack-tune", Scenario::Succeed), final_status).await;
    assert_eq!(steps(&statuses), ["InProgress", "Completed"]);
    let best = &statuses.last().unwrap()["bestTrainingJob"];
    assert!(best["trainingJobName"].as_str().unwrap().starts_with("ack-tune-002-"), "{best}");
    assert_eq!(best["finalHyperParameterTuningJobObjectiveMetric"], json!({"metricName": "validation:error", "type_": "Minimize", "value": 0.0421}));
    assert_eq!(best["tunedHyperParameters"], json!({"max_depth": "3"}));
    assert!(statuses.iter().any(|s| s["bestTrainingJob"]["finalHyperParameterTuningJobObjectiveMetric"]["value"] == json!(0.1375)), "an interim best while searching");

    let (statuses, _) = run(&double, &api, job(Flavor::Ack, Kind::Tuning, "ack-tune-fail", Scenario::Fail), final_status).await;
    assert!(statuses.last().unwrap()["failureReason"].as_str().unwrap().starts_with("No training job succeeded"));
    // ACK creates no trial objects.
    assert!(double.objects().iter().all(|o| o["kind"] == "HyperParameterTuningJob"));
    assert_eq!(double.simulation_errors(), Vec::<String>::new());
}

#[tokio::test]
async fn operator_tuning_creates_trial_training_jobs_and_reports_a_string_objective() {
    let (double, _controller, client) = start(Flavor::Operator).await;
    let tuning = api(&client, Flavor::Operator, Kind::Tuning);
    let trainings = api(&client, Flavor::Operator, Kind::Training);
    let (statuses, _) = run(&double, &tuning, job(Flavor::Operator, Kind::Tuning, "op-tune", Scenario::Succeed), final_status).await;
    assert_eq!(steps(&statuses), ["SynchronizingK8sJobWithSageMaker", "InProgress", "Completed"]);
    let last = statuses.last().unwrap();
    assert_eq!(last["bestTrainingJob"]["finalHyperParameterTuningJobObjectiveMetric"], json!({"metricName": "validation:error", "type": "Minimize", "value": "0.0421"}));
    assert_eq!(last["trainingJobStatusCounters"]["completed"], 3);
    let best = last["bestTrainingJob"]["trainingJobName"].as_str().unwrap().to_string();

    let trials = trainings.list(&Default::default()).await.unwrap().items;
    assert_eq!(trials.len(), 3, "one TrainingJob per trial (3 of the limit 4)");
    for trial in &trials {
        let name = trial.metadata.name.clone().unwrap();
        assert!(name.starts_with("op-tune-00"), "{name}");
        assert_eq!(trial.metadata.finalizers.as_deref(), Some(&["sagemaker-operator-hpo-trainingjob".to_string()][..]));
        assert_eq!(trial.data["spec"]["region"], "us-east-1");
        assert_eq!(trial.data["spec"]["hyperParameters"], json!([{"name": "objective", "value": "binary:logistic"}, {"name": "eta", "value": "0.1"}]));
        assert_eq!(trial.data["status"]["trainingJobStatus"], "Completed");
        assert_eq!(trial.data["status"]["modelPath"], format!("s3://bucket/tune/{name}/output/model.tar.gz"));
    }
    assert!(trials.iter().any(|t| t.metadata.name.as_deref() == Some(best.as_str())));

    // Deleting the tuning job takes its trials along.
    tuning.delete("op-tune", &DeleteParams::default()).await.unwrap();
    wait_until(|| double.objects().is_empty()).await;
    assert_eq!(double.simulation_errors(), Vec::<String>::new());
}

async fn wait_until(f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !f() {
        assert!(tokio::time::Instant::now() < deadline, "condition not reached within 5 s");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn deleting_a_running_job_stops_it_then_releases_the_finalizer() {
    for flavor in [Flavor::Ack, Flavor::Operator] {
        for kind in [Kind::Training, Kind::Tuning] {
            let (double, _controller, client) = start(flavor).await;
            let api = api(&client, flavor, kind);
            let running = |s: &Value| primary(s) == "InProgress";
            let (_, _) = run(&double, &api, job(flavor, kind, "doomed", Scenario::Succeed), running).await;
            // Held while the watch starts and the delete lands, so every event seen is deletion.
            double.pause_simulation(true);
            let mut events = api.watch(&WatchParams::default().timeout(20).disable_bookmarks(), &double.resource_version().to_string()).await.unwrap().boxed();
            api.delete("doomed", &DeleteParams::default()).await.unwrap();
            double.pause_simulation(false);
            let mut seen = Vec::new();
            loop {
                match next(&mut events).await {
                    WatchEvent::Modified(o) => {
                        assert!(o.metadata.deletion_timestamp.is_some());
                        let p = primary(&o.data["status"]);
                        if seen.last() != Some(&p) {
                            seen.push(p);
                        }
                    }
                    WatchEvent::Deleted(_) => break,
                    _ => {}
                }
            }
            assert_eq!(seen[seen.len() - 2..], ["Stopping", "Stopped"], "{} {seen:?}", flavor.as_str());
            assert!(double.objects().is_empty(), "{:?}", double.objects());
            assert_eq!(double.simulation_errors(), Vec::<String>::new());
        }
    }
}

#[tokio::test]
async fn a_paused_or_unreachable_controller_holds_still() {
    let (double, _controller, client) = start(Flavor::Ack).await;
    let api = api(&client, Flavor::Ack, Kind::Training);
    double.pause_simulation(true);
    api.create(&PostParams::default(), &serde_json::from_value(job(Flavor::Ack, Kind::Training, "held", Scenario::Succeed)).unwrap()).await.unwrap();
    tokio::time::sleep(STEP * 20).await;
    assert!(double.object("sagemaker.services.k8s.aws", "trainingjobs", NS, "held").unwrap()["status"].is_null());
    double.pause_simulation(false);
    wait_until(|| !double.object("sagemaker.services.k8s.aws", "trainingjobs", NS, "held").unwrap()["status"].is_null()).await;
    double.set_unavailable(true);
    let during = double.object("sagemaker.services.k8s.aws", "trainingjobs", NS, "held").unwrap()["metadata"]["resourceVersion"].clone();
    tokio::time::sleep(STEP * 20).await;
    assert_eq!(double.object("sagemaker.services.k8s.aws", "trainingjobs", NS, "held").unwrap()["metadata"]["resourceVersion"], during);
    double.set_unavailable(false);
    wait_until(|| double.object("sagemaker.services.k8s.aws", "trainingjobs", NS, "held").unwrap()["status"]["trainingJobStatus"] == "Completed").await;
}

#[tokio::test]
async fn an_unknown_scenario_is_reported_and_runs_as_succeed() {
    let (double, _controller, client) = start(Flavor::Ack).await;
    let api = api(&client, Flavor::Ack, Kind::Training);
    let mut body = job(Flavor::Ack, Kind::Training, "typo", Scenario::Succeed);
    body["spec"]["tags"] = json!([{"key": "simulate", "value": "explode"}]);
    let (statuses, _) = run(&double, &api, body, final_status).await;
    assert_eq!(primary(statuses.last().unwrap()), "Completed");
    let errors = double.simulation_errors();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].contains("typo") && errors[0].contains("explode"), "{errors:?}");
}

#[test]
fn a_controller_needs_its_crds() {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let double = KubeTestDouble::start([crds_dir().join("ack")]).await.unwrap();
        let error = double.simulate(Flavor::Operator, STEP).err().expect("no operator CRDs");
        assert!(error.to_string().contains("trainingjobs.sagemaker.aws.amazon.com"), "{error}");
    });
}

/// One HTTP/1.1 request to the double; returns the status code and the body.
async fn http(double: &KubeTestDouble, method: &str, path: &str, body: &str) -> (u16, Value) {
    let (addr, request) = (double.addr(), format!("{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    // Blocking std I/O on a blocking thread: the crate's tokio has no io-util feature.
    let response = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    })
    .await
    .unwrap();
    let code = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or_default();
    (code, serde_json::from_str(body).unwrap_or(Value::Null))
}

#[tokio::test]
async fn control_endpoints_switch_the_outage_count_requests_and_pause_the_simulation() {
    let (double, _controller, client) = start(Flavor::Ack).await;
    let api = api(&client, Flavor::Ack, Kind::Training);
    assert!(api.get_opt("none").await.unwrap().is_none());

    let (code, counts) = http(&double, "GET", "/test-double/requests", "").await;
    assert_eq!(code, 200);
    assert_eq!(counts["total"], 1, "control requests are not counted: {counts}");
    assert_eq!(counts["requests"], json!([{"verb": "get", "path": "object", "count": 1}]));

    assert_eq!(http(&double, "POST", "/test-double/unavailable", "true").await, (200, json!({"unavailable": true})));
    let error = api.get_opt("none").await.unwrap_err();
    assert!(matches!(error, kube::Error::Api(ref s) if s.code == 503), "{error}");
    assert_eq!(http(&double, "GET", "/test-double/unavailable", "").await, (200, json!({"unavailable": true})), "control works during the outage");
    assert_eq!(http(&double, "POST", "/test-double/unavailable", "false\n").await.0, 200);
    assert!(api.get_opt("none").await.unwrap().is_none());
    assert_eq!(http(&double, "POST", "/test-double/unavailable", "maybe").await.0, 400);

    assert_eq!(http(&double, "POST", "/test-double/simulation/paused", "true").await.0, 200);
    assert_eq!(http(&double, "GET", "/test-double/simulation", "").await, (200, json!({"paused": true, "errors": []})));
}
