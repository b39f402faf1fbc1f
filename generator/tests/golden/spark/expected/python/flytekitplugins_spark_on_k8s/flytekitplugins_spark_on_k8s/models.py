# @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
"""Payload models of the `spark-on-k8s` plugin, from `spark/spark_application.proto`.

Every dataclass takes keyword arguments only, one per field in proto declaration order; a field
whose rules say required and that nothing fills by default has no default, so leaving it out is a
`TypeError` (and a type checker's error). `validate()` applies the declared rules and raises
`ValueError` naming the dotted path of the first offending field; `to_dict()` gives the proto3
JSON form the backend decodes (lowerCamelCase keys, unset and zero values left out, enums by
proto value name).
"""

from __future__ import annotations

import dataclasses
import datetime
import typing

from . import _support


@dataclasses.dataclass(kw_only=True)
class Driver:
    """The Spark driver.

    Attributes:
        cores: `spark.driver.cores`: threads of the driver process (its CPU request is the
            task's).
            Rules: 1 to 256.
        memory: The driver JVM's memory in Spark's notation (`512m`, `4g`; not Kubernetes'
            `4Gi`); the task's memory request when unset.
            Rules: matches `^[0-9]+([kmgtpKMGTP][bB]?)?$`.
        node_selector: Labels a node must carry to run the driver (the pod's `nodeSelector`).
            Rules: values are a label value.
    """

    cores: int = 1
    memory: str = ""
    node_selector: dict[str, str] = dataclasses.field(default_factory=dict)

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "cores")
        _support.expect_int(p, self.cores, "int32")
        _support.number_range(p, self.cores, 1, 256)
        p = _support.join(path, "memory")
        _support.expect(p, self.memory, str)
        if self.memory:
            _support.pattern(p, self.memory, "^[0-9]+([kmgtpKMGTP][bB]?)?$")
        p = _support.join(path, "node_selector")
        _support.expect_map(p, self.node_selector)
        for key, node_selector_item in self.node_selector.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, node_selector_item, str)
            _support.k8s_value(q, node_selector_item, "LABEL_VALUE")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.cores:
            out["cores"] = int(self.cores)
        if self.memory:
            out["memory"] = self.memory
        if self.node_selector:
            out["nodeSelector"] = dict(self.node_selector)
        return out


@dataclasses.dataclass(kw_only=True)
class Executors:
    """The Spark executors, all alike.

    Attributes:
        instances: Executors to start.
            Rules: 1 to 1000.
        cores: `spark.executor.cores`: tasks each executor runs at once.
            Rules: 1 to 256.
        memory: Each executor JVM's memory in Spark's notation (`512m`, `4g`; not Kubernetes'
            `4Gi`); the task's memory request when unset.
            Rules: matches `^[0-9]+([kmgtpKMGTP][bB]?)?$`.
        node_selector: Labels a node must carry to run an executor (the pods' `nodeSelector`).
            Rules: values are a label value.
    """

    instances: int = 1
    cores: int = 1
    memory: str = ""
    node_selector: dict[str, str] = dataclasses.field(default_factory=dict)

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "instances")
        _support.expect_int(p, self.instances, "int32")
        _support.number_range(p, self.instances, 1, 1000)
        p = _support.join(path, "cores")
        _support.expect_int(p, self.cores, "int32")
        _support.number_range(p, self.cores, 1, 256)
        p = _support.join(path, "memory")
        _support.expect(p, self.memory, str)
        if self.memory:
            _support.pattern(p, self.memory, "^[0-9]+([kmgtpKMGTP][bB]?)?$")
        p = _support.join(path, "node_selector")
        _support.expect_map(p, self.node_selector)
        for key, node_selector_item in self.node_selector.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, node_selector_item, str)
            _support.k8s_value(q, node_selector_item, "LABEL_VALUE")

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.instances:
            out["instances"] = int(self.instances)
        if self.cores:
            out["cores"] = int(self.cores)
        if self.memory:
            out["memory"] = self.memory
        if self.node_selector:
            out["nodeSelector"] = dict(self.node_selector)
        return out


@dataclasses.dataclass(kw_only=True)
class Spark:
    """Runs the task function as a PySpark application: the Spark operator submits it with
    spark-submit in cluster mode, the driver runs the function, and the executors run the Spark
    work it hands out.

    Attributes:
        spark_conf: Spark properties, as `--conf` of spark-submit (`spark.sql.shuffle.partitions:
            "64"`).
        hadoop_conf: Hadoop properties, without the `spark.hadoop.` prefix (`fs.s3a.endpoint:
            ...`).
        driver: The driver, which runs the task function.
        executor: The executors.
        spark_version: The Spark version of the task's image.
            Rules: matches `^[0-9]+\\.[0-9]+(\\.[0-9]+)?$`.
        application_file: The Python file spark-submit starts in the driver. flytekit installs
            its `entrypoint.py` beside its console scripts; it runs the task's command, which
            arrives as the application's arguments. Change it for an image whose Python lives
            elsewhere (`local:///opt/venv/bin/...`).
            Rules: matches `^(local|file|https?|s3a?|gs|abfss?|hdfs)://[^\\s]+\\.py$`.
        time_to_live: How long the operator keeps the application after it has ended, before
            deleting it.
    """

    spark_conf: dict[str, str] = dataclasses.field(default_factory=dict)
    hadoop_conf: dict[str, str] = dataclasses.field(default_factory=dict)
    driver: Driver | None = None
    executor: Executors | None = None
    spark_version: str = "4.0.0"
    application_file: str = "local:///usr/local/bin/entrypoint.py"
    time_to_live: datetime.timedelta | None = None

    # The names of the rules between fields that `validate` checks (listed in the docstring).
    RULES: typing.ClassVar[tuple[str, ...]] = ()

    def validate(self, path: str = "", target: str | None = None, container: bool | None = None) -> None:
        """Checks the declared rules here and in every nested message.

        Raises ValueError whose message starts with the dotted path of the first offending field,
        prefixed by `path`. With `target`, also rejects fields and enum values that target cannot
        take; without it, only what every target requires. `container` says whether the task
        template carries a container; the rules that depend on it are skipped when it is None.
        """
        p = _support.join(path, "spark_conf")
        _support.expect_map(p, self.spark_conf)
        for key, spark_conf_item in self.spark_conf.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, spark_conf_item, str)
        p = _support.join(path, "hadoop_conf")
        _support.expect_map(p, self.hadoop_conf)
        for key, hadoop_conf_item in self.hadoop_conf.items():
            q = f"{p}[{key!r}]"
            _support.expect(q, key, str)
            _support.expect(q, hadoop_conf_item, str)
        p = _support.join(path, "driver")
        _support.expect(p, self.driver, Driver, optional=True)
        if self.driver is not None:
            self.driver.validate(p, target, container)
        p = _support.join(path, "executor")
        _support.expect(p, self.executor, Executors, optional=True)
        if self.executor is not None:
            self.executor.validate(p, target, container)
        p = _support.join(path, "spark_version")
        _support.expect(p, self.spark_version, str)
        if self.spark_version:
            _support.pattern(p, self.spark_version, "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$")
        p = _support.join(path, "application_file")
        _support.expect(p, self.application_file, str)
        if self.application_file:
            _support.pattern(p, self.application_file, "^(local|file|https?|s3a?|gs|abfss?|hdfs)://[^\\s]+\\.py$")
        p = _support.join(path, "time_to_live")
        _support.expect(p, self.time_to_live, datetime.timedelta, optional=True)

    def to_dict(self) -> dict[str, typing.Any]:
        """This message as proto3 JSON: lowerCamelCase keys, unset and zero values left out."""
        out: dict[str, typing.Any] = {}
        if self.spark_conf:
            out["sparkConf"] = dict(self.spark_conf)
        if self.hadoop_conf:
            out["hadoopConf"] = dict(self.hadoop_conf)
        if self.driver is not None:
            out["driver"] = self.driver.to_dict()
        if self.executor is not None:
            out["executor"] = self.executor.to_dict()
        if self.spark_version:
            out["sparkVersion"] = self.spark_version
        if self.application_file:
            out["applicationFile"] = self.application_file
        if self.time_to_live is not None:
            out["timeToLive"] = _support.duration_text(self.time_to_live)
        return out
