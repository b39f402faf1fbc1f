// @generated from sagemaker/sagemaker.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
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
pub const RULES: &[(&str, &str)] = &[
    ("flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob", "image-source"),
    ("flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob", "spot-needs-max-wait"),
    ("flyteplugin.sagemaker.BuiltinAlgorithmTrainingJob", "max-wait-needs-spot"),
    ("flyteplugin.sagemaker.ContinuousParameterRange", "bounds-set"),
    ("flyteplugin.sagemaker.ContinuousParameterRange", "log-needs-positive-min"),
    ("flyteplugin.sagemaker.CustomTrainingJob", "no-network-isolation"),
    ("flyteplugin.sagemaker.CustomTrainingJob", "spot-needs-max-wait"),
    ("flyteplugin.sagemaker.CustomTrainingJob", "max-wait-needs-spot"),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "image-source"),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "no-algorithm-with-container"),
    (
        "flyteplugin.sagemaker.HyperparameterTuningJob",
        "no-network-isolation-with-container",
    ),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "objective-metric-defined"),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "tuned-once"),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "grid-only-categorical"),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "spot-needs-max-wait"),
    ("flyteplugin.sagemaker.HyperparameterTuningJob", "max-wait-needs-spot"),
    ("flyteplugin.sagemaker.IntegerParameterRange", "bounds-set"),
    ("flyteplugin.sagemaker.IntegerParameterRange", "log-needs-positive-min"),
    ("flyteplugin.sagemaker.IntegerParameterRange", "no-reverse-logarithmic"),
];

impl crate::model::CompressionType {
    /// The string the target APIs expect for this `CompressionType` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::None => Some("None"),
            Self::Gzip => Some("Gzip"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::DistributedProtocol {
    /// The string the target APIs expect for this `DistributedProtocol` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Mpi => Some("true"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::EarlyStoppingType {
    /// The string the target APIs expect for this `EarlyStoppingType` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Off => Some("Off"),
            Self::Auto => Some("Auto"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::InputMode {
    /// The string the target APIs expect for this `InputMode` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::File => Some("File"),
            Self::Pipe => Some("Pipe"),
            Self::FastFile => Some("FastFile"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, target: &str) -> bool {
        match target {
            "operator" => matches!(self, Self::FastFile),
            _ => false,
        }
    }
}

impl crate::model::ObjectiveType {
    /// The string the target APIs expect for this `ObjectiveType` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Minimize => Some("Minimize"),
            Self::Maximize => Some("Maximize"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::S3DataDistribution {
    /// The string the target APIs expect for this `S3DataDistribution` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::FullyReplicated => Some("FullyReplicated"),
            Self::ShardedByS3Key => Some("ShardedByS3Key"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::S3DataType {
    /// The string the target APIs expect for this `S3DataType` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::S3Prefix => Some("S3Prefix"),
            Self::ManifestFile => Some("ManifestFile"),
            Self::AugmentedManifestFile => Some("AugmentedManifestFile"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::ScalingType {
    /// The string the target APIs expect for this `ScalingType` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Auto => Some("Auto"),
            Self::Linear => Some("Linear"),
            Self::Logarithmic => Some("Logarithmic"),
            Self::ReverseLogarithmic => Some("ReverseLogarithmic"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::TuningStrategy {
    /// The string the target APIs expect for this `TuningStrategy` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::Bayesian => Some("Bayesian"),
            Self::Random => Some("Random"),
            Self::Hyperband => Some("Hyperband"),
            Self::Grid => Some("Grid"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::WarmStartType {
    /// The string the target APIs expect for this `WarmStartType` value (`None` for "not set").
    pub fn api(self) -> Option<&'static str> {
        match self {
            Self::Unspecified => None,
            Self::IdenticalDataAndAlgorithm => Some("IdenticalDataAndAlgorithm"),
            Self::TransferLearning => Some("TransferLearning"),
        }
    }
    /// Whether `target` rejects this value.
    pub fn unsupported_in(self, _target: &str) -> bool {
        false
    }
}

impl crate::model::BuiltinAlgorithmTrainingJob {
    /// Fills unset fields of this `BuiltinAlgorithmTrainingJob` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        if self.input_mode == 0 {
            self.input_mode = crate::model::InputMode::File as i32;
        }
        for child in &mut self.metric_definitions {
            child.apply_defaults(cx);
        }
        for child in &mut self.channels {
            child.apply_defaults(cx);
        }
        if let Some(child) = &mut self.resources {
            child.apply_defaults(cx);
        }
        self.stopping_condition.get_or_insert_with(Default::default).apply_defaults(cx);
        if let Some(child) = &mut self.checkpoint {
            child.apply_defaults(cx);
        }
        if let Some(child) = &mut self.vpc {
            child.apply_defaults(cx);
        }
        if self.output_path.is_empty() {
            if let Some(value) = Some(cx.output_prefix.clone()).filter(|p| !p.is_empty())
            {
                self.output_path = value;
            }
        }
        if self.role_arn.is_empty() {
            if let Some(value) = cx.iam_role.clone() {
                self.role_arn = value;
            }
        }
        if self.region.is_empty() {
            if let Some(value) = cx.region.clone() {
                self.region = value;
            }
        }
    }
    /// Checks this `BuiltinAlgorithmTrainingJob` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "algorithm_name");
            if !self.algorithm_name.is_empty() {
                validate::length(&field, &self.algorithm_name, None, Some(64u32))?;
                validate::pattern(
                    &field,
                    &self.algorithm_name,
                    "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                )?;
            }
        }
        {
            let field = validate::join(path, "algorithm_version");
            if !self.algorithm_version.is_empty() {
                validate::length(&field, &self.algorithm_version, None, Some(64u32))?;
                validate::pattern(
                    &field,
                    &self.algorithm_version,
                    "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                )?;
            }
        }
        {
            let field = validate::join(path, "training_image");
            if !self.training_image.is_empty() {
                validate::length(&field, &self.training_image, None, Some(255u32))?;
            }
        }
        {
            let field = validate::join(path, "input_mode");
            if self.input_mode != 0 {
                match crate::model::InputMode::try_from(self.input_mode) {
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
                                format!("unknown value {}", self.input_mode),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "metric_definitions");
            if !self.metric_definitions.is_empty() {
                validate::count(
                    &field,
                    self.metric_definitions.len(),
                    None,
                    Some(40.0),
                )?;
            }
            for (i, item) in self.metric_definitions.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "channels");
            validate::required(&field, !self.channels.is_empty())?;
            if !self.channels.is_empty() {
                validate::count(&field, self.channels.len(), Some(1.0), Some(20.0))?;
            }
            for (i, item) in self.channels.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "hyperparameters");
            if !self.hyperparameters.is_empty() {
                validate::count(&field, self.hyperparameters.len(), None, Some(100.0))?;
            }
            for (key, value) in &self.hyperparameters {
                validate::length(&field, key, None, Some(256u32))?;
                validate::length(&field, value, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "resources");
            validate::required(&field, self.resources.is_some())?;
            if let Some(child) = &self.resources {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "stopping_condition");
            if let Some(child) = &self.stopping_condition {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "checkpoint");
            if let Some(child) = &self.checkpoint {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "vpc");
            if let Some(child) = &self.vpc {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "output_path");
            if !self.output_path.is_empty() {
                validate::length(&field, &self.output_path, None, Some(1024u32))?;
                validate::pattern(
                    &field,
                    &self.output_path,
                    "^(https|s3)://([^/]+)/?(.*)$",
                )?;
            }
        }
        {
            let field = validate::join(path, "output_kms_key_id");
            if !self.output_kms_key_id.is_empty() {
                validate::length(&field, &self.output_kms_key_id, None, Some(2048u32))?;
            }
        }
        {
            let field = validate::join(path, "environment");
            if !self.environment.is_empty() {
                validate::count(&field, self.environment.len(), None, Some(100.0))?;
            }
            for (key, value) in &self.environment {
                validate::length(&field, key, None, Some(512u32))?;
                validate::pattern(&field, key, "^[a-zA-Z_][a-zA-Z0-9_]*$")?;
                validate::length(&field, value, None, Some(512u32))?;
            }
        }
        {
            let field = validate::join(path, "max_retry_attempts");
            if self.max_retry_attempts != 0 {
                validate::range(
                    &field,
                    self.max_retry_attempts as f64,
                    Some(1.0),
                    Some(30.0),
                )?;
            }
        }
        {
            let field = validate::join(path, "tags");
            if !self.tags.is_empty() {
                validate::count(&field, self.tags.len(), None, Some(50.0))?;
            }
            for (key, value) in &self.tags {
                validate::length(&field, key, None, Some(256u32))?;
                validate::length(&field, value, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "role_arn");
            validate::required_or(
                &field,
                !self.role_arn.is_empty(),
                "set `role_arn`, or give it through the task's security context (`run_as.iam_role`), the execution's identity, the execution annotation the backend's `roleAnnotationKey` names, or the backend's `defaultRoleArn`",
            )?;
            if !self.role_arn.is_empty() {
                validate::length(&field, &self.role_arn, Some(20u32), Some(2048u32))?;
                validate::pattern(
                    &field,
                    &self.role_arn,
                    "^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$",
                )?;
            }
        }
        {
            let field = validate::join(path, "region");
            if !self.region.is_empty() {
                validate::length(&field, &self.region, None, Some(32u32))?;
                validate::pattern(&field, &self.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$")?;
            }
        }
        if [!self.algorithm_name.is_empty(), !self.training_image.is_empty()]
            .iter()
            .filter(|s| **s)
            .count() == 0
        {
            validate::rule(
                &validate::join(path, "algorithm_name"),
                "one of `algorithm_name`, `training_image` must be set: the training image is looked up from `algorithm_name` or given as `training_image` (rule `image-source`)",
            )?;
        }
        if self.enable_managed_spot_training {
            if self.stopping_condition.as_ref().is_none_or(|m0| m0.max_wait_seconds == 0)
            {
                validate::rule(
                    &validate::join(path, "stopping_condition.max_wait_seconds"),
                    "`stopping_condition.max_wait_seconds` must be set when `enable_managed_spot_training` is set: SageMaker requires a total time limit for managed spot training (rule `spot-needs-max-wait`)",
                )?;
            }
        }
        if self.stopping_condition.as_ref().is_some_and(|m0| m0.max_wait_seconds != 0) {
            if !self.enable_managed_spot_training {
                validate::rule(
                    &validate::join(path, "enable_managed_spot_training"),
                    "`enable_managed_spot_training` must be set when `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for managed spot training (rule `max-wait-needs-spot`)",
                )?;
            }
        }
        Ok(())
    }
}

impl crate::model::CategoricalParameterRange {
    /// Fills unset fields of this `CategoricalParameterRange` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `CategoricalParameterRange` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "name");
            validate::required(&field, !self.name.is_empty())?;
            if !self.name.is_empty() {
                validate::length(&field, &self.name, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "values");
            validate::required(&field, !self.values.is_empty())?;
            if !self.values.is_empty() {
                validate::count(&field, self.values.len(), Some(1.0), Some(30.0))?;
            }
            for item in &self.values {
                validate::length(&field, item, None, Some(256u32))?;
            }
        }
        Ok(())
    }
}

impl crate::model::Channel {
    /// Fills unset fields of this `Channel` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.s3_data_type == 0 {
            self.s3_data_type = crate::model::S3DataType::S3Prefix as i32;
        }
        if self.distribution == 0 {
            self.distribution = crate::model::S3DataDistribution::FullyReplicated as i32;
        }
    }
    /// Checks this `Channel` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
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
                validate::length(&field, &self.name, None, Some(64u32))?;
                validate::pattern(&field, &self.name, "^[A-Za-z0-9._-]+$")?;
            }
        }
        {
            let field = validate::join(path, "s3_uri");
            if !self.s3_uri.is_empty() {
                validate::length(&field, &self.s3_uri, None, Some(1024u32))?;
                validate::pattern(&field, &self.s3_uri, "^(https|s3)://([^/]+)/?(.*)$")?;
            }
        }
        {
            let field = validate::join(path, "content_type");
            if !self.content_type.is_empty() {
                validate::length(&field, &self.content_type, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "compression");
            if self.compression != 0 {
                match crate::model::CompressionType::try_from(self.compression) {
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
                                format!("unknown value {}", self.compression),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "s3_data_type");
            if self.s3_data_type != 0 {
                match crate::model::S3DataType::try_from(self.s3_data_type) {
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
                                format!("unknown value {}", self.s3_data_type),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "distribution");
            if self.distribution != 0 {
                match crate::model::S3DataDistribution::try_from(self.distribution) {
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
                                format!("unknown value {}", self.distribution),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "input_mode");
            if self.input_mode != 0 {
                match crate::model::InputMode::try_from(self.input_mode) {
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
                                format!("unknown value {}", self.input_mode),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "attribute_names");
            if !self.attribute_names.is_empty() {
                validate::count(&field, self.attribute_names.len(), None, Some(16.0))?;
            }
            for item in &self.attribute_names {
                validate::length(&field, item, None, Some(256u32))?;
            }
        }
        Ok(())
    }
}

impl crate::model::CheckpointConfig {
    /// Fills unset fields of this `CheckpointConfig` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `CheckpointConfig` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "s3_uri");
            validate::required(&field, !self.s3_uri.is_empty())?;
            if !self.s3_uri.is_empty() {
                validate::length(&field, &self.s3_uri, None, Some(1024u32))?;
                validate::pattern(&field, &self.s3_uri, "^(https|s3)://([^/]+)/?(.*)$")?;
            }
        }
        {
            let field = validate::join(path, "local_path");
            if !self.local_path.is_empty() {
                validate::length(&field, &self.local_path, None, Some(4096u32))?;
            }
        }
        Ok(())
    }
}

impl crate::model::ContinuousParameterRange {
    /// Fills unset fields of this `ContinuousParameterRange` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.scaling_type == 0 {
            self.scaling_type = crate::model::ScalingType::Auto as i32;
        }
    }
    /// Checks this `ContinuousParameterRange` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
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
                validate::length(&field, &self.name, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "max_value");
            if let Some(value) = self.max_value {
                if let Some(other) = self.min_value {
                    validate::at_least(&field, value, "min_value", other)?;
                }
            }
        }
        {
            let field = validate::join(path, "scaling_type");
            if self.scaling_type != 0 {
                match crate::model::ScalingType::try_from(self.scaling_type) {
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
                                format!("unknown value {}", self.scaling_type),
                            ),
                        );
                    }
                }
            }
        }
        if self.min_value.is_none() {
            validate::rule(
                &validate::join(path, "min_value"),
                "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)",
            )?;
        }
        if self.max_value.is_none() {
            validate::rule(
                &validate::join(path, "max_value"),
                "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)",
            )?;
        }
        if matches!(
            crate ::model::ScalingType::try_from(self.scaling_type), Ok(crate
            ::model::ScalingType::Logarithmic)
        ) {
            if self.min_value.is_some() {
                validate::rule_compare(
                    &validate::join(path, "min_value"),
                    self.min_value.unwrap_or_default(),
                    ">",
                    0.0,
                    "`min_value` must be > 0 when `scaling_type` is Logarithmic: a logarithmic scale has no zero or negative values (rule `log-needs-positive-min`)",
                )?;
            }
        }
        Ok(())
    }
}

impl crate::model::CustomTrainingJob {
    /// Fills unset fields of this `CustomTrainingJob` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        if self.input_mode == 0 {
            self.input_mode = crate::model::InputMode::File as i32;
        }
        for child in &mut self.metric_definitions {
            child.apply_defaults(cx);
        }
        for child in &mut self.channels {
            child.apply_defaults(cx);
        }
        if let Some(child) = &mut self.resources {
            child.apply_defaults(cx);
        }
        self.stopping_condition.get_or_insert_with(Default::default).apply_defaults(cx);
        if let Some(child) = &mut self.checkpoint {
            child.apply_defaults(cx);
        }
        if let Some(child) = &mut self.vpc {
            child.apply_defaults(cx);
        }
        if self.output_path.is_empty() {
            if let Some(value) = Some(cx.output_prefix.clone()).filter(|p| !p.is_empty())
            {
                self.output_path = value;
            }
        }
        if self.role_arn.is_empty() {
            if let Some(value) = cx.iam_role.clone() {
                self.role_arn = value;
            }
        }
        if self.region.is_empty() {
            if let Some(value) = cx.region.clone() {
                self.region = value;
            }
        }
    }
    /// Checks this `CustomTrainingJob` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "input_mode");
            if self.input_mode != 0 {
                match crate::model::InputMode::try_from(self.input_mode) {
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
                                format!("unknown value {}", self.input_mode),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "metric_definitions");
            if !self.metric_definitions.is_empty() {
                validate::count(
                    &field,
                    self.metric_definitions.len(),
                    None,
                    Some(40.0),
                )?;
            }
            for (i, item) in self.metric_definitions.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "channels");
            if !self.channels.is_empty() {
                validate::count(&field, self.channels.len(), None, Some(20.0))?;
            }
            for (i, item) in self.channels.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "hyperparameters");
            if !self.hyperparameters.is_empty() {
                validate::count(&field, self.hyperparameters.len(), None, Some(100.0))?;
            }
            for (key, value) in &self.hyperparameters {
                validate::length(&field, key, None, Some(256u32))?;
                validate::length(&field, value, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "distributed_protocol");
            if self.distributed_protocol != 0 {
                match crate::model::DistributedProtocol::try_from(
                    self.distributed_protocol,
                ) {
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
                                format!("unknown value {}", self.distributed_protocol),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "resources");
            validate::required(&field, self.resources.is_some())?;
            if let Some(child) = &self.resources {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "stopping_condition");
            if let Some(child) = &self.stopping_condition {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "checkpoint");
            if let Some(child) = &self.checkpoint {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "vpc");
            if let Some(child) = &self.vpc {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "output_path");
            if !self.output_path.is_empty() {
                validate::length(&field, &self.output_path, None, Some(1024u32))?;
                validate::pattern(
                    &field,
                    &self.output_path,
                    "^(https|s3)://([^/]+)/?(.*)$",
                )?;
            }
        }
        {
            let field = validate::join(path, "output_kms_key_id");
            if !self.output_kms_key_id.is_empty() {
                validate::length(&field, &self.output_kms_key_id, None, Some(2048u32))?;
            }
        }
        {
            let field = validate::join(path, "environment");
            if !self.environment.is_empty() {
                validate::count(&field, self.environment.len(), None, Some(100.0))?;
            }
            for (key, value) in &self.environment {
                validate::length(&field, key, None, Some(512u32))?;
                validate::pattern(&field, key, "^[a-zA-Z_][a-zA-Z0-9_]*$")?;
                validate::length(&field, value, None, Some(512u32))?;
            }
        }
        {
            let field = validate::join(path, "max_retry_attempts");
            if self.max_retry_attempts != 0 {
                validate::range(
                    &field,
                    self.max_retry_attempts as f64,
                    Some(1.0),
                    Some(30.0),
                )?;
            }
        }
        {
            let field = validate::join(path, "tags");
            if !self.tags.is_empty() {
                validate::count(&field, self.tags.len(), None, Some(50.0))?;
            }
            for (key, value) in &self.tags {
                validate::length(&field, key, None, Some(256u32))?;
                validate::length(&field, value, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "role_arn");
            validate::required_or(
                &field,
                !self.role_arn.is_empty(),
                "set `role_arn`, or give it through the task's security context (`run_as.iam_role`), the execution's identity, the execution annotation the backend's `roleAnnotationKey` names, or the backend's `defaultRoleArn`",
            )?;
            if !self.role_arn.is_empty() {
                validate::length(&field, &self.role_arn, Some(20u32), Some(2048u32))?;
                validate::pattern(
                    &field,
                    &self.role_arn,
                    "^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$",
                )?;
            }
        }
        {
            let field = validate::join(path, "region");
            if !self.region.is_empty() {
                validate::length(&field, &self.region, None, Some(32u32))?;
                validate::pattern(&field, &self.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$")?;
            }
        }
        if self.enable_network_isolation {
            validate::rule(
                &validate::join(path, "enable_network_isolation"),
                "not allowed: `enable_network_isolation` is set: flytekit in the container reads the task's inputs and writes its outputs over the network (rule `no-network-isolation`)",
            )?;
        }
        if self.enable_managed_spot_training {
            if self.stopping_condition.as_ref().is_none_or(|m0| m0.max_wait_seconds == 0)
            {
                validate::rule(
                    &validate::join(path, "stopping_condition.max_wait_seconds"),
                    "`stopping_condition.max_wait_seconds` must be set when `enable_managed_spot_training` is set: SageMaker requires a total time limit for managed spot training (rule `spot-needs-max-wait`)",
                )?;
            }
        }
        if self.stopping_condition.as_ref().is_some_and(|m0| m0.max_wait_seconds != 0) {
            if !self.enable_managed_spot_training {
                validate::rule(
                    &validate::join(path, "enable_managed_spot_training"),
                    "`enable_managed_spot_training` must be set when `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for managed spot training (rule `max-wait-needs-spot`)",
                )?;
            }
        }
        Ok(())
    }
}

impl crate::model::HyperparameterTuningJob {
    /// Fills unset fields of this `HyperparameterTuningJob` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        if let Some(child) = &mut self.objective {
            child.apply_defaults(cx);
        }
        for child in &mut self.continuous_ranges {
            child.apply_defaults(cx);
        }
        for child in &mut self.integer_ranges {
            child.apply_defaults(cx);
        }
        for child in &mut self.categorical_ranges {
            child.apply_defaults(cx);
        }
        if self.strategy == 0 {
            self.strategy = crate::model::TuningStrategy::Bayesian as i32;
        }
        if self.early_stopping == 0 {
            self.early_stopping = crate::model::EarlyStoppingType::Off as i32;
        }
        if let Some(child) = &mut self.warm_start {
            child.apply_defaults(cx);
        }
        if self.input_mode == 0 {
            self.input_mode = crate::model::InputMode::File as i32;
        }
        for child in &mut self.metric_definitions {
            child.apply_defaults(cx);
        }
        for child in &mut self.channels {
            child.apply_defaults(cx);
        }
        if let Some(child) = &mut self.resources {
            child.apply_defaults(cx);
        }
        self.stopping_condition.get_or_insert_with(Default::default).apply_defaults(cx);
        if let Some(child) = &mut self.checkpoint {
            child.apply_defaults(cx);
        }
        if let Some(child) = &mut self.vpc {
            child.apply_defaults(cx);
        }
        if self.output_path.is_empty() {
            if let Some(value) = Some(cx.output_prefix.clone()).filter(|p| !p.is_empty())
            {
                self.output_path = value;
            }
        }
        if self.role_arn.is_empty() {
            if let Some(value) = cx.iam_role.clone() {
                self.role_arn = value;
            }
        }
        if self.region.is_empty() {
            if let Some(value) = cx.region.clone() {
                self.region = value;
            }
        }
    }
    /// Checks this `HyperparameterTuningJob` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "algorithm_name");
            if !self.algorithm_name.is_empty() {
                validate::length(&field, &self.algorithm_name, None, Some(64u32))?;
                validate::pattern(
                    &field,
                    &self.algorithm_name,
                    "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                )?;
            }
        }
        {
            let field = validate::join(path, "algorithm_version");
            if !self.algorithm_version.is_empty() {
                validate::length(&field, &self.algorithm_version, None, Some(64u32))?;
                validate::pattern(
                    &field,
                    &self.algorithm_version,
                    "^[A-Za-z0-9][A-Za-z0-9._-]*$",
                )?;
            }
        }
        {
            let field = validate::join(path, "training_image");
            if !self.training_image.is_empty() {
                validate::length(&field, &self.training_image, None, Some(255u32))?;
            }
        }
        {
            let field = validate::join(path, "objective");
            validate::required(&field, self.objective.is_some())?;
            if let Some(child) = &self.objective {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "continuous_ranges");
            if !self.continuous_ranges.is_empty() {
                validate::count(&field, self.continuous_ranges.len(), None, Some(30.0))?;
            }
            for (i, item) in self.continuous_ranges.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "integer_ranges");
            if !self.integer_ranges.is_empty() {
                validate::count(&field, self.integer_ranges.len(), None, Some(30.0))?;
            }
            for (i, item) in self.integer_ranges.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "categorical_ranges");
            if !self.categorical_ranges.is_empty() {
                validate::count(
                    &field,
                    self.categorical_ranges.len(),
                    None,
                    Some(30.0),
                )?;
            }
            for (i, item) in self.categorical_ranges.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "strategy");
            if self.strategy != 0 {
                match crate::model::TuningStrategy::try_from(self.strategy) {
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
                                format!("unknown value {}", self.strategy),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "max_number_of_training_jobs");
            if self.max_number_of_training_jobs != 0 {
                validate::range(
                    &field,
                    self.max_number_of_training_jobs as f64,
                    Some(1.0),
                    None,
                )?;
            }
        }
        {
            let field = validate::join(path, "max_parallel_training_jobs");
            validate::required(&field, self.max_parallel_training_jobs != 0)?;
            if self.max_parallel_training_jobs != 0 {
                validate::range(
                    &field,
                    self.max_parallel_training_jobs as f64,
                    Some(1.0),
                    None,
                )?;
            }
        }
        {
            let field = validate::join(path, "early_stopping");
            if self.early_stopping != 0 {
                match crate::model::EarlyStoppingType::try_from(self.early_stopping) {
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
                                format!("unknown value {}", self.early_stopping),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "warm_start");
            if let Some(child) = &self.warm_start {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "input_mode");
            if self.input_mode != 0 {
                match crate::model::InputMode::try_from(self.input_mode) {
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
                                format!("unknown value {}", self.input_mode),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "metric_definitions");
            if !self.metric_definitions.is_empty() {
                validate::count(
                    &field,
                    self.metric_definitions.len(),
                    None,
                    Some(40.0),
                )?;
            }
            for (i, item) in self.metric_definitions.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "channels");
            if !self.channels.is_empty() {
                validate::count(&field, self.channels.len(), None, Some(20.0))?;
            }
            for (i, item) in self.channels.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "hyperparameters");
            if !self.hyperparameters.is_empty() {
                validate::count(&field, self.hyperparameters.len(), None, Some(100.0))?;
            }
            for (key, value) in &self.hyperparameters {
                validate::length(&field, key, None, Some(256u32))?;
                validate::length(&field, value, None, Some(256u32))?;
            }
            validate::keys_not_in(
                &field,
                self.hyperparameters.keys(),
                &self
                    .continuous_ranges
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>(),
                "continuous_ranges",
            )?;
            validate::keys_not_in(
                &field,
                self.hyperparameters.keys(),
                &self.integer_ranges.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
                "integer_ranges",
            )?;
            validate::keys_not_in(
                &field,
                self.hyperparameters.keys(),
                &self
                    .categorical_ranges
                    .iter()
                    .map(|r| r.name.as_str())
                    .collect::<Vec<_>>(),
                "categorical_ranges",
            )?;
        }
        {
            let field = validate::join(path, "distributed_protocol");
            if self.distributed_protocol != 0 {
                match crate::model::DistributedProtocol::try_from(
                    self.distributed_protocol,
                ) {
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
                                format!("unknown value {}", self.distributed_protocol),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "resources");
            validate::required(&field, self.resources.is_some())?;
            if let Some(child) = &self.resources {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "stopping_condition");
            if let Some(child) = &self.stopping_condition {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "checkpoint");
            if let Some(child) = &self.checkpoint {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "vpc");
            if let Some(child) = &self.vpc {
                child.validate(&field, target, container)?;
            }
        }
        {
            let field = validate::join(path, "output_path");
            if !self.output_path.is_empty() {
                validate::length(&field, &self.output_path, None, Some(1024u32))?;
                validate::pattern(
                    &field,
                    &self.output_path,
                    "^(https|s3)://([^/]+)/?(.*)$",
                )?;
            }
        }
        {
            let field = validate::join(path, "output_kms_key_id");
            if !self.output_kms_key_id.is_empty() {
                validate::length(&field, &self.output_kms_key_id, None, Some(2048u32))?;
            }
        }
        {
            let field = validate::join(path, "max_retry_attempts");
            if self.max_retry_attempts != 0 {
                validate::range(
                    &field,
                    self.max_retry_attempts as f64,
                    Some(1.0),
                    Some(30.0),
                )?;
            }
        }
        {
            let field = validate::join(path, "tags");
            if !self.tags.is_empty() {
                validate::count(&field, self.tags.len(), None, Some(50.0))?;
            }
            for (key, value) in &self.tags {
                validate::length(&field, key, None, Some(256u32))?;
                validate::length(&field, value, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "role_arn");
            validate::required_or(
                &field,
                !self.role_arn.is_empty(),
                "set `role_arn`, or give it through the task's security context (`run_as.iam_role`), the execution's identity, the execution annotation the backend's `roleAnnotationKey` names, or the backend's `defaultRoleArn`",
            )?;
            if !self.role_arn.is_empty() {
                validate::length(&field, &self.role_arn, Some(20u32), Some(2048u32))?;
                validate::pattern(
                    &field,
                    &self.role_arn,
                    "^arn:aws[a-z-]*:iam::[0-9]{12}:role/?[a-zA-Z_0-9+=,.@/-]+$",
                )?;
            }
        }
        {
            let field = validate::join(path, "region");
            if !self.region.is_empty() {
                validate::length(&field, &self.region, None, Some(32u32))?;
                validate::pattern(&field, &self.region, "^[a-z]{2}(-[a-z]+)+-[0-9]+$")?;
            }
        }
        if !container {
            if [!self.algorithm_name.is_empty(), !self.training_image.is_empty()]
                .iter()
                .filter(|s| **s)
                .count() == 0
            {
                validate::rule(
                    &validate::join(path, "algorithm_name"),
                    "one of `algorithm_name`, `training_image` must be set when the task runs no container: without a container task, the image is looked up from `algorithm_name` or given as `training_image` (rule `image-source`)",
                )?;
            }
        }
        if container && !self.algorithm_name.is_empty() {
            validate::rule(
                &validate::join(path, "algorithm_name"),
                "not allowed: the task runs a container (its own or `container_task`) and `algorithm_name` is set: the training jobs run the container task's image (rule `no-algorithm-with-container`)",
            )?;
        }
        if container && self.enable_network_isolation {
            validate::rule(
                &validate::join(path, "enable_network_isolation"),
                "not allowed: the task runs a container (its own or `container_task`) and `enable_network_isolation` is set: flytekit in the container reads the task's inputs and writes its outputs over the network (rule `no-network-isolation-with-container`)",
            )?;
        }
        if container {
            if self.objective.as_ref().is_some_and(|m0| !m0.metric_name.is_empty()) {
                validate::member(
                    &validate::join(path, "objective.metric_name"),
                    self.objective.as_ref().map_or("", |m0| m0.metric_name.as_str()),
                    &self
                        .metric_definitions
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>(),
                    "`objective.metric_name` must be the `name` of one of `metric_definitions` when the task runs a container (its own or `container_task`): a custom container publishes only the metrics defined in `metric_definitions` (rule `objective-metric-defined`)",
                )?;
            }
        }
        validate::distinct(
            path,
            &[
                (
                    "continuous_ranges.name",
                    self
                        .continuous_ranges
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>(),
                ),
                (
                    "integer_ranges.name",
                    self
                        .integer_ranges
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>(),
                ),
                (
                    "categorical_ranges.name",
                    self
                        .categorical_ranges
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>(),
                ),
            ],
            "a name may appear only once across `continuous_ranges.name`, `integer_ranges.name`, `categorical_ranges.name`: each tuned hyperparameter is declared in exactly one range (rule `tuned-once`)",
        )?;
        if matches!(
            crate ::model::TuningStrategy::try_from(self.strategy), Ok(crate
            ::model::TuningStrategy::Grid)
        ) {
            if !self.continuous_ranges.is_empty() {
                validate::rule(
                    &validate::join(path, "continuous_ranges"),
                    "`continuous_ranges` and `integer_ranges` must not be set when `strategy` is Grid: the Grid strategy tries every combination of categorical values (rule `grid-only-categorical`)",
                )?;
            }
            if !self.integer_ranges.is_empty() {
                validate::rule(
                    &validate::join(path, "integer_ranges"),
                    "`continuous_ranges` and `integer_ranges` must not be set when `strategy` is Grid: the Grid strategy tries every combination of categorical values (rule `grid-only-categorical`)",
                )?;
            }
        }
        if self.enable_managed_spot_training {
            if self.stopping_condition.as_ref().is_none_or(|m0| m0.max_wait_seconds == 0)
            {
                validate::rule(
                    &validate::join(path, "stopping_condition.max_wait_seconds"),
                    "`stopping_condition.max_wait_seconds` must be set when `enable_managed_spot_training` is set: SageMaker requires a total time limit for managed spot training (rule `spot-needs-max-wait`)",
                )?;
            }
        }
        if self.stopping_condition.as_ref().is_some_and(|m0| m0.max_wait_seconds != 0) {
            if !self.enable_managed_spot_training {
                validate::rule(
                    &validate::join(path, "enable_managed_spot_training"),
                    "`enable_managed_spot_training` must be set when `stopping_condition.max_wait_seconds` is set: SageMaker accepts a wait limit only for managed spot training (rule `max-wait-needs-spot`)",
                )?;
            }
        }
        Ok(())
    }
}

impl crate::model::IntegerParameterRange {
    /// Fills unset fields of this `IntegerParameterRange` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.scaling_type == 0 {
            self.scaling_type = crate::model::ScalingType::Auto as i32;
        }
    }
    /// Checks this `IntegerParameterRange` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
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
                validate::length(&field, &self.name, None, Some(256u32))?;
            }
        }
        {
            let field = validate::join(path, "max_value");
            if let Some(value) = self.max_value {
                if let Some(other) = self.min_value {
                    validate::at_least(&field, value as f64, "min_value", other as f64)?;
                }
            }
        }
        {
            let field = validate::join(path, "scaling_type");
            if self.scaling_type != 0 {
                match crate::model::ScalingType::try_from(self.scaling_type) {
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
                                format!("unknown value {}", self.scaling_type),
                            ),
                        );
                    }
                }
            }
        }
        if self.min_value.is_none() {
            validate::rule(
                &validate::join(path, "min_value"),
                "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)",
            )?;
        }
        if self.max_value.is_none() {
            validate::rule(
                &validate::join(path, "max_value"),
                "`min_value` and `max_value` must both be set: SageMaker needs both ends of the interval, a bound of zero included (rule `bounds-set`)",
            )?;
        }
        if matches!(
            crate ::model::ScalingType::try_from(self.scaling_type), Ok(crate
            ::model::ScalingType::Logarithmic)
        ) {
            if self.min_value.is_some() {
                validate::rule_compare(
                    &validate::join(path, "min_value"),
                    self.min_value.unwrap_or_default() as f64,
                    ">",
                    0.0,
                    "`min_value` must be > 0 when `scaling_type` is Logarithmic: a logarithmic scale has no zero or negative values (rule `log-needs-positive-min`)",
                )?;
            }
        }
        if matches!(
            crate ::model::ScalingType::try_from(self.scaling_type), Ok(crate
            ::model::ScalingType::ReverseLogarithmic)
        ) {
            validate::rule(
                &validate::join(path, "scaling_type"),
                "not allowed: `scaling_type` is ReverseLogarithmic: SageMaker allows reverse logarithmic scaling only for continuous ranges (rule `no-reverse-logarithmic`)",
            )?;
        }
        Ok(())
    }
}

impl crate::model::MetricDefinition {
    /// Fills unset fields of this `MetricDefinition` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `MetricDefinition` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "name");
            validate::required(&field, !self.name.is_empty())?;
            if !self.name.is_empty() {
                validate::length(&field, &self.name, None, Some(255u32))?;
            }
        }
        {
            let field = validate::join(path, "regex");
            validate::required(&field, !self.regex.is_empty())?;
            if !self.regex.is_empty() {
                validate::length(&field, &self.regex, None, Some(500u32))?;
            }
        }
        Ok(())
    }
}

impl crate::model::ResourceConfig {
    /// Fills unset fields of this `ResourceConfig` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.instance_count == 0 {
            self.instance_count = 1;
        }
        if self.volume_size_gb == 0 {
            self.volume_size_gb = 30;
        }
    }
    /// Checks this `ResourceConfig` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "instance_type");
            validate::required(&field, !self.instance_type.is_empty())?;
            if !self.instance_type.is_empty() {
                validate::length(&field, &self.instance_type, None, Some(64u32))?;
                validate::pattern(
                    &field,
                    &self.instance_type,
                    "^ml[.][a-z0-9-]+[.][a-z0-9]+$",
                )?;
            }
        }
        {
            let field = validate::join(path, "instance_count");
            if self.instance_count != 0 {
                validate::range(&field, self.instance_count as f64, Some(1.0), None)?;
            }
        }
        {
            let field = validate::join(path, "volume_size_gb");
            if self.volume_size_gb != 0 {
                validate::range(&field, self.volume_size_gb as f64, Some(1.0), None)?;
            }
        }
        {
            let field = validate::join(path, "volume_kms_key_id");
            if !self.volume_kms_key_id.is_empty() {
                validate::length(&field, &self.volume_kms_key_id, None, Some(2048u32))?;
            }
        }
        Ok(())
    }
}

impl crate::model::StoppingCondition {
    /// Fills unset fields of this `StoppingCondition` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {
        if self.max_runtime_seconds == 0 {
            self.max_runtime_seconds = 86400;
        }
    }
    /// Checks this `StoppingCondition` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "max_runtime_seconds");
            if self.max_runtime_seconds != 0 {
                validate::range(
                    &field,
                    self.max_runtime_seconds as f64,
                    Some(1.0),
                    None,
                )?;
            }
        }
        {
            let field = validate::join(path, "max_wait_seconds");
            if self.max_wait_seconds != 0 {
                validate::range(&field, self.max_wait_seconds as f64, Some(1.0), None)?;
                if let Some(other) = Some(self.max_runtime_seconds)
                    .filter(|_| self.max_runtime_seconds != 0)
                {
                    validate::at_least(
                        &field,
                        self.max_wait_seconds as f64,
                        "max_runtime_seconds",
                        other as f64,
                    )?;
                }
            }
        }
        Ok(())
    }
}

impl crate::model::TuningObjective {
    /// Fills unset fields of this `TuningObjective` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `TuningObjective` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "objective_type");
            validate::required(&field, self.objective_type != 0)?;
            if self.objective_type != 0 {
                match crate::model::ObjectiveType::try_from(self.objective_type) {
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
                                format!("unknown value {}", self.objective_type),
                            ),
                        );
                    }
                }
            }
        }
        {
            let field = validate::join(path, "metric_name");
            validate::required(&field, !self.metric_name.is_empty())?;
            if !self.metric_name.is_empty() {
                validate::length(&field, &self.metric_name, None, Some(255u32))?;
            }
        }
        Ok(())
    }
}

impl crate::model::VpcConfig {
    /// Fills unset fields of this `VpcConfig` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `VpcConfig` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "security_group_ids");
            validate::required(&field, !self.security_group_ids.is_empty())?;
            if !self.security_group_ids.is_empty() {
                validate::count(
                    &field,
                    self.security_group_ids.len(),
                    Some(1.0),
                    Some(5.0),
                )?;
            }
            for item in &self.security_group_ids {
                validate::length(&field, item, None, Some(32u32))?;
                validate::pattern(&field, item, "^[-0-9a-zA-Z]+$")?;
            }
        }
        {
            let field = validate::join(path, "subnets");
            validate::required(&field, !self.subnets.is_empty())?;
            if !self.subnets.is_empty() {
                validate::count(&field, self.subnets.len(), Some(1.0), Some(16.0))?;
            }
            for item in &self.subnets {
                validate::length(&field, item, None, Some(32u32))?;
                validate::pattern(&field, item, "^[-0-9a-zA-Z]+$")?;
            }
        }
        Ok(())
    }
}

impl crate::model::WarmStartConfig {
    /// Fills unset fields of this `WarmStartConfig` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, cx: &BuildContext) {
        for child in &mut self.parents {
            child.apply_defaults(cx);
        }
    }
    /// Checks this `WarmStartConfig` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        target: &str,
        container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "parents");
            validate::required(&field, !self.parents.is_empty())?;
            if !self.parents.is_empty() {
                validate::count(&field, self.parents.len(), Some(1.0), Some(5.0))?;
            }
            for (i, item) in self.parents.iter().enumerate() {
                item.validate(&format!("{field}[{i}]"), target, container)?;
            }
        }
        {
            let field = validate::join(path, "warm_start_type");
            validate::required(&field, self.warm_start_type != 0)?;
            if self.warm_start_type != 0 {
                match crate::model::WarmStartType::try_from(self.warm_start_type) {
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
                                format!("unknown value {}", self.warm_start_type),
                            ),
                        );
                    }
                }
            }
        }
        Ok(())
    }
}

impl crate::model::WarmStartParent {
    /// Fills unset fields of this `WarmStartParent` with their declared defaults and context values.
    pub fn apply_defaults(&mut self, _cx: &BuildContext) {}
    /// Checks this `WarmStartParent` against its declared validation and rules for `target`; `path` prefixes field names in errors, `container` says whether the task template carries a container.
    pub fn validate(
        &self,
        path: &str,
        _target: &str,
        _container: bool,
    ) -> Result<(), InvalidInput> {
        {
            let field = validate::join(path, "tuning_job_name");
            validate::required(&field, !self.tuning_job_name.is_empty())?;
            if !self.tuning_job_name.is_empty() {
                validate::length(&field, &self.tuning_job_name, None, Some(32u32))?;
                validate::pattern(
                    &field,
                    &self.tuning_job_name,
                    "^[a-zA-Z0-9](-*[a-zA-Z0-9])*$",
                )?;
            }
        }
        Ok(())
    }
}
