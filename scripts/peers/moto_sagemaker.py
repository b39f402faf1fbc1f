#!/usr/bin/env python3
"""moto's SageMaker API in server mode on loopback: the AWS side of the end-to-end tests with the
real SageMaker operator (tests/python/test_operator_moto.py).

    .venv/bin/python scripts/peers/moto_sagemaker.py --port PORT    # serves http://127.0.0.1:PORT

It is moto's own server (`moto[server]`, pinned in scripts/requirements.txt) with three changes, each
where moto's SageMaker differs from the real service in a way the operator depends on. Together they
are the test double's part of this peer; everything else is moto as published:

- DescribeTrainingJob of an unknown job: the real service answers `ValidationException` with
  "Requested resource not found", and the operator tells "not created yet" from "the call failed"
  by that prefix (`controllers/sdkutil/clientwrapper/sagemaker_client.go`). moto says "Could not
  find training job ...", so the operator would never create a job.
- DescribeHyperParameterTuningJob of an unknown job: likewise `ResourceNotFound` with "Amazon
  SageMaker can't find a tuning job" (moto: "Could not find hyper parameter tuning job ...").
- ListTrainingJobsForHyperParameterTuningJob is not implemented by moto (500). The operator lists a
  tuning job's trials to spawn and later delete their TrainingJob objects, and keeps its finalizer
  until the list succeeds. moto's tuning jobs launch no training jobs, so the list it would give is
  empty; that is what is answered, for a tuning job that exists (not found otherwise).
"""

import argparse

from moto.core.responses import ActionResult
from moto.sagemaker.exceptions import ResourceNotFound, ValidationError
from moto.sagemaker.models import SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.server import main as moto_server_main

# The texts the real service answers with, as the operator matches them (prefixes).
TRAINING_JOB_NOT_FOUND = "Requested resource not found"
TUNING_JOB_NOT_FOUND = "Amazon SageMaker can't find a tuning job"


def use_the_services_not_found_texts() -> None:
    describe_training_job = SageMakerModelBackend.describe_training_job
    describe_tuning_job = SageMakerModelBackend.describe_hyper_parameter_tuning_job

    def describe_training_job_as_sagemaker(self, training_job_name: str):
        if training_job_name not in self.training_jobs:
            raise ValidationError(message=f"{TRAINING_JOB_NOT_FOUND}: training job {training_job_name}")
        return describe_training_job(self, training_job_name)

    def describe_tuning_job_as_sagemaker(self, hyper_parameter_tuning_job_name: str):
        if hyper_parameter_tuning_job_name not in self.hyper_parameter_tuning_jobs:
            raise ResourceNotFound(message=f"{TUNING_JOB_NOT_FOUND} with name {hyper_parameter_tuning_job_name}")
        return describe_tuning_job(self, hyper_parameter_tuning_job_name)

    SageMakerModelBackend.describe_training_job = describe_training_job_as_sagemaker
    SageMakerModelBackend.describe_hyper_parameter_tuning_job = describe_tuning_job_as_sagemaker


def list_training_jobs_for_hyper_parameter_tuning_job(self: SageMakerResponse) -> ActionResult:
    """moto's tuning jobs run no trials: an empty list for a tuning job that exists."""
    self.sagemaker_backend.describe_hyper_parameter_tuning_job(self._get_param("HyperParameterTuningJobName"))
    return ActionResult({"TrainingJobSummaries": []})


def install() -> None:
    """The three changes above, applied to moto in this process."""
    use_the_services_not_found_texts()
    # moto dispatches an action to the response method of its snake_case name.
    SageMakerResponse.list_training_jobs_for_hyper_parameter_tuning_job = list_training_jobs_for_hyper_parameter_tuning_job


def serve(port: int) -> None:
    """moto's server on loopback only, until the process is stopped."""
    moto_server_main(["--host", "127.0.0.1", "--port", str(port)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    install()
    serve(args.port)


if __name__ == "__main__":
    main()
