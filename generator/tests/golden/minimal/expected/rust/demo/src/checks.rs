// @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
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

impl crate::model::Job {
    /// Fills unset fields of this `Job` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.replicas == 0 {
            self.replicas = 1;
        }
    }
    /// Checks this `Job` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "replicas");
            if self.replicas != 0 {
                validate::range(&field, self.replicas as f64, Some(1.0), Some(10.0))?;
            }
        }
        Ok(())
    }
}
