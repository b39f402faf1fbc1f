//! A synthetic annotated plugin of `n` item messages, in the vocabulary of the batch-job example.
//!
//! Every item message carries the same handful of annotated fields of varied types: a string with
//! a pattern and a length bound, an integer with a range and a default, a float sent as a string,
//! a bool, an enum, a nested message, a map shaped as a name/value list, a repeated string and a
//! duration in seconds. One task type's root message references every item, so the whole file is
//! lowered and emitted; its resource has status rules, an output and a log link. Each item lands
//! under its own CR path, so every field's full path is unique.

use std::fmt::Write;

/// Annotated messages in the file besides the `n` items: the root task message and the shared
/// nested `Limits` message.
pub const FIXED_MESSAGES: usize = 2;

/// The text of `bench/bench.proto` for `n` item messages.
pub fn proto(n: usize) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        r#"// Synthetic plugin for scripts/bench_generator.sh: {n} item messages.
syntax = "proto3";

package flyteplugin.bench;

import "flyteplugin/options.proto";
import "google/protobuf/duration.proto";

option (flyteplugin.plugin) = {{
  name: "bench"
  title: "Synthetic benchmark plugin"
  python_package: "flytekitplugins_bench"
  python_distribution: "flytekitplugins-bench"
  targets: {{id: "bench" title: "Benchmark CRDs" api_version: "bench.example.com/v1"}}
}};

// Runs a synthetic job that references every item message.
message BenchJob {{
  option (flyteplugin.task) = {{
    name: "bench-job"
    version: 0
    python_class: "BenchJobTask"
    inputs: {{name: "replicas" type: {{simple: INTEGER}} into: "item_0.replicas" doc: "Replicas of the first item."}}
    outputs: {{name: "result" type: {{simple: STRING}} doc: "Where the job wrote its result."}}
    resources: {{
      target: "bench"
      kind: "BenchJob"
      plural: "benchjobs"
      namespaced: true
      name_rule: {{max_length: 63 pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"}}
      context: {{source: JOB_NAME path: "spec.jobName"}}
      status: {{
        phase_path: "status.state"
        rules: {{status_in: ["Done"] phase: SUCCEEDED message: "finished"}}
        rules: {{status_in: ["Failed"] phase: PERMANENT_FAILURE message: "failed: {{status.reason}}"}}
        rules: {{condition: "Stuck" phase: RETRYABLE_FAILURE message: "{{condition.reason}}: {{condition.message}}"}}
        rules: {{status_in: [""] phase: QUEUED message: "waiting for the controller"}}
        otherwise: RUNNING
        otherwise_message: "state {{status.state}}"
      }}
      outputs: {{output: "result" value: "{{status.resultUri}}"}}
      log_links: {{name: "Logs" uri: "https://logs.example.com/{{metadata.namespace}}/{{spec.jobName}}"}}
    }}
  }};
"#
    );
    for i in 0..n {
        let _ = write!(
            s,
            r#"
  // Item {i}.
  Item{i} item_{i} = {field} [(flyteplugin.field) = {{cr: {{target: "bench" path: "spec.items.item{i}"}}}}];
"#,
            field = i + 1
        );
    }
    s.push_str("}\n");
    s.push_str(
        r#"
// Resource limits shared by every item.
message Limits {
  // CPU cores.
  int32 cpu = 1 [(flyteplugin.field) = {cr: {target: "bench" path: "cpu"} validate: {min: 1 max: 64}}];
  // Memory, e.g. `4Gi`.
  string memory = 2 [(flyteplugin.field) = {cr: {target: "bench" path: "memory"} validate: {pattern: "^[0-9]+[KMG]i$"}}];
}

// How an item runs.
enum Mode {
  // Not set.
  MODE_UNSPECIFIED = 0;
  // Fast mode.
  FAST = 1 [(flyteplugin.value) = {api: "Fast"}];
  // Careful mode.
  CAREFUL = 2 [(flyteplugin.value) = {api: "Careful"}];
}
"#,
    );
    for i in 0..n {
        let _ = write!(
            s,
            r#"
// Item message {i}.
message Item{i} {{
  // Name of the item.
  string name = 1 [(flyteplugin.field) = {{
    cr: {{target: "bench" path: "name"}}
    validate: {{required: true pattern: "^[a-z0-9-]+$" max_len: 63}}
  }}];
  // How many replicas run.
  int32 replicas = 2 [(flyteplugin.field) = {{
    cr: {{target: "bench" path: "replicas"}}
    default: "1"
    validate: {{min: 1 max: 100}}
  }}];
  // A ratio the API takes as a string.
  double ratio = 3 [(flyteplugin.field) = {{cr: {{target: "bench" path: "ratio" transform: TO_STRING}} validate: {{min: 0 max: 1}}}}];
  // Whether the item is on.
  bool enabled = 4 [(flyteplugin.field) = {{cr: {{target: "bench" path: "enabled"}}}}];
  // How the item runs.
  Mode mode = 5 [(flyteplugin.field) = {{cr: {{target: "bench" path: "mode"}} default: "Fast"}}];
  // Its resource limits.
  Limits limits = 6 [(flyteplugin.field) = {{cr: {{target: "bench" path: "limits"}}}}];
  // Environment variables.
  map<string, string> env = 7 [(flyteplugin.field) = {{
    cr: {{target: "bench" path: "env" transform: NAME_VALUE_LIST}}
    validate: {{max: 50 max_len: 128}}
  }}];
  // Arguments.
  repeated string args = 8 [(flyteplugin.field) = {{cr: {{target: "bench" path: "args"}}}}];
  // How long the item may run.
  google.protobuf.Duration timeout = 9 [(flyteplugin.field) = {{cr: {{target: "bench" path: "timeoutSeconds" transform: SECONDS}}}}];
}}
"#
        );
    }
    s
}

/// Writes the plugin into `dir/bench/bench.proto` and returns the number of lines written.
pub fn write(dir: &std::path::Path, n: usize) -> std::io::Result<usize> {
    let text = proto(n);
    std::fs::create_dir_all(dir.join("bench"))?;
    std::fs::write(dir.join("bench/bench.proto"), &text)?;
    Ok(text.lines().count())
}
