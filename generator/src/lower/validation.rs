//! Validation rules of a field: bounds, lengths, patterns and the rules naming a sibling field.

use miette::SourceSpan;
use prost_reflect::{Cardinality as PbCardinality, FieldDescriptor, Kind, MessageDescriptor};

use super::{FileCx, fields::is_numeric_kind};
use crate::model::*;
use crate::options::*;

impl FileCx<'_> {
    pub(super) fn validation(
        &mut self,
        message: &MessageDescriptor,
        field: &FieldDescriptor,
        ty: &FieldType,
        cardinality: &Cardinality,
        v: ValidationOpt,
        span: SourceSpan,
    ) -> Validation {
        if let (Some(a), Some(b)) = (v.min, v.max)
            && a > b {
                let s = self.loc.narrow(span, "max");
                self.err(s, format!("min {a} is greater than max {b} on `{}`", field.name()), "empty range");
            }
        if let (Some(a), Some(b)) = (v.min_len, v.max_len)
            && a > b {
                let s = self.loc.narrow(span, "max_len");
                self.err(s, format!("min_len {a} is greater than max_len {b} on `{}`", field.name()), "empty range");
            }
        let numeric_ok = ty.is_number() || matches!(cardinality, Cardinality::Repeated | Cardinality::Map);
        if (v.min.is_some() || v.max.is_some()) && !numeric_ok {
            let s = self.loc.narrow(span, "min");
            self.err(s, format!("min/max need a number, list or map; `{}` is {}", field.name(), ty.describe()), "bounds on a non-number");
        }
        if !v.pattern.is_empty()
            && let Err(e) = regex::Regex::new(&v.pattern) {
                let s = self.loc.narrow(span, "pattern");
                self.err(s, format!("pattern of `{}` is not a valid regular expression: {e}", field.name()), "bad pattern");
            }
        if !v.at_least_field.is_empty() {
            match message.get_field_by_name(&v.at_least_field) {
                Some(other) if is_numeric_kind(&other.kind()) && ty.is_number() => {}
                _ => {
                    let s = self.loc.narrow(span, &format!("\"{}\"", v.at_least_field));
                    self.err(
                        s,
                        format!("at_least_field `{}` must name a numeric sibling of numeric field `{}`", v.at_least_field, field.name()),
                        "not a numeric sibling",
                    );
                }
            }
        }
        for name in &v.keys_not_in {
            let ok = cardinality == &Cardinality::Map
                && message.get_field_by_name(name).is_some_and(|f| {
                    f.cardinality() == PbCardinality::Repeated
                        && matches!(f.kind(), Kind::Message(m) if m.get_field_by_name("name").is_some_and(|n| n.kind() == Kind::String))
                });
            if !ok {
                let s = self.loc.narrow(span, &format!("\"{name}\""));
                self.err(
                    s,
                    format!("keys_not_in `{name}` must name a repeated message field with a string `name`, on a map field"),
                    "not a named list",
                );
            }
        }
        let kind = match v.kind.as_str() {
            "" | "K8S_VALUE_UNSPECIFIED" => None,
            "QUANTITY" => Some(K8sValue::Quantity),
            "LABEL_VALUE" => Some(K8sValue::LabelValue),
            "DNS_LABEL" => Some(K8sValue::DnsLabel),
            "DNS_SUBDOMAIN" => Some(K8sValue::DnsSubdomain),
            other => {
                let s = self.loc.narrow(span, "kind");
                self.err(s, format!("unknown Kubernetes value kind `{other}`"), "unknown kind");
                None
            }
        };
        if kind.is_some() && !(ty == &FieldType::String && matches!(cardinality, Cardinality::Single | Cardinality::Optional | Cardinality::Map)) {
            let s = self.loc.narrow(span, "kind");
            self.err(
                s,
                format!("kind needs a string or a map of strings; `{}` is {} {}", field.name(), cardinality.describe(), ty.describe()),
                "not a string",
            );
        }
        Validation {
            kind,
            required: v.required,
            // Set by the field's lowering once its `default_from` is known.
            required_from: None,
            min: v.min,
            max: v.max,
            min_len: v.min_len,
            max_len: v.max_len,
            pattern: (!v.pattern.is_empty()).then_some(v.pattern),
            at_least_field: (!v.at_least_field.is_empty()).then_some(v.at_least_field),
            keys_not_in: v.keys_not_in,
        }
    }

}
