//! The deploy bundle: per plugin a kustomize base, one overlay per target, the propeller
//! configuration that routes the plugin's task types to the backend, and the backend's Dockerfile.
//!
//! Kubernetes objects are built as JSON values and serialized with serde_norway, which quotes every
//! string that YAML would read as another type; files with prose or comments come from askama
//! templates under `templates/kustomize/`. Every name, group, plural and URL comes from the model.

use askama::Template;
use serde_json::{Value, json};

use crate::model::{ContextSource, Plugin, Target};
use crate::write::GeneratedFile;

/// What machinery's agent does with the plugin's custom resources, and so all the backend's RBAC:
/// `create` (CreateTask), `get` (read back an object that already exists), `list` + `watch` (the
/// watch cache that answers GetTask and drives garbage collection), `patch` (annotations that
/// record when a result was reported and since when outputs are awaited), `delete` (DeleteTask,
/// clean-up after a failed CreateTask, and garbage collection of finished objects).
pub const VERBS: [&str; 6] = ["create", "get", "list", "watch", "patch", "delete"];

/// Flyte's own namespace, where the flyte charts run propeller.
const NAMESPACE: &str = "flyte";
/// The port Flyte's connector chart, its probes and its Service use (machinery's default listen).
const GRPC_PORT: u16 = 8000;
/// machinery's default metrics address.
const METRICS_PORT: u16 = 9090;
/// The `nonroot` user of distroless images; numeric, so `runAsNonRoot` can be verified.
const UID: u32 = 65532;
const REPLICAS: u32 = 2;
/// How long a terminating pod keeps serving before SIGTERM.
const PRE_STOP_SECONDS: u32 = 5;
/// Pre-stop delay + machinery's CreateTask budget (7 s) + margin.
const TERMINATION_GRACE_SECONDS: u32 = 30;
/// machinery's default, written out so operators see the knob.
const GC_TTL_SECONDS: u32 = 3600;
/// The labels the flyte-core chart gives propeller's pods (its `flytepropeller.selectorLabels`
/// without the release-specific `app.kubernetes.io/instance`); propeller runs in [`NAMESPACE`].
/// The NetworkPolicy admits these pods to the gRPC port; the README shows the patch for others.
const PROPELLER_POD_LABELS: [(&str, &str); 1] = [("app.kubernetes.io/name", "flytepropeller")];
/// Where the metrics scraper runs: the namespace (by its immutable `kubernetes.io/metadata.name`
/// label) and the pods' labels of a kube-prometheus-stack install.
const MONITORING_NAMESPACE: &str = "monitoring";
const MONITORING_POD_LABELS: [(&str, &str); 1] = [("app.kubernetes.io/name", "prometheus")];
/// The namespaces the `namespaced/` component binds as an example: Flyte's default project
/// (`flytesnacks`) in its three default domains, under the default `{{ project }}-{{ domain }}`
/// namespace mapping.
const EXAMPLE_NAMESPACES: [&str; 3] = ["flytesnacks-development", "flytesnacks-staging", "flytesnacks-production"];
/// A placeholder: the README says to set your own.
const REGION_PLACEHOLDER: &str = "us-east-1";
/// The Rust toolchain the workspace builds with (edition 2024), on the Debian release of the
/// runtime image, so the binary's glibc matches.
const BUILDER_IMAGE: &str = "rust:1.95-bookworm";
const RUNTIME_IMAGE: &str = "gcr.io/distroless/cc-debian12:nonroot";
/// The image tag the base sets; users override the whole reference with kustomize `images:`.
const IMAGE_TAG: &str = "latest";
/// The ConfigMap the flyte-core chart gives propeller.
const PROPELLER_CONFIG_MAP: &str = "flyte-propeller-config";
/// The flyte charts' default task plugins, kept because a list in a later propeller config file
/// replaces the earlier one.
const DEFAULT_TASK_PLUGINS: [&str; 3] = ["container", "sidecar", "k8s-array"];
const CONNECTOR_PLUGIN: &str = "connector-service";

/// Every name the bundle uses, derived once from the plugin name.
struct Names {
    plugin: String,
    /// The backend binary, its Cargo package and its image.
    binary: String,
    /// ServiceAccount, Deployment, Service, PodDisruptionBudget and propeller connector id.
    agent: String,
    /// ClusterRole and ClusterRoleBinding, prefixed because they share one cluster-wide namespace.
    cluster: String,
    config_map: String,
    config_dir: String,
    /// The Secret holding the keys that sign `resource_meta` (created by the operator, never
    /// part of the bundle), and where it is mounted.
    key_secret: String,
    key_dir: String,
    dockerfile: String,
    endpoint: String,
    /// The file the propeller patch adds; `zz-` sorts it after the charts' files.
    propeller_data_key: String,
}

impl Names {
    fn new(plugin: &Plugin) -> Self {
        let name = &plugin.name;
        let agent = format!("{name}-agent");
        Self {
            plugin: name.clone(),
            binary: format!("{name}-plugin"),
            cluster: format!("flyte-{agent}"),
            config_map: format!("{agent}-config"),
            config_dir: format!("/etc/{name}-plugin"),
            key_secret: format!("{agent}-resource-meta-key"),
            key_dir: format!("/var/run/secrets/{name}-plugin/resource-meta"),
            dockerfile: format!("generated/rust/{name}/Dockerfile"),
            endpoint: format!("dns:///{agent}.{NAMESPACE}.svc.cluster.local:{GRPC_PORT}"),
            propeller_data_key: format!("zz-{name}-connector.yaml"),
            agent,
        }
    }

    /// The labels that select the pods; fixed, because a Deployment's selector cannot change.
    fn selector(&self) -> Value {
        json!({ "app.kubernetes.io/name": self.agent, "app.kubernetes.io/instance": self.agent })
    }

    /// The labels the base's kustomization puts on every object, for objects added outside it.
    fn common_labels(&self) -> Value {
        json!({
            "app.kubernetes.io/name": self.agent,
            "app.kubernetes.io/component": "flyte-agent",
            "app.kubernetes.io/part-of": "flyte",
        })
    }
}

fn labels(pairs: &[(&str, &str)]) -> Value {
    Value::Object(pairs.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect())
}

pub fn emit(plugin: &Plugin) -> Vec<GeneratedFile> {
    let names = Names::new(plugin);
    let header = crate::emit::header(plugin, "# ", "");
    let dir = format!("kustomize/{}", plugin.name);
    let mut files = Vec::new();
    let mut add = |path: String, contents: String| files.push(GeneratedFile { path, contents });

    add(format!("{dir}/README.md"), bundle_readme(plugin, &names));
    for (file, object) in base_objects(&names) {
        add(format!("{dir}/base/{file}"), manifest(&header, &[], &object));
    }
    add(format!("{dir}/base/config.yaml"), config_file(plugin, &names, &plugin.targets[0]));
    add(format!("{dir}/base/kustomization.yaml"), base_kustomization(&header, &names));

    add(format!("{dir}/namespaced/kustomization.yaml"), namespaced_component(&header));
    add(format!("{dir}/namespaced/role-bindings.yaml"), role_bindings(&header, &names));
    add(format!("{dir}/namespaced/delete-cluster-role-binding.yaml"), delete_cluster_role_binding(&header, &names));
    add(format!("{dir}/namespaced/namespaces-env.yaml"), namespaces_env(&header, &names));

    for target in &plugin.targets {
        let overlay = format!("{dir}/overlays/{}", target.id);
        add(format!("{overlay}/kustomization.yaml"), overlay_kustomization(&header, &names, target));
        add(format!("{overlay}/cluster-role.yaml"), manifest(&header, &[], &cluster_role(&names, rules(plugin, target))));
        add(format!("{overlay}/config.yaml"), config_file(plugin, &names, target));
        add(format!("{overlay}/README.md"), overlay_readme(plugin, &names, target));
        if !target.install.is_empty() {
            add(format!("{overlay}/with-controller/kustomization.yaml"), with_controller(&header, target));
        }
    }

    let propeller = propeller_settings(plugin, &names);
    add(format!("{dir}/propeller/propeller-config.yaml"), propeller_snippet(&header, &propeller));
    add(format!("{dir}/propeller/propeller-config-patch.yaml"), propeller_patch(&header, &names, &propeller));
    add(format!("{dir}/propeller/kustomization.yaml"), propeller_component(&header));
    add(format!("{dir}/propeller/README.md"), propeller_readme(plugin, &names));
    // TLS between propeller and the backend: one component for each side.
    let service = json!({ "kind": "Service", "name": names.agent });
    add(format!("{dir}/tls/kustomization.yaml"), tls_component(&header, &[("deployment-tls.yaml", None), ("service-tls.yaml", Some(service))], TLS_COMMENTS));
    add(format!("{dir}/tls/deployment-tls.yaml"), backend_tls_patch(&header, &names));
    add(format!("{dir}/tls/service-tls.yaml"), service_tls_patch(&header));
    let mut tls_settings = propeller.clone();
    tls_settings["plugins"][CONNECTOR_PLUGIN]["connectors"][names.agent.as_str()]["insecure"] = Value::Bool(false);
    add(format!("{dir}/propeller/tls/kustomization.yaml"), tls_component(&header, &[("propeller-config-patch.yaml", None), ("propeller-ca-patch.yaml", None)], PROPELLER_TLS_COMMENTS));
    add(format!("{dir}/propeller/tls/propeller-config-patch.yaml"), propeller_patch(&header, &names, &tls_settings));
    add(format!("{dir}/propeller/tls/propeller-ca-patch.yaml"), propeller_ca_patch(&header, &names));

    let dockerfile = Dockerfile::new(plugin, &names);
    add(format!("rust/{}/Dockerfile", plugin.name), dockerfile.render().expect("Dockerfile template renders"));
    let ignore = DockerIgnore { header: dockerfile.header.clone(), dockerfile: names.dockerfile.clone() };
    add(format!("rust/{}/Dockerfile.dockerignore", plugin.name), ignore.render().expect("dockerignore template renders"));
    files
}

/// A YAML file: the header, comment lines, then the object.
fn manifest(header: &str, comments: &[&str], object: &Value) -> String {
    let mut text = format!("{header}\n");
    for line in comments {
        text.push_str(&format!("# {line}\n"));
    }
    text.push_str(&serde_norway::to_string(object).expect("generator bug: a JSON value serializes to YAML"));
    text
}

/// One YAML scalar, quoted when it would otherwise read as another type.
fn scalar(text: &str) -> String {
    serde_norway::to_string(text).expect("a string serializes").trim_end().to_string()
}

/// The plurals of every task type's resource in `target`, sorted and without repeats.
fn plurals(plugin: &Plugin, target: &Target) -> Vec<String> {
    let mut plurals: Vec<String> =
        plugin.task_types.iter().flat_map(|t| &t.resources).filter(|r| r.target == target.id).map(|r| r.plural.clone()).collect();
    plurals.sort();
    plurals.dedup();
    plurals
}

fn rules(plugin: &Plugin, target: &Target) -> Value {
    json!([{ "apiGroups": [target.group()], "resources": plurals(plugin, target), "verbs": VERBS }])
}

fn cluster_role(names: &Names, rules: Value) -> Value {
    json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRole",
        "metadata": { "name": names.cluster },
        "rules": rules,
    })
}

/// The base's objects by file name, in the order the kustomization lists them.
fn base_objects(names: &Names) -> Vec<(&'static str, Value)> {
    let selector = names.selector();
    let config_file = format!("{}/config.yaml", names.config_dir);
    let service_account = json!({
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": { "name": names.agent },
    });
    let binding = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": { "name": names.cluster },
        "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": names.cluster },
        "subjects": [{ "kind": "ServiceAccount", "name": names.agent, "namespace": NAMESPACE }],
    });
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": names.agent },
        "spec": {
            "replicas": REPLICAS,
            "selector": { "matchLabels": selector },
            "template": {
                "metadata": {
                    "labels": selector,
                    "annotations": {
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": METRICS_PORT.to_string(),
                        "prometheus.io/path": "/metrics",
                    },
                },
                "spec": {
                    "serviceAccountName": names.agent,
                    "securityContext": {
                        "runAsNonRoot": true,
                        "runAsUser": UID,
                        "runAsGroup": UID,
                        "seccompProfile": { "type": "RuntimeDefault" },
                    },
                    // Spread the replicas so that one node going away leaves one serving.
                    "topologySpreadConstraints": [{
                        "maxSkew": 1,
                        "topologyKey": "kubernetes.io/hostname",
                        "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": { "matchLabels": selector },
                    }],
                    "containers": [{
                        "name": "agent",
                        "image": names.binary,
                        "imagePullPolicy": "IfNotPresent",
                        "args": ["--config", config_file],
                        "ports": [
                            { "name": "grpc", "containerPort": GRPC_PORT, "protocol": "TCP" },
                            { "name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP" },
                        ],
                        "readinessProbe": { "grpc": { "port": GRPC_PORT }, "initialDelaySeconds": 1, "periodSeconds": 3 },
                        "livenessProbe": { "grpc": { "port": GRPC_PORT }, "initialDelaySeconds": 5, "periodSeconds": 10, "failureThreshold": 3 },
                        // 512Mi holds the computed worst case: one CreateTask decoding at a time
                        // within the runtime's caps (about 184 MiB with the bodies waiting, see machinery/src/limits.rs)
                        // plus the watch cache and the runtime. One CPU: the decoding turn is
                        // sized for it (`createConcurrency: 1`).
                        "resources": {
                            "requests": { "cpu": "100m", "memory": "128Mi" },
                            "limits": { "cpu": "1", "memory": "512Mi" },
                        },
                        "securityContext": {
                            "allowPrivilegeEscalation": false,
                            "readOnlyRootFilesystem": true,
                            "runAsNonRoot": true,
                            "runAsUser": UID,
                            "runAsGroup": UID,
                            "capabilities": { "drop": ["ALL"] },
                            "seccompProfile": { "type": "RuntimeDefault" },
                        },
                        "volumeMounts": [
                            { "name": "config", "mountPath": names.config_dir, "readOnly": true },
                            { "name": "resource-meta-key", "mountPath": names.key_dir, "readOnly": true },
                        ],
                        // The Service keeps routing to a terminating pod for a moment (endpoint
                        // removal is asynchronous); serving on through that delay means no
                        // propeller call meets a closed port during a rollout.
                        "lifecycle": { "preStop": { "sleep": { "seconds": PRE_STOP_SECONDS } } },
                    }],
                    // The pre-stop delay, then in-flight calls drain (a CreateTask takes at most
                    // its budget), with room to spare.
                    "terminationGracePeriodSeconds": TERMINATION_GRACE_SECONDS,
                    "volumes": [
                        { "name": "config", "configMap": { "name": names.config_map } },
                        { "name": "resource-meta-key", "secret": { "secretName": names.key_secret, "defaultMode": 0o440 } },
                    ],
                },
            },
        },
    });
    let budget = json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": { "name": names.agent },
        "spec": { "minAvailable": 1, "selector": { "matchLabels": selector } },
    });
    let service = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": { "name": names.agent },
        "spec": {
            "type": "ClusterIP",
            "selector": selector,
            "ports": [
                // gRPC without TLS is HTTP/2 in clear text.
                { "name": "grpc", "port": GRPC_PORT, "targetPort": "grpc", "protocol": "TCP", "appProtocol": "kubernetes.io/h2c" },
                { "name": "metrics", "port": METRICS_PORT, "targetPort": "metrics", "protocol": "TCP", "appProtocol": "http" },
            ],
        },
    });
    // Only propeller calls the backend, and only the scraper reads its metrics; everything else
    // in the cluster is refused at the network before any RPC (kubelet's probes come from the
    // node, which network policy implementations admit). Egress stays open: the backend talks to
    // the Kubernetes API, whose address differs per cluster.
    let network_policy = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": { "name": names.agent },
        "spec": {
            "podSelector": { "matchLabels": selector },
            "policyTypes": ["Ingress"],
            "ingress": [
                {
                    // A pod selector alone selects in the policy's own namespace, propeller's.
                    "from": [{ "podSelector": { "matchLabels": labels(&PROPELLER_POD_LABELS) } }],
                    "ports": [{ "protocol": "TCP", "port": GRPC_PORT }],
                },
                {
                    "from": [{
                        "namespaceSelector": { "matchLabels": { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } },
                        "podSelector": { "matchLabels": labels(&MONITORING_POD_LABELS) },
                    }],
                    "ports": [{ "protocol": "TCP", "port": METRICS_PORT }],
                },
            ],
        },
    });
    vec![
        ("service-account.yaml", service_account),
        ("cluster-role.yaml", cluster_role(names, json!([]))),
        ("cluster-role-binding.yaml", binding),
        ("deployment.yaml", deployment),
        ("pod-disruption-budget.yaml", budget),
        ("service.yaml", service),
        ("network-policy.yaml", network_policy),
    ]
}

/// The component that replaces the cluster-wide binding by one RoleBinding per namespace and
/// tells the backend the same namespaces. kustomize has no loops, so the namespaces are listed in
/// two files; the README says to copy the folder and edit both.
fn namespaced_component(header: &str) -> String {
    let component = json!({
        "apiVersion": "kustomize.config.k8s.io/v1alpha1",
        "kind": "Component",
        "resources": ["role-bindings.yaml"],
        "patches": [{ "path": "delete-cluster-role-binding.yaml" }, { "path": "namespaces-env.yaml" }],
    });
    manifest(
        header,
        &[
            "Per-namespace RBAC: add to a kustomization of your own that has an overlay as resource and",
            "sets no `namespace:` (it would move the RoleBindings): `components: [<path to this folder>]`.",
            "Copy this folder and list your namespaces in role-bindings.yaml and namespaces-env.yaml.",
        ],
        &component,
    )
}

fn role_bindings(header: &str, names: &Names) -> String {
    let mut text = format!("{header}\n");
    text.push_str("# One RoleBinding per namespace the backend acts in (the same list as namespaces-env.yaml). A\n");
    text.push_str("# RoleBinding to the ClusterRole grants its rules in that namespace only.\n");
    for namespace in EXAMPLE_NAMESPACES {
        let binding = json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": { "name": names.cluster, "namespace": namespace, "labels": names.common_labels() },
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": names.cluster },
            "subjects": [{ "kind": "ServiceAccount", "name": names.agent, "namespace": NAMESPACE }],
        });
        text.push_str("---\n");
        text.push_str(&serde_norway::to_string(&binding).expect("a JSON value serializes"));
    }
    text
}

fn delete_cluster_role_binding(header: &str, names: &Names) -> String {
    let patch = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": { "name": names.cluster },
        "$patch": "delete",
    });
    manifest(header, &["The cluster-wide binding goes: the RoleBindings grant the same rules per namespace."], &patch)
}

fn namespaces_env(header: &str, names: &Names) -> String {
    let patch = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": names.agent, "namespace": NAMESPACE },
        "spec": { "template": { "spec": { "containers": [{
            "name": "agent",
            "env": [{ "name": "AGENT_NAMESPACES", "value": EXAMPLE_NAMESPACES.join(",") }],
        }] } } },
    });
    manifest(
        header,
        &[
            "The backend watches and acts only in these namespaces (every RPC for another one is",
            "PERMISSION_DENIED): the namespaces of role-bindings.yaml, comma-separated. The variable",
            "wins over `namespaces:` in the config file.",
        ],
        &patch,
    )
}

fn base_kustomization(header: &str, names: &Names) -> String {
    let resources: Vec<&str> = base_objects(names).into_iter().map(|(file, _)| file).collect();
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": NAMESPACE,
        "labels": [{
            "pairs": {
                "app.kubernetes.io/name": names.agent,
                "app.kubernetes.io/component": "flyte-agent",
                "app.kubernetes.io/part-of": "flyte",
            },
            "includeTemplates": true,
        }],
        "resources": resources,
        "configMapGenerator": [{ "name": names.config_map, "files": ["config.yaml"] }],
        "images": [{ "name": names.binary, "newName": names.binary, "newTag": IMAGE_TAG }],
    });
    manifest(
        header,
        &[
            &format!("The {} backend without a target: its ClusterRole has no rules, so deploy an overlay", names.plugin),
            "(overlays/<target>), not this base. Point the image at your registry in a kustomization",
            &format!("of your own: `images: [{{name: {}, newName: <registry>/{}, newTag: <tag>}}]`.", names.binary, names.binary),
        ],
        &kustomization,
    )
}

fn overlay_kustomization(header: &str, names: &Names, target: &Target) -> String {
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "namespace": NAMESPACE,
        "resources": ["../../base"],
        "patches": [{ "path": "cluster-role.yaml" }],
        "configMapGenerator": [{ "name": names.config_map, "behavior": "merge", "files": ["config.yaml"] }],
    });
    manifest(
        header,
        &[&format!(
            "The {} backend for target `{}`: RBAC on its resources and `target: {}` in the config.",
            names.plugin, target.id, target.id
        )],
        &kustomization,
    )
}

fn with_controller(header: &str, target: &Target) -> String {
    let kustomization = json!({
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": ["..", target.install],
    });
    manifest(
        header,
        &[
            "Optional: the overlay plus the target's controller, installed from its pinned release.",
            "kustomize fetches that remote resource when it renders, so this needs network access;",
            "the offline tests do not render it. The controller keeps its own namespace.",
        ],
        &kustomization,
    )
}

#[derive(Template)]
#[template(path = "kustomize/config.yaml", escape = "none")]
struct ConfigFile {
    header: String,
    binary: String,
    target_ids: String,
    target: String,
    region: String,
    gc_ttl_seconds: u32,
    grpc_listen: String,
    metrics_listen: String,
    key_file: String,
    previous_key_file: String,
    key_secret: String,
    /// The plugin's own settings: (doc on one line, name, YAML value).
    settings: Vec<(String, String, String)>,
    /// Whether the plugin reads the backend-wide region, IAM role and prebuilt-image keys (a
    /// REGION, IAM_ROLE or PREBUILT_IMAGE context value, or a default from one): a plugin that
    /// reads none is not shown them.
    uses_region: bool,
    uses_role: bool,
    uses_images: bool,
    /// The plugin's allowlist names, as prose; empty when it has none.
    allowlists: String,
    first_allowlist: String,
}


/// The allowlist names the plugin's resources use, sorted, without repeats.
fn allowlist_names(plugin: &Plugin) -> Vec<String> {
    let mut names: Vec<String> =
        plugin.task_types.iter().flat_map(|t| &t.resources).flat_map(|r| &r.allowlisted).map(|a| a.list.clone()).collect();
    names.sort();
    names.dedup();
    names
}

fn config_file(plugin: &Plugin, names: &Names, target: &Target) -> String {
    ConfigFile {
        header: crate::emit::header(plugin, "# ", ""),
        binary: names.binary.clone(),
        target_ids: plugin.targets.iter().map(|t| format!("`{}`", t.id)).collect::<Vec<_>>().join(", "),
        target: scalar(&target.id),
        region: scalar(REGION_PLACEHOLDER),
        uses_region: plugin.reads_region(),
        uses_role: plugin.reads_source(ContextSource::IamRole),
        uses_images: plugin.reads_source(ContextSource::PrebuiltImage),
        gc_ttl_seconds: GC_TTL_SECONDS,
        grpc_listen: scalar(&format!("[::]:{GRPC_PORT}")),
        metrics_listen: scalar(&format!("[::]:{METRICS_PORT}")),
        key_file: scalar(&format!("{}/current", names.key_dir)),
        previous_key_file: scalar(&format!("{}/previous", names.key_dir)),
        key_secret: names.key_secret.clone(),
        settings: plugin
            .settings
            .iter()
            .map(|s| (s.doc.split_whitespace().collect::<Vec<_>>().join(" "), s.name.clone(), scalar(&s.default)))
            .collect(),
        allowlists: code_list(&allowlist_names(plugin)),
        first_allowlist: allowlist_names(plugin).into_iter().next().unwrap_or_default(),
    }
    .render()
    .expect("config template renders")
}

/// The propeller settings, as propeller's own configuration tree.
fn propeller_settings(plugin: &Plugin, names: &Names) -> Value {
    let mut enabled: Vec<&str> = DEFAULT_TASK_PLUGINS.to_vec();
    enabled.push(CONNECTOR_PLUGIN);
    let defaults: serde_json::Map<String, Value> =
        plugin.task_types.iter().map(|t| (t.name.clone(), Value::from(CONNECTOR_PLUGIN))).collect();
    let routes: serde_json::Map<String, Value> =
        plugin.task_types.iter().map(|t| (t.name.clone(), Value::from(names.agent.as_str()))).collect();
    json!({
        "tasks": {
            "task-plugins": {
                "enabled-plugins": enabled,
                "default-for-task-types": defaults,
            },
        },
        "plugins": {
            CONNECTOR_PLUGIN: {
                "connectors": {
                    names.agent.as_str(): {
                        "endpoint": names.endpoint,
                        "insecure": true,
                        "defaultTimeout": "10s",
                        // machinery's CreateTask budget (7 s) stays below this deadline.
                        "timeouts": { "CreateTask": "10s", "GetTask": "10s", "DeleteTask": "10s" },
                    },
                },
                "connectorForTaskTypes": routes,
            },
        },
    })
}

const PROPELLER_COMMENTS: [&str; 3] = [
    "enabled-plugins replaces the list of earlier configuration files: it keeps the charts' defaults",
    "(container, sidecar, k8s-array) and adds connector-service; add any other plugin you enable.",
    "default-for-task-types and connectorForTaskTypes route each task type of the plugin explicitly.",
];

fn propeller_snippet(header: &str, settings: &Value) -> String {
    let mut comments = vec!["Propeller configuration for Helm users (see README.md for where it goes)."];
    comments.extend(PROPELLER_COMMENTS);
    manifest(header, &comments, settings)
}

fn propeller_patch(header: &str, names: &Names, settings: &Value) -> String {
    let mut file = PROPELLER_COMMENTS.iter().map(|line| format!("# {line}\n")).collect::<String>();
    file.push_str(&serde_norway::to_string(settings).expect("a JSON value serializes"));
    let patch = json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": { "name": PROPELLER_CONFIG_MAP, "namespace": NAMESPACE },
        "data": { names.propeller_data_key.as_str(): file },
    });
    manifest(
        header,
        &[
            "Strategic merge patch: adds one file to propeller's ConfigMap. Propeller merges the files of",
            "its configuration folder in name order, so this one, whose name sorts last, wins.",
        ],
        &patch,
    )
}

/// The Secret (type `kubernetes.io/tls`, with `ca.crt` as cert-manager writes it) holding the
/// backend's certificate for `<agent>.flyte.svc`, and where the backend and propeller mount it.
fn tls_secret(names: &Names) -> String {
    format!("{}-tls", names.agent)
}
fn tls_dir(names: &Names) -> String {
    format!("/var/run/secrets/{}-plugin/tls", names.plugin)
}
fn propeller_ca_dir(names: &Names) -> String {
    format!("/etc/flyte/{}-ca", names.agent)
}
/// flyte-core's propeller Deployment and container.
const PROPELLER_DEPLOYMENT: &str = "flytepropeller";
/// Where Go's crypto/x509 finds the system certificates besides `SSL_CERT_DIR`'s folders (the
/// bundle file is read either way; the folders replace the default ones, so the default is kept).
const SYSTEM_CERT_DIR: &str = "/etc/ssl/certs";

const TLS_COMMENTS: &[&str] = &[
    "Serve TLS: add to your kustomization beside an overlay, with `propeller/tls` on propeller's side.",
    "Create the Secret first (type kubernetes.io/tls with ca.crt, e.g. a cert-manager Certificate for",
    "the Service's DNS name). kubelet's gRPC probes speak no TLS, so the probes become TCP checks.",
];
const PROPELLER_TLS_COMMENTS: &[&str] = &[
    "Instead of `propeller/`: the same routes with `insecure: false`, and propeller trusting the CA of",
    "the backend's certificate (ca.crt of the backend's TLS Secret, mounted into propeller's pod).",
];

/// A component of patch files; a patch with a target is a JSON patch of that object.
fn tls_component(header: &str, patches: &[(&str, Option<Value>)], comments: &[&str]) -> String {
    let patches: Vec<Value> = patches
        .iter()
        .map(|(path, target)| match target {
            Some(target) => json!({ "path": path, "target": target }),
            None => json!({ "path": path }),
        })
        .collect();
    let component = json!({ "apiVersion": "kustomize.config.k8s.io/v1alpha1", "kind": "Component", "patches": patches });
    manifest(header, comments, &component)
}

fn backend_tls_patch(header: &str, names: &Names) -> String {
    let dir = tls_dir(names);
    // Strategic merge: `grpc: null` removes the gRPC probe handler the TCP check replaces.
    let probe = |initial: u32, period: u32| json!({ "grpc": null, "tcpSocket": { "port": GRPC_PORT }, "initialDelaySeconds": initial, "periodSeconds": period });
    let patch = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": names.agent, "namespace": NAMESPACE },
        "spec": { "template": { "spec": {
            "containers": [{
                "name": "agent",
                "env": [
                    { "name": "AGENT_TLS_CERT", "value": format!("{dir}/tls.crt") },
                    { "name": "AGENT_TLS_KEY", "value": format!("{dir}/tls.key") },
                ],
                "volumeMounts": [{ "name": "tls", "mountPath": dir, "readOnly": true }],
                "readinessProbe": probe(1, 3),
                "livenessProbe": probe(5, 10),
            }],
            "volumes": [{ "name": "tls", "secret": { "secretName": tls_secret(names), "defaultMode": 0o440 } }],
        } } },
    });
    manifest(
        header,
        &[
            "Mutual TLS: also set AGENT_TLS_CLIENT_CA to the CA of your callers' certificates. Propeller",
            "1.16's connector client presents none, so with propeller as the caller that needs a",
            "TLS-originating proxy beside propeller; the NetworkPolicy is what limits callers otherwise.",
        ],
        &patch,
    )
}

fn service_tls_patch(header: &str) -> String {
    // The gRPC port (the Service's first) carries TLS now, so its cleartext HTTP/2 hint goes.
    let patch = json!([{ "op": "remove", "path": "/spec/ports/0/appProtocol" }]);
    manifest(header, &["JSON patch of the Service: its gRPC port is no longer cleartext HTTP/2."], &patch)
}

fn propeller_ca_patch(header: &str, names: &Names) -> String {
    let dir = propeller_ca_dir(names);
    let patch = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": { "name": PROPELLER_DEPLOYMENT, "namespace": NAMESPACE },
        "spec": { "template": { "spec": {
            "containers": [{
                "name": PROPELLER_DEPLOYMENT,
                // Propeller dials TLS connectors with the system roots: the CA joins them.
                "env": [{ "name": "SSL_CERT_DIR", "value": format!("{SYSTEM_CERT_DIR}:{dir}") }],
                "volumeMounts": [{ "name": format!("{}-ca", names.agent), "mountPath": dir, "readOnly": true }],
            }],
            "volumes": [{
                "name": format!("{}-ca", names.agent),
                "secret": { "secretName": tls_secret(names), "items": [{ "key": "ca.crt", "path": "ca.crt" }] },
            }],
        } } },
    });
    manifest(
        header,
        &["Strategic merge patch of flyte-core's propeller Deployment; copy it if yours has another name."],
        &patch,
    )
}

fn propeller_component(header: &str) -> String {
    let component = json!({
        "apiVersion": "kustomize.config.k8s.io/v1alpha1",
        "kind": "Component",
        "patches": [{ "path": "propeller-config-patch.yaml" }],
    });
    manifest(header, &["Add to the kustomization that renders propeller: `components: [<path to this folder>]`."], &component)
}

struct TargetRow {
    id: String,
    title: String,
    group_display: String,
}

fn group_display(target: &Target) -> String {
    match target.group() {
        "" => "\"\" (core)".to_string(),
        g => g.to_string(),
    }
}

fn title(target: &Target) -> String {
    if target.title.is_empty() { target.api_version.clone() } else { target.title.clone() }
}

/// Labels as prose: `k: v`, comma-separated.
fn label_text(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("`{k}: {v}`")).collect::<Vec<_>>().join(", ")
}

fn code_list(items: &[impl AsRef<str>]) -> String {
    items.iter().map(|i| format!("`{}`", i.as_ref())).collect::<Vec<_>>().join(", ")
}

#[derive(Template)]
#[template(path = "kustomize/README.md", escape = "none")]
struct BundleReadme {
    header: String,
    name: String,
    title: String,
    binary: String,
    image: String,
    agent: String,
    config_map: String,
    config_dir: String,
    /// The Secret holding the keys that sign `resource_meta` (created by the operator, never
    /// part of the bundle), and where it is mounted.
    key_secret: String,
    key_dir: String,
    dockerfile: String,
    namespace: &'static str,
    replicas: u32,
    uid: u32,
    grpc_port: u16,
    metrics_port: u16,
    propeller_labels: String,
    monitoring_pod_labels: String,
    monitoring_namespace: &'static str,
    verbs: String,
    targets: Vec<TargetRow>,
    first_target: String,
}

fn bundle_readme(plugin: &Plugin, names: &Names) -> String {
    BundleReadme {
        header: crate::emit::header(plugin, "<!-- ", " -->"),
        name: plugin.name.clone(),
        title: if plugin.title.is_empty() { format!("Plugin `{}`", plugin.name) } else { plugin.title.clone() },
        binary: names.binary.clone(),
        image: names.binary.clone(),
        agent: names.agent.clone(),
        config_map: names.config_map.clone(),
        config_dir: names.config_dir.clone(),
        key_secret: names.key_secret.clone(),
        key_dir: names.key_dir.clone(),
        dockerfile: names.dockerfile.clone(),
        namespace: NAMESPACE,
        replicas: REPLICAS,
        uid: UID,
        grpc_port: GRPC_PORT,
        metrics_port: METRICS_PORT,
        propeller_labels: label_text(&PROPELLER_POD_LABELS),
        monitoring_pod_labels: label_text(&MONITORING_POD_LABELS),
        monitoring_namespace: MONITORING_NAMESPACE,
        verbs: VERBS.join(", "),
        targets: plugin.targets.iter().map(|t| TargetRow { id: t.id.clone(), title: title(t), group_display: group_display(t) }).collect(),
        first_target: plugin.targets[0].id.clone(),
    }
    .render()
    .expect("bundle README template renders")
}

#[derive(Template)]
#[template(path = "kustomize/overlay-README.md", escape = "none")]
struct OverlayReadme {
    header: String,
    id: String,
    title: String,
    binary: String,
    api_version: String,
    group_display: String,
    resources: String,
    verbs: String,
    config_map: String,
    install: String,
}

fn overlay_readme(plugin: &Plugin, names: &Names, target: &Target) -> String {
    OverlayReadme {
        header: crate::emit::header(plugin, "<!-- ", " -->"),
        id: target.id.clone(),
        title: title(target),
        binary: names.binary.clone(),
        api_version: target.api_version.clone(),
        group_display: group_display(target),
        resources: code_list(&plurals(plugin, target)),
        verbs: code_list(&VERBS),
        config_map: names.config_map.clone(),
        install: target.install.clone(),
    }
    .render()
    .expect("overlay README template renders")
}

#[derive(Template)]
#[template(path = "kustomize/propeller-README.md", escape = "none")]
struct PropellerReadme {
    header: String,
    name: String,
    task_types: Vec<String>,
    connector: String,
    endpoint: String,
    namespace: &'static str,
    data_key: String,
    propeller_config_map: &'static str,
}

fn propeller_readme(plugin: &Plugin, names: &Names) -> String {
    PropellerReadme {
        header: crate::emit::header(plugin, "<!-- ", " -->"),
        name: plugin.name.clone(),
        task_types: plugin.task_types.iter().map(|t| t.name.clone()).collect(),
        connector: names.agent.clone(),
        endpoint: names.endpoint.clone(),
        namespace: NAMESPACE,
        data_key: names.propeller_data_key.clone(),
        propeller_config_map: PROPELLER_CONFIG_MAP,
    }
    .render()
    .expect("propeller README template renders")
}

#[derive(Template)]
#[template(path = "kustomize/Dockerfile", escape = "none")]
struct Dockerfile {
    header: String,
    binary: String,
    image: String,
    dockerfile: String,
    builder_image: &'static str,
    runtime_image: &'static str,
    uid: u32,
    grpc_port: u16,
    metrics_port: u16,
}

impl Dockerfile {
    fn new(plugin: &Plugin, names: &Names) -> Self {
        Self {
            header: crate::emit::header(plugin, "# ", ""),
            binary: names.binary.clone(),
            image: names.binary.clone(),
            dockerfile: names.dockerfile.clone(),
            builder_image: BUILDER_IMAGE,
            runtime_image: RUNTIME_IMAGE,
            uid: UID,
            grpc_port: GRPC_PORT,
            metrics_port: METRICS_PORT,
        }
    }
}

#[derive(Template)]
#[template(path = "kustomize/Dockerfile.dockerignore", escape = "none")]
struct DockerIgnore {
    header: String,
    dockerfile: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_that_read_as_other_types_are_quoted() {
        assert_eq!(scalar("ack"), "ack");
        assert_eq!(scalar("true"), "'true'");
        assert_eq!(scalar("1.0"), "'1.0'");
    }
}
