// @generated from ray/ray_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
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

impl crate::model::HeadGroup {
    /// Fills unset fields of this `HeadGroup` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `HeadGroup` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "node_selector");
            for value in self.node_selector.values() {
                validate::k8s::value(&field, value, validate::k8s::Kind::LabelValue)?;
            }
        }
        Ok(())
    }
}

impl crate::model::RayJob {
    /// Fills unset fields of this `RayJob` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        if let Some(child) = &mut self.head {
            child.apply_defaults(cx);
        }
        self.workers.get_or_insert_with(Default::default).apply_defaults(cx);
        if !self.shutdown_after_job_finishes {
            self.shutdown_after_job_finishes = true;
        }
    }
    /// Checks this `RayJob` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "head");
            if let Some(child) = &self.head {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "workers");
            if let Some(child) = &self.workers {
                child.validate(&field, target, container)?;
            }
        }
        Ok(())
    }
}

impl crate::model::WorkerGroup {
    /// Fills unset fields of this `WorkerGroup` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.replicas == 0 {
            self.replicas = 1;
        }
        if self.min_replicas.is_none() {
            self.min_replicas = Some(0);
        }
        if self.max_replicas == 0 {
            self.max_replicas = 1000;
        }
    }
    /// Checks this `WorkerGroup` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "replicas");
            if self.replicas != 0 {
                validate::range(&field, self.replicas as f64, Some(0.0), Some(1000.0))?;
            }
        }
        {
            let field = validate::join(path, "min_replicas");
            if let Some(value) = self.min_replicas {
                validate::range(&field, value as f64, Some(0.0), Some(1000.0))?;
            }
        }
        {
            let field = validate::join(path, "max_replicas");
            if self.max_replicas != 0 {
                validate::range(
                    &field,
                    self.max_replicas as f64,
                    Some(1.0),
                    Some(1000.0),
                )?;
                if let Some(other) = Some(self.replicas).filter(|_| self.replicas != 0) {
                    validate::at_least(
                        &field,
                        self.max_replicas as f64,
                        "replicas",
                        other as f64,
                    )?;
                }
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
