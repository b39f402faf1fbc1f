"""flytekit's own task settings on the generated task classes: honoured or refused, never
silently dropped. The backend's side (the environment in the ACK training job) is
tests/conformance/tests/rules.rs::the_task_environment_reaches_the_ack_training_job.
"""

from collections import OrderedDict

import pytest
from flytekit import task
from flytekit.configuration import ImageConfig, SerializationSettings
from flytekit.tools.translator import get_serializable

import flytekitplugins_sagemaker_k8s as sm

SETTINGS = SerializationSettings(
    image_config=ImageConfig.auto_default_image(), project="flytesnacks", domain="development", version="v1"
)
RESOURCES = sm.ResourceConfig(instance_type="ml.m5.xlarge")
BUILTIN = sm.BuiltinAlgorithmTrainingJob(algorithm_name="xgboost", channels=[sm.Channel(name="train")], resources=RESOURCES)


@task(task_config=sm.CustomTrainingJob(resources=RESOURCES), environment={"LOG_LEVEL": "debug"})
def fit(epochs: int) -> int:
    return epochs


def test_environment_travels_in_the_template_container():
    template = get_serializable(OrderedDict(), SETTINGS, fit).template
    assert template.container.env == {"LOG_LEVEL": "debug"}


def test_an_unknown_keyword_of_a_payload_task_is_a_type_error():
    with pytest.raises(TypeError, match="unexpected keyword argument 'interruptable'"):
        sm.SageMakerBuiltinTrainingTask(name="b", config=BUILTIN, interruptable=True)


def test_an_unknown_keyword_of_a_container_task_is_a_type_error():
    def body() -> None:
        pass

    with pytest.raises(TypeError, match="unexpected keyword argument 'enviroment'"):
        sm.SageMakerCustomTrainingTask(sm.CustomTrainingJob(resources=RESOURCES), body, enviroment={"A": "1"})


def test_known_flytekit_keywords_are_still_taken():
    t = sm.SageMakerBuiltinTrainingTask(name="b", config=BUILTIN, environment={"A": "1"}, docs=None)
    assert t.environment == {"A": "1"}
