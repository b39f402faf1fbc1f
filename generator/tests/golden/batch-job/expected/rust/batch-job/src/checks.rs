// @generated from batchjob/batch_job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
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

impl crate::model::PullPolicy {
    /// The string the target APIs expect for this `PullPolicy` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Always => Some("Always"),
            Self::IfNotPresent => Some("IfNotPresent"),
            Self::Never => Some("Never"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::BatchJob {
    /// Fills unset fields of this `BatchJob` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        for child in &mut self.containers {
            child.apply_defaults(cx);
        }
        if self.parallelism == 0 {
            self.parallelism = 1;
        }
        if self.backoff_limit == 0 {
            self.backoff_limit = 0;
        }
    }
    /// Checks this `BatchJob` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "containers");
            validate::required(&field, !self.containers.is_empty())?;
            if !self.containers.is_empty() {
                validate::count(&field, self.containers.len(), Some(1.0), None)?;
            }
            for (i, item) in self.containers.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "parallelism");
            if self.parallelism != 0 {
                validate::range(
                    &field,
                    self.parallelism as f64,
                    Some(1.0),
                    Some(100.0),
                )?;
            }
        }
        {
            let field = validate::join(path, "backoff_limit");
            if self.backoff_limit != 0 {
                validate::range(&field, self.backoff_limit as f64, Some(0.0), None)?;
            }
        }
        Ok(())
    }
}

impl crate::model::Container {
    /// Fills unset fields of this `Container` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.image_pull_policy == 0 {
            self.image_pull_policy = crate::model::PullPolicy::IfNotPresent as i32;
        }
    }
    /// Checks this `Container` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "name");
            validate::required(&field, !self.name.is_empty())?;
            if !self.name.is_empty() {
                validate::length(&field, &self.name, None, Some(63u32))?;
                validate::pattern(
                    &field,
                    &self.name,
                    "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$",
                )?;
            }
        }
        {
            let field = validate::join(path, "image");
            validate::required(&field, !self.image.is_empty())?;
        }
        {
            let field = validate::join(path, "image_pull_policy");
            if self.image_pull_policy != 0 {
                match crate::model::PullPolicy::try_from(self.image_pull_policy) {
                    Ok(e) if e.unsupported_in(target) => {
                        validate::unsupported_in_target(
                            &field,
                            e.api().unwrap_or_default(),
                            target,
                        )?
                    }
                    Ok(_) => {}
                    Err(_) => {
                        return Err(
                            InvalidInput::new(
                                field.clone(),
                                format!("unknown value {}", self.image_pull_policy),
                            ),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}
