//! Failures as the API server reports them: `kind: Status` bodies with `reason`, `code`,
//! `details`.

use serde_json::{Value, json};

use crate::crd::Crd;
use crate::schema::Cause;

/// A failed request, rendered as a `metav1.Status`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} {reason}: {message}")]
pub struct ApiError {
    pub code: u16,
    /// `NotFound`, `AlreadyExists`, `Conflict`, `Invalid`, `BadRequest`, `Gone`, ...
    pub reason: String,
    pub message: String,
    /// Present when the failure is about one object (boxed: errors travel in every `Result`).
    pub details: Option<Box<Details>>,
}

/// `Status.details`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Details {
    pub name: String,
    pub group: String,
    /// The plural for NotFound / AlreadyExists / Conflict, the kind for Invalid.
    pub kind: String,
    pub causes: Vec<Cause>,
}

impl ApiError {
    pub fn new(code: u16, reason: &str, message: impl Into<String>) -> Self {
        Self { code, reason: reason.into(), message: message.into(), details: None }
    }

    /// Details name the resource by its plural, as the API server does for these reasons.
    fn about(mut self, crd: &Crd, name: &str) -> Self {
        self.details = Some(Box::new(Details { name: name.into(), group: crd.group.clone(), kind: crd.plural.clone(), causes: Vec::new() }));
        self
    }

    pub fn not_found(crd: &Crd, name: &str) -> Self {
        Self::new(404, "NotFound", format!("{} {name:?} not found", crd.resource_name())).about(crd, name)
    }

    pub fn already_exists(crd: &Crd, name: &str) -> Self {
        Self::new(409, "AlreadyExists", format!("{} {name:?} already exists", crd.resource_name())).about(crd, name)
    }

    pub fn conflict(crd: &Crd, name: &str, why: &str) -> Self {
        Self::new(409, "Conflict", format!("Operation cannot be fulfilled on {} {name:?}: {why}", crd.resource_name())).about(crd, name)
    }

    /// 422 with one cause per broken field; the message lists them like the API server does.
    pub fn invalid(crd: &Crd, name: &str, causes: Vec<Cause>) -> Self {
        let list: Vec<String> = causes.iter().map(|c| format!("{}: {}", c.field, c.message)).collect();
        let joined = if list.len() == 1 { list[0].clone() } else { format!("[{}]", list.join(", ")) };
        let mut e = Self::new(422, "Invalid", format!("{} {name:?} is invalid: {joined}", crd.kind_name())).about(crd, name);
        // 422 details name the kind, not the plural.
        if let Some(d) = e.details.as_mut() {
            d.kind = crd.kind.clone();
            d.causes = causes;
        }
        e
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, "BadRequest", message)
    }

    pub fn gone(message: impl Into<String>) -> Self {
        Self::new(410, "Expired", message)
    }

    pub fn unavailable() -> Self {
        Self::new(503, "ServiceUnavailable", "the API server is unavailable (outage simulated by the test double)")
    }

    pub fn no_route() -> Self {
        Self::new(404, "NotFound", "the server could not find the requested resource")
    }

    pub fn to_json(&self) -> Value {
        let mut body = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        });
        if let Some(d) = &self.details {
            let mut details = serde_json::Map::new();
            for (key, v) in [("name", &d.name), ("group", &d.group), ("kind", &d.kind)] {
                if !v.is_empty() {
                    details.insert(key.into(), Value::String(v.clone()));
                }
            }
            if !d.causes.is_empty() {
                let causes = d.causes.iter().map(|c| json!({"reason": c.reason, "message": c.message, "field": c.field})).collect();
                details.insert("causes".into(), Value::Array(causes));
            }
            body["details"] = Value::Object(details);
        }
        body
    }
}
