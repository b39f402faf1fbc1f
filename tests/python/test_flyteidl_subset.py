"""The hand-written flyteidl subset (proto/flyteidl) against the real flyteidl 1.16.8 wheel.

The subset may leave out messages, fields and services, but everything it keeps must be what
upstream has: same full names, field numbers, types, labels, referenced types, oneof membership,
enum values and RPC signatures. Otherwise the agent would misread propeller's bytes.

The subset's descriptors come from Rust (`machinery::FLYTEIDL_DESCRIPTOR_SET`), so this checks
exactly what the generated code was built from.
"""

import subprocess
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2

import flyteidl.service.agent_pb2 as official_root

REPO_ROOT = Path(__file__).resolve().parents[2]

KEY_MESSAGES = [
    "flyteidl.admin.CreateTaskRequest",
    "flyteidl.admin.CreateTaskResponse",
    "flyteidl.admin.GetTaskRequest",
    "flyteidl.admin.GetTaskResponse",
    "flyteidl.admin.DeleteTaskRequest",
    "flyteidl.admin.Resource",
    "flyteidl.admin.Agent",
    "flyteidl.admin.TaskCategory",
    "flyteidl.admin.ListAgentsResponse",
    "flyteidl.core.TaskTemplate",
    "flyteidl.core.TaskExecutionIdentifier",
    "flyteidl.core.LiteralMap",
    "flyteidl.core.Literal",
    "flyteidl.core.TaskLog",
]

KEY_METHODS = [
    "flyteidl.service.AsyncAgentService.CreateTask",
    "flyteidl.service.AsyncAgentService.GetTask",
    "flyteidl.service.AsyncAgentService.DeleteTask",
    "flyteidl.service.AsyncAgentService.GetTaskMetrics",
    "flyteidl.service.AsyncAgentService.GetTaskLogs",
    "flyteidl.service.AgentMetadataService.GetAgent",
    "flyteidl.service.AgentMetadataService.ListAgents",
]


class Index:
    """Everything comparable in a set of files, keyed by protobuf full name."""

    def __init__(self, files):
        self.messages = {}  # full name -> (file name, is map entry)
        self.fields = {}  # full field name -> (number, type, label, type_name, oneof)
        self.enums = {}  # full enum name -> {value name: number}
        self.methods = {}  # full method name -> (input, output, client streaming, server streaming)
        for file in files:
            self._add_file(file)

    def _add_file(self, file):
        for message in file.message_type:
            self._add_message(file, file.package, message)
        for enum in file.enum_type:
            self._add_enum(file.package, enum)
        for service in file.service:
            for method in service.method:
                self.methods[f"{file.package}.{service.name}.{method.name}"] = (
                    method.input_type,
                    method.output_type,
                    method.client_streaming,
                    method.server_streaming,
                )

    def _add_message(self, file, scope, message):
        name = f"{scope}.{message.name}"
        self.messages[name] = (file.name, message.options.map_entry)
        for field in message.field:
            oneof = (
                message.oneof_decl[field.oneof_index].name
                if field.HasField("oneof_index")
                else None
            )
            self.fields[f"{name}.{field.name}"] = (
                field.number,
                descriptor_pb2.FieldDescriptorProto.Type.Name(field.type),
                descriptor_pb2.FieldDescriptorProto.Label.Name(field.label),
                field.type_name,
                oneof,
            )
        for nested in message.nested_type:
            self._add_message(file, name, nested)
        for enum in message.enum_type:
            self._add_enum(name, enum)

    def _add_enum(self, scope, enum):
        self.enums[f"{scope}.{enum.name}"] = {v.name: v.number for v in enum.value}


def _official_files():
    """The wheel's import closure of flyteidl/service/agent.proto, one FileDescriptorProto each."""
    seen, todo, files = set(), [official_root.DESCRIPTOR], []
    while todo:
        file = todo.pop()
        if file.name in seen:
            continue
        seen.add(file.name)
        todo.extend(file.dependencies)
        files.append(descriptor_pb2.FileDescriptorProto.FromString(file.serialized_pb))
    return files


@pytest.fixture(scope="module")
def official():
    return Index(_official_files())


@pytest.fixture(scope="module")
def subset(tmp_path_factory):
    out = tmp_path_factory.mktemp("descriptors") / "flyteidl_subset.binpb"
    subprocess.run(
        [
            "cargo",
            "run",
            "-q",
            "-p",
            "machinery",
            "--example",
            "dump_flyteidl_descriptors",
            "--",
            str(out),
        ],
        cwd=REPO_ROOT,
        check=True,
    )
    files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file
    assert files, "the subset's descriptor set is empty"
    return Index(files)


def _report(what, problems):
    return f"{len(problems)} {what} differ from flyteidl 1.16.8:\n  " + "\n  ".join(
        problems
    )


def test_every_subset_message_exists_upstream_in_the_same_file(official, subset):
    problems = [
        f"{name}: subset {mine}, upstream {official.messages.get(name)}"
        for name, mine in sorted(subset.messages.items())
        if official.messages.get(name) != mine
    ]
    assert not problems, _report("messages", problems)


def test_every_subset_field_matches_upstream_number_type_label_and_oneof(
    official, subset
):
    problems = [
        f"{name}: subset {mine}, upstream {official.fields.get(name, 'missing')}"
        for name, mine in sorted(subset.fields.items())
        if official.fields.get(name) != mine
    ]
    assert not problems, _report("fields", problems)


def test_every_subset_enum_has_exactly_the_upstream_values(official, subset):
    # Enums are kept whole: a dropped value would decode as an unnamed number and be easy to
    # mishandle (the agent maps phases and states by value).
    problems = [
        f"{name}: subset {mine}, upstream {official.enums.get(name, 'missing')}"
        for name, mine in sorted(subset.enums.items())
        if official.enums.get(name) != mine
    ]
    assert not problems, _report("enums", problems)


def test_every_subset_method_has_the_upstream_signature(official, subset):
    problems = [
        f"{name}: subset {mine}, upstream {official.methods.get(name, 'missing')}"
        for name, mine in sorted(subset.methods.items())
        if official.methods.get(name) != mine
    ]
    assert not problems, _report("methods", problems)


def test_subset_keeps_every_field_of_the_protocol_messages(official, subset):
    # The agent protocol's own messages (package flyteidl.admin) are kept whole, so nothing
    # propeller sends or reads there is silently skipped.
    missing = sorted(
        name
        for name in official.fields
        if name.startswith("flyteidl.admin.") and name not in subset.fields
    )
    assert not missing, _report("flyteidl.admin fields are missing and", missing)


def test_subset_contains_the_key_messages_and_methods(subset):
    missing = [m for m in KEY_MESSAGES if m not in subset.messages]
    missing += [m for m in KEY_METHODS if m not in subset.methods]
    assert not missing, f"missing from the subset: {missing}"
