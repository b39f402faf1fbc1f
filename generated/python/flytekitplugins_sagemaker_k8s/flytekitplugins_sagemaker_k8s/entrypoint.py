# @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""`sagemaker-entrypoint`: runs the Flyte task command inside a job container started from the
task's own image.

The backend hands the command (a JSON list of strings) to the container as data, because not
every target can set a container's command. This program finds it, tries each source in `SOURCES`
in order, and replaces itself with the command; any arguments it is started with (a job runner
may pass one such as `train`) are ignored. It exits with status 2 when no source holds a command.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import typing

PROG = "sagemaker-entrypoint"

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


def find_command(container_file: str | None = None) -> tuple[list[str], str]:
    """The command and where it was found. `container_file` replaces the file of every source
    that reads one (for tests and unusual images)."""
    for prefix, chunk_size, default_file in SOURCES:
        path = (container_file or default_file) if default_file else ""
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
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    print(f"{PROG}: running the task command from {where}: {command[0]}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    try:
        os.execvp(command[0], command)
    except OSError as e:
        print(f"{PROG}: cannot run {command[0]!r}: {e}", file=sys.stderr)
        return 127
    return 0  # not reached: exec replaces this process


if __name__ == "__main__":
    sys.exit(main())
