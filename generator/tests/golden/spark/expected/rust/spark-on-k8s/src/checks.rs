// @generated from spark/spark_application.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! Enum API strings, defaults and validation of every payload message, as the
//! annotations declare them. Validation errors name the field path.

#![allow(
    clippy::collapsible_if,
    reason = "one `if` per check keeps each rule readable on its own"
)]
use machinery::plugin::{BuildContext, InvalidInput};
use machinery::validate;

/// Every cross-field rule (`flyteplugin.rules`) as (message full name, rule name), in
/// message order: what tests enumerate so that no rule goes unchecked.
pub const RULES: &[(&str, &str)] = &[];

impl crate::model::Driver {
    /// Fills unset fields of this `Driver` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.cores == 0 {
            self.cores = 1;
        }
    }
    /// Checks this `Driver` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "cores");
            if self.cores != 0 {
                validate::range(&field, self.cores as f64, Some(1.0), Some(256.0))?;
            }
        }
        {
            let field = validate::join(path, "memory");
            if !self.memory.is_empty() {
                validate::pattern(&field, &self.memory, "^[0-9]+([kmgtpKMGTP][bB]?)?$")?;
            }
        }
        {
            let field = validate::join(path, "node_selector");
            for value in self.node_selector.values() {
                validate::k8s::value(&field, value, validate::k8s::Kind::LabelValue)?;
            }
        }
        Ok(())
    }
}

impl crate::model::Executors {
    /// Fills unset fields of this `Executors` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.instances == 0 {
            self.instances = 1;
        }
        if self.cores == 0 {
            self.cores = 1;
        }
    }
    /// Checks this `Executors` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "instances");
            if self.instances != 0 {
                validate::range(&field, self.instances as f64, Some(1.0), Some(1000.0))?;
            }
        }
        {
            let field = validate::join(path, "cores");
            if self.cores != 0 {
                validate::range(&field, self.cores as f64, Some(1.0), Some(256.0))?;
            }
        }
        {
            let field = validate::join(path, "memory");
            if !self.memory.is_empty() {
                validate::pattern(&field, &self.memory, "^[0-9]+([kmgtpKMGTP][bB]?)?$")?;
            }
        }
        {
            let field = validate::join(path, "node_selector");
            for value in self.node_selector.values() {
                validate::k8s::value(&field, value, validate::k8s::Kind::LabelValue)?;
            }
        }
        Ok(())
    }
}

impl crate::model::Spark {
    /// Fills unset fields of this `Spark` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        self.driver.get_or_insert_with(Default::default).apply_defaults(cx);
        self.executor.get_or_insert_with(Default::default).apply_defaults(cx);
        if self.spark_version.is_empty() {
            self.spark_version = "4.0.0".to_string();
        }
        if self.application_file.is_empty() {
            self.application_file = "local:///usr/local/bin/entrypoint.py".to_string();
        }
    }
    /// Checks this `Spark` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "driver");
            if let Some(child) = &self.driver {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "executor");
            if let Some(child) = &self.executor {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "spark_version");
            if !self.spark_version.is_empty() {
                validate::pattern(
                    &field,
                    &self.spark_version,
                    "^[0-9]+\\.[0-9]+(\\.[0-9]+)?$",
                )?;
            }
        }
        {
            let field = validate::join(path, "application_file");
            if !self.application_file.is_empty() {
                validate::pattern(
                    &field,
                    &self.application_file,
                    "^(local|file|https?|s3a?|gs|abfss?|hdfs)://[^\\s]+\\.py$",
                )?;
            }
        }
        Ok(())
    }
}
