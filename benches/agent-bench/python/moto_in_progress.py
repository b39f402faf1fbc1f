#!/usr/bin/env python3
"""moto's SageMaker for the agent benchmark's real peer (scripts/bench_agent.sh).

    .venv/bin/python benches/agent-bench/python/moto_in_progress.py --port PORT

The project's moto server (scripts/peers/moto_sagemaker.py, moto as published plus its three
changes) with two more, both for the benchmark only:

- A training job stays `InProgress` / `Training` (moto completes it at once). A job that trains is
  what propeller polls for hours, so that is the poll worth measuring: flytekitplugins-awssagemaker's
  connector then answers RUNNING with the secondary status, as the other servers of the benchmark do.
- It counts CreateTrainingJob and DescribeTrainingJob calls and prints the counts when stopped
  (SIGTERM, on which moto's server exits normally), so the benchmark can show the AWS calls per GetTask beside the Kubernetes API requests
  of the Rust backend.
"""

import argparse
import atexit
import logging
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts/peers"))

import moto_sagemaker  # noqa: E402
from moto.sagemaker.models import FakeTrainingJob, SageMakerModelBackend  # noqa: E402

calls = {"CreateTrainingJob": 0, "DescribeTrainingJob": 0}
lock = threading.Lock()


def keep_training() -> None:
    created = FakeTrainingJob.__init__

    def training(self, *args, **kwargs):
        created(self, *args, **kwargs)
        self.training_job_status = "InProgress"
        self.secondary_status = "Training"

    FakeTrainingJob.__init__ = training


def count(method: str, action: str) -> None:
    original = getattr(SageMakerModelBackend, method)

    def counted(self, *args, **kwargs):
        with lock:
            calls[action] += 1
        return original(self, *args, **kwargs)

    setattr(SageMakerModelBackend, method, counted)


def report() -> None:
    with lock:
        line = ", ".join(f"{action} {n}" for action, n in calls.items())
    print(f"moto calls: {line}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    moto_sagemaker.install()
    keep_training()
    count("create_training_job", "CreateTrainingJob")
    count("describe_training_job", "DescribeTrainingJob")
    # One access-log line per call would cost this process more than the calls themselves.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    # moto's server exits through sys.exit on SIGTERM, which runs this.
    atexit.register(report)
    moto_sagemaker.serve(args.port)


if __name__ == "__main__":
    main()
