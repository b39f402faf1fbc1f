"""Example workflows for the SageMaker plugin's flytekit SDK (`flytekitplugins_sagemaker_k8s`)."""
