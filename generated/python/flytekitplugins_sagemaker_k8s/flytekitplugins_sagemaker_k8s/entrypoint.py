# @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""`sagemaker-entrypoint`: runs the Flyte task command inside a job container started from the
task's own image.

The backend hands the command (a JSON list of strings) to the container as data, because not
every target can set a container's command. This program finds it, trying each source in
`SOURCES` in order, runs it to its end (passing on SIGTERM and SIGINT), and exits with its
status; any arguments it is started with (a job runner may pass one such as `train`) are ignored.
It exits with status 2 when no source holds a command.

The job fails (non-zero status) when the task failed, even though flytekit only recorded the
error, and when the host that writes the outputs ended without writing them. Inside a job the
reason is also written to the container contract's failure file, which the controller reports.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import typing

from . import _job
from .container import CONTRACT

PROG = "sagemaker-entrypoint"
# What flytekit's `pyflyte-execute` leaves in the task's output prefix.
OUTPUTS_FILE = "outputs.pb"
ERROR_FILE = "error.pb"

# (key prefix, chunk size, JSON file), as the model declares each CONTAINER_COMMAND context value.
# A chunk size of 0 means one entry named by the prefix; otherwise entries `<prefix>0`, `<prefix>1`,
# ... whose values, joined in index order, are the JSON text. Without a file, or when the file is
# absent, the entries are looked up among the environment variables.
SOURCES: tuple[tuple[str, int, str], ...] = (
    ("FLYTE_SAGEMAKER_COMMAND_", 512, ""),
    ("_flyte_cmd_", 256, "/opt/ml/input/config/hyperparameters.json"),
)


class CommandNotFound(Exception):
    pass


def joined_entries(entries: typing.Mapping[str, typing.Any], prefix: str, chunk_size: int) -> str | None:
    """The text stored under `prefix` in `entries`, or None when there is none."""
    if chunk_size == 0:
        value = entries.get(prefix)
        return None if value is None else str(value)
    index = re.compile(re.escape(prefix) + r"([0-9]+)")
    chunks: dict[int, str] = {}
    for key, value in entries.items():
        found = index.fullmatch(key)
        if found:
            chunks[int(found.group(1))] = str(value)
    if not chunks:
        return None
    missing = [i for i in range(max(chunks) + 1) if i not in chunks]
    if missing:
        raise CommandNotFound(f"entry {prefix}{missing[0]} is missing, so the command is incomplete")
    return "".join(chunks[i] for i in sorted(chunks))


def decode(text: str, where: str) -> list[str]:
    try:
        command = json.loads(text)
    except ValueError as e:
        raise CommandNotFound(f"the command in {where} is not JSON: {e}") from None
    if not isinstance(command, list) or not command or not all(isinstance(part, str) for part in command):
        raise CommandNotFound(f"the command in {where} is not a non-empty JSON list of strings")
    return command


def rerooted(path: str) -> str:
    """A file of the container contract's root under the root in use (its variable may move it)."""
    if CONTRACT is not None and path.startswith(CONTRACT.root.rstrip("/") + "/"):
        return str(CONTRACT.path(path[len(CONTRACT.root.rstrip("/")) + 1 :]))
    return path


def find_command(container_file: str | None = None) -> tuple[list[str], str]:
    """The command and where it was found. `container_file` replaces the file of every source
    that reads one (for tests and unusual images)."""
    for prefix, chunk_size, default_file in SOURCES:
        path = (container_file or rerooted(default_file)) if default_file else ""
        if path and os.path.isfile(path):
            with open(path, encoding="utf-8") as f:
                entries = json.load(f)
            if not isinstance(entries, dict):
                raise CommandNotFound(f"{path} does not hold a JSON object")
            text = joined_entries(entries, prefix, chunk_size)
            if text is not None:
                return decode(text, f"{path} ({prefix})"), path
        text = joined_entries(os.environ, prefix, chunk_size)
        if text is not None:
            return decode(text, f"the environment ({prefix})"), "the environment"
    looked = ", ".join(f"{prefix}{'' if size == 0 else '<n>'}" for prefix, size, _ in SOURCES)
    raise CommandNotFound(f"no task command found (looked for {looked})")


def output_prefix(command: list[str]) -> str | None:
    """Where flytekit's `pyflyte-execute` writes the task's outputs (its `--output-prefix`)."""
    for i, part in enumerate(command[:-1]):
        if part == "--output-prefix":
            return command[i + 1]
    return None


def task_error(prefix: str) -> str | None:
    """The message of the error document flytekit wrote under `prefix`, or None when there is none."""
    import tempfile

    from flyteidl.core import errors_pb2
    from flytekit.core.data_persistence import FileAccessProvider

    with tempfile.TemporaryDirectory() as scratch:
        files = FileAccessProvider(local_sandbox_dir=scratch, raw_output_prefix=scratch)
        remote = files.join(prefix, ERROR_FILE)
        if not files.exists(remote):
            return None
        local = os.path.join(scratch, ERROR_FILE)
        files.get_data(remote, local)
        document = errors_pb2.ErrorDocument()
        with open(local, "rb") as f:
            # The protobuf runtime's methods carry no annotations.
            typing.cast(typing.Any, document).ParseFromString(f.read())
    message = document.error.message
    # flytekit's text is the traceback, then `Message:` and the exception; the exception is what
    # fits a short failure reason.
    _, found, tail = message.rpartition("Message:")
    return " ".join(tail.split()) if found else message


def outputs_written(prefix: str) -> bool:
    import tempfile

    from flytekit.core.data_persistence import FileAccessProvider

    with tempfile.TemporaryDirectory() as scratch:
        files = FileAccessProvider(local_sandbox_dir=scratch, raw_output_prefix=scratch)
        return bool(files.exists(files.join(prefix, OUTPUTS_FILE)))


def run(command: list[str]) -> int:
    """Runs the command to its end, passing on the signals a job runner sends to stop it."""
    # flytekit then exits non-zero when the task fails, instead of only recording the error.
    child = subprocess.Popen(command, env={**os.environ, "FLYTE_FAIL_ON_ERROR": "true"})
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda received, _frame: child.send_signal(received))
    return child.wait()


def verdict(command: list[str], code: int) -> tuple[int, str | None]:
    """The exit status of the job and its failure reason (None on success), from how the task
    command ended and what it left in its output prefix."""
    prefix = output_prefix(command)
    error = task_error(prefix) if prefix else None
    if code != 0 or error is not None:
        return (code or 1), error or f"the task command exited with status {code}"
    if prefix and CONTRACT is not None:
        hosts = _job.hosts(CONTRACT)
        # Only the first host writes outputs, so only there is their absence a failure.
        if (hosts is None or hosts.is_first) and not outputs_written(prefix):
            return 1, f"the task command exited with status 0 but wrote no {OUTPUTS_FILE} to {prefix}"
    return 0, None


def main(argv: list[str] | None = None) -> int:
    summary = " ".join(__doc__.split("\n\n")[0].split()) if __doc__ else None
    parser = argparse.ArgumentParser(prog=PROG, description=summary)
    parser.add_argument(
        "--container-file",
        "--hyperparameters-file",
        dest="container_file",
        metavar="PATH",
        help="read the entries from this JSON file instead of the file the model declares",
    )
    # Job runners start the image with arguments of their own (such as `train`): not ours to interpret.
    args, _ = parser.parse_known_args(argv)
    try:
        command, where = find_command(args.container_file)
    except (CommandNotFound, OSError, ValueError) as e:
        return fail(2, str(e))
    print(f"{PROG}: running the task command from {where}: {command[0]}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    try:
        code = run(command)
    except OSError as e:
        return fail(127, f"cannot run {command[0]!r}: {e}")
    try:
        code, reason = verdict(command, code)
    except Exception as e:  # the outputs could not be inspected: the job's result is unknown
        code, reason = (code or 1), f"cannot inspect the task's outputs: {e}"
    return fail(code, reason) if reason is not None else 0


def fail(code: int, reason: str) -> int:
    """Reports `reason` on standard error and, inside a job, as the job's failure reason."""
    print(f"{PROG}: {reason}", file=sys.stderr, flush=True)
    if CONTRACT is not None and (_job.parameters(CONTRACT) is not None or _job.hosts(CONTRACT) is not None):
        _job.write_failure(CONTRACT, reason)
    return code


if __name__ == "__main__":
    sys.exit(main())
