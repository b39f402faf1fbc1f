//! Building and reading Kubernetes objects as plain JSON.
//!
//! Generated plugin code builds custom resources field by field and reads their status back. The
//! backend owns no controller types (defect 15 of the former plugin), so objects are
//! `serde_json::Value`s; this module keeps that code short and keeps the formatting rules that
//! the former plugin got wrong in one place: floats are written losslessly (defect 2), paths are
//! joined with exactly one `/` and a missing status field is `None`, never a crash (defect 8).

use serde_json::{Map, Value};

use crate::plugin::PluginSettings;

/// A JSON object under construction.
///
/// Paths are lists of object keys; missing intermediate objects are created, and a non-object
/// found on the way is replaced by an object (the builder owns the whole document).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Object(Map<String, Value>);

/// How a key/value entry is stored in a Kubernetes object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// An object: `{key: value}`.
    Map,
    /// A list of `{name, value}` (environment variables, hyperparameter lists).
    NameValue,
    /// A list of `{key, value}` (tags).
    KeyValue,
}

/// One segment of a path that may address list items (see [`Object::set_at`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seg {
    /// An object property.
    Key(&'static str),
    /// A list item by position; missing items up to it are created as empty objects.
    Index(usize),
    /// The list item whose property `.0` equals `.1`; created holding that property when absent
    /// (the container named `main`, the worker group `workers`).
    Match(&'static str, &'static str),
}

impl Object {
    pub fn new() -> Self {
        Self::default()
    }

    /// [`Object::set`] for a path that reaches into list items.
    pub fn set_at(&mut self, path: &[Seg], value: impl Into<Value>) {
        if let Some(slot) = self.slot_at(path) {
            *slot = value.into();
        }
    }

    /// [`Object::set_if_absent`] for a path that reaches into list items.
    pub fn set_if_absent_at(&mut self, path: &[Seg], value: impl Into<Value>) {
        if let Some(slot) = self.slot_at(path)
            && slot.is_null()
        {
            *slot = value.into();
        }
    }

    /// [`Object::push`] for a path that reaches into list items.
    pub fn push_at(&mut self, path: &[Seg], item: Value) {
        if let Some(slot) = self.slot_at(path) {
            push_into(slot, item);
        }
    }

    /// [`Object::entry`] for a path that reaches into list items.
    pub fn entry_at(&mut self, path: &[Seg], key: &str, value: impl Into<String>, shape: Shape) {
        if let Some(slot) = self.slot_at(path) {
            entry_into(slot, key, value.into(), shape);
        }
    }

    /// The slot at `path`, creating objects, list items and a `null` leaf on the way. A value of
    /// the wrong kind found on the way is replaced (the builder owns the whole document).
    fn slot_at(&mut self, path: &[Seg]) -> Option<&mut Value> {
        let (Seg::Key(first), rest) = path.split_first()? else {
            return None;
        };
        let mut slot = self.0.entry(first.to_string()).or_insert(Value::Null);
        for segment in rest {
            slot = match *segment {
                Seg::Key(key) => {
                    if !slot.is_object() {
                        *slot = Value::Object(Map::new());
                    }
                    let Value::Object(map) = slot else { unreachable!("just made an object") };
                    map.entry(key.to_string()).or_insert(Value::Null)
                }
                Seg::Index(index) => {
                    let items = as_array(slot);
                    while items.len() <= index {
                        items.push(Value::Object(Map::new()));
                    }
                    &mut items[index]
                }
                Seg::Match(key, value) => {
                    let items = as_array(slot);
                    let position = match items.iter().position(|item| item.get(key).and_then(Value::as_str) == Some(value)) {
                        Some(position) => position,
                        None => {
                            let mut item = Map::new();
                            item.insert(key.to_string(), Value::String(value.to_string()));
                            items.push(Value::Object(item));
                            items.len() - 1
                        }
                    };
                    &mut items[position]
                }
            };
        }
        Some(slot)
    }

    /// Sets `path` to `value`, overwriting what is there. An empty path does nothing.
    pub fn set(&mut self, path: &[&str], value: impl Into<Value>) {
        if let Some(slot) = self.slot(path) {
            *slot = value.into();
        }
    }

    /// Sets `path` only when nothing (or `null`) is there yet: defaults never override user values.
    pub fn set_if_absent(&mut self, path: &[&str], value: impl Into<Value>) {
        if self.get(path).is_some_and(|v| !v.is_null()) {
            return;
        }
        self.set(path, value);
    }

    /// Appends `item` to the array at `path`, creating the array (or replacing a non-array).
    pub fn push(&mut self, path: &[&str], item: Value) {
        if let Some(slot) = self.slot(path) {
            push_into(slot, item);
        }
    }

    /// Adds the entry `key = value` to the container at `path`, stored as `shape`.
    ///
    /// In list shapes an element with the same name / key is replaced, so entries stay unique.
    pub fn entry(&mut self, path: &[&str], key: &str, value: impl Into<String>, shape: Shape) {
        if let Some(slot) = self.slot(path) {
            entry_into(slot, key, value.into(), shape);
        }
    }

    /// What is at `path`, if anything.
    pub fn get(&self, path: &[&str]) -> Option<&Value> {
        let (first, rest) = path.split_first()?;
        rest.iter()
            .try_fold(self.0.get(*first)?, |value, key| value.get(*key))
    }

    /// What is at `path` (reaching into list items), if anything.
    pub fn get_at(&self, path: &[Seg]) -> Option<&Value> {
        let (Seg::Key(first), rest) = path.split_first()? else { return None };
        rest.iter().try_fold(self.0.get(*first)?, |value, segment| match *segment {
            Seg::Key(key) => value.get(key),
            Seg::Index(index) => value.get(index),
            Seg::Match(key, wanted) => value.as_array()?.iter().find(|item| item.get(key).and_then(Value::as_str) == Some(wanted)),
        })
    }

    /// How many entries the map or list at `path` holds (0 when absent).
    pub fn entries(&self, path: &[&str]) -> usize {
        count(self.get(path))
    }

    /// [`Object::entries`] for a path that reaches into list items.
    pub fn entries_at(&self, path: &[Seg]) -> usize {
        count(self.get_at(path))
    }

    pub fn into_value(self) -> Value {
        Value::Object(self.0)
    }

    /// The slot at `path`, creating objects on the way (and a `null` leaf).
    fn slot(&mut self, path: &[&str]) -> Option<&mut Value> {
        let (first, rest) = path.split_first()?;
        let mut slot = self.0.entry(first.to_string()).or_insert(Value::Null);
        for key in rest {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            let Value::Object(map) = slot else {
                unreachable!("just made an object")
            };
            slot = map.entry(key.to_string()).or_insert(Value::Null);
        }
        Some(slot)
    }
}

fn count(value: Option<&Value>) -> usize {
    match value {
        Some(Value::Object(map)) => map.len(),
        Some(Value::Array(items)) => items.len(),
        _ => 0,
    }
}

/// `slot` as a list, replacing anything else.
fn as_array(slot: &mut Value) -> &mut Vec<Value> {
    if !slot.is_array() {
        *slot = Value::Array(Vec::new());
    }
    let Value::Array(items) = slot else { unreachable!("just made a list") };
    items
}

fn push_into(slot: &mut Value, item: Value) {
    as_array(slot).push(item);
}

/// Adds `key = value` to the map or `{name|key, value}` list in `slot`; in list shapes an element
/// with the same name / key is replaced, so entries stay unique.
fn entry_into(slot: &mut Value, key: &str, value: String, shape: Shape) {
    let value = Value::String(value);
    let key_name = match shape {
        Shape::Map => {
            if !slot.is_object() {
                *slot = Value::Object(Map::new());
            }
            if let Value::Object(map) = slot {
                map.insert(key.to_string(), value);
            }
            return;
        }
        Shape::NameValue => "name",
        Shape::KeyValue => "key",
    };
    let items = as_array(slot);
    let mut element = Map::new();
    element.insert(key_name.to_string(), Value::String(key.to_string()));
    element.insert("value".to_string(), value);
    match items.iter_mut().find(|item| item.get(key_name).and_then(Value::as_str) == Some(key)) {
        Some(item) => *item = Value::Object(element),
        None => items.push(Value::Object(element)),
    }
}

impl From<Object> for Value {
    fn from(object: Object) -> Self {
        object.into_value()
    }
}

/// A string map as a JSON object with keys in sorted order (stable output for stable input).
pub fn map_object<'a>(entries: impl IntoIterator<Item = (&'a String, &'a String)>) -> Value {
    let mut sorted: Vec<_> = entries.into_iter().collect();
    sorted.sort();
    Value::Object(
        sorted
            .into_iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
    )
}

/// A string map as a list of `{key_name: k, value: v}` sorted by key (ACK's list-shaped maps).
pub fn pairs<'a>(
    entries: impl IntoIterator<Item = (&'a String, &'a String)>,
    key_name: &str,
) -> Value {
    let mut sorted: Vec<_> = entries.into_iter().collect();
    sorted.sort();
    Value::Array(
        sorted
            .into_iter()
            .map(|(k, v)| {
                let mut element = Map::new();
                element.insert(key_name.to_string(), Value::String(k.clone()));
                element.insert("value".to_string(), Value::String(v.clone()));
                Value::Object(element)
            })
            .collect(),
    )
}

/// A float as the shortest text that parses back to the same value (defect 2: `%f` turned
/// `1e-7` into `0.000000`).
///
/// Whole numbers below 1e16 are written as integers without `.0` (programs that read numbers from
/// text often parse integers strictly, so `1000000` must never become `1e6`); other values use
/// whichever of plain decimal or exponent notation is shorter. Non-finite values are written as
/// `NaN`, `Infinity` and `-Infinity`, which both Python and Java parse.
pub fn format_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let plain = format!("{v}");
    if v.fract() == 0.0 && v.abs() < 1e16 {
        return plain;
    }
    let exponent = format!("{v:e}");
    if exponent.len() < plain.len() {
        exponent
    } else {
        plain
    }
}

pub fn format_int(v: i64) -> String {
    v.to_string()
}

/// Splits `text` into pieces of at most `size` characters (not bytes, so no character is cut).
///
/// Used where a target limits the length of one value. Always returns at least one chunk (an
/// empty text is one empty chunk); `size == 0` means no limit.
pub fn chunks(text: &str, size: usize) -> Vec<String> {
    if size == 0 || text.is_empty() {
        return vec![text.to_string()];
    }
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// The value at `path`; array elements may be addressed by decimal index.
fn lookup<'a>(object: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(object, |value, key| match value {
        Value::Object(map) => map.get(*key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

/// The value at `path` as text: `""` when absent, `null`, an object or an array; numbers and
/// booleans as text (floats through [`format_float`]).
pub fn text(object: &Value, path: &[&str]) -> String {
    match lookup(object, path) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                format_int(i)
            } else if let Some(u) = n.as_u64() {
                u.to_string()
            } else {
                n.as_f64().map(format_float).unwrap_or_default()
            }
        }
        _ => String::new(),
    }
}

/// A Kubernetes status condition that holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Condition {
    pub reason: String,
    pub message: String,
}

/// The `status.conditions[]` item of `condition_type` when its `status` is `"True"`
/// (the Kubernetes convention, used by ACK's `ACK.Terminal`, `ACK.Recoverable`, ...).
pub fn condition_true(object: &Value, condition_type: &str) -> Option<Condition> {
    let conditions = lookup(object, &["status", "conditions"])?.as_array()?;
    conditions
        .iter()
        .find(|c| {
            c.get("type").and_then(Value::as_str) == Some(condition_type)
                && c.get("status").and_then(Value::as_str) == Some("True")
        })
        .map(|c| Condition {
            reason: text(c, &["reason"]),
            message: text(c, &["message"]),
        })
}

/// The condition with the latest `lastTransitionTime` among those whose `status` is `"True"`, with
/// its type: the controller's current state when it keeps one condition per state it passed
/// through (Kubeflow training jobs, as Flyte's own plugins read them). A later entry wins a tie.
pub fn latest_condition(object: &Value) -> Option<(String, Condition)> {
    let conditions = lookup(object, &["status", "conditions"])?.as_array()?;
    conditions
        .iter()
        .filter(|c| c.get("status").and_then(Value::as_str) == Some("True"))
        .max_by(|a, b| transition_time(a).cmp(&transition_time(b)))
        .map(|c| {
            (
                text(c, &["type"]),
                Condition { reason: text(c, &["reason"]), message: text(c, &["message"]) },
            )
        })
}

/// `lastTransitionTime` as a comparable instant: RFC 3339 text in UTC (`Z`), which Kubernetes
/// always writes, compares correctly as text once fractional seconds are padded.
fn transition_time(condition: &Value) -> String {
    let time = text(condition, &["lastTransitionTime"]);
    match time.strip_suffix('Z') {
        Some(body) => match body.split_once('.') {
            Some((seconds, fraction)) => format!("{seconds}.{fraction:0<9}"),
            None => format!("{body}.000000000"),
        },
        None => time,
    }
}

/// A regular expression in a status rule, compiled on first use (lowering checked it compiles).
#[derive(Debug)]
pub struct Pattern {
    source: &'static str,
    compiled: std::sync::OnceLock<Option<regex::Regex>>,
}

impl Pattern {
    pub const fn new(source: &'static str) -> Self {
        Self { source, compiled: std::sync::OnceLock::new() }
    }

    /// Whether `text` matches; an expression that does not compile matches nothing.
    pub fn is_match(&self, text: &str) -> bool {
        self.compiled
            .get_or_init(|| regex::Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|r| r.is_match(text))
    }
}

/// One piece of a template rendered from an object (log links, output paths, messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Lit(&'static str),
    /// A field of the object, read with [`text`].
    Path(&'static [&'static str]),
    /// A field of the object, or the literal when the field is absent or empty.
    PathOr(&'static [&'static str], &'static str),
    ConditionMessage,
    ConditionReason,
    /// A setting of the plugin from the backend's configuration (`{config.name}` in a log link).
    Setting(&'static str),
}

/// Renders `parts`, or `None` when any placeholder is absent or empty (a link or output whose
/// status field is not there yet is left out, never rendered half-way).
///
/// Where one piece ends with `/` and the next starts with `/`, one is dropped, so a prefix with a
/// trailing slash and a suffix with a leading one join with exactly one (defect 8).
pub fn render(object: &Value, condition: Option<&Condition>, parts: &[Part]) -> Option<String> {
    render_in(object, condition, &PluginSettings::default(), parts)
}

/// [`render`] with the plugin's settings for `Part::Setting`; an empty setting leaves the link
/// out like an absent field (a deployment that configures no dashboard shows no link).
pub fn render_in(object: &Value, condition: Option<&Condition>, settings: &PluginSettings, parts: &[Part]) -> Option<String> {
    let mut out = String::new();
    for part in parts {
        let piece = match part {
            Part::Lit(s) => (*s).to_string(),
            Part::Path(path) => Some(text(object, path)).filter(|s| !s.is_empty())?,
            Part::PathOr(path, fallback) => Some(text(object, path)).filter(|s| !s.is_empty()).unwrap_or_else(|| fallback.to_string()),
            Part::ConditionMessage => condition
                .map(|c| c.message.clone())
                .filter(|s| !s.is_empty())?,
            Part::ConditionReason => condition
                .map(|c| c.reason.clone())
                .filter(|s| !s.is_empty())?,
            Part::Setting(name) => Some(settings.get(name).to_string()).filter(|s| !s.is_empty())?,
        };
        append(&mut out, &piece);
    }
    Some(out)
}

/// Like [`render`], but missing placeholders become empty: for messages, where some text beats none.
pub fn render_lossy(object: &Value, condition: Option<&Condition>, parts: &[Part]) -> String {
    let mut out = String::new();
    for part in parts {
        let piece = match part {
            Part::Lit(s) => (*s).to_string(),
            Part::Path(path) => text(object, path),
            Part::PathOr(path, fallback) => Some(text(object, path)).filter(|s| !s.is_empty()).unwrap_or_else(|| fallback.to_string()),
            Part::ConditionMessage => condition.map(|c| c.message.clone()).unwrap_or_default(),
            Part::ConditionReason => condition.map(|c| c.reason.clone()).unwrap_or_default(),
            // Lowering allows settings in log links only.
            Part::Setting(_) => String::new(),
        };
        append(&mut out, &piece);
    }
    out
}

fn append(out: &mut String, piece: &str) {
    if out.ends_with('/') && piece.starts_with('/') {
        out.push_str(piece.trim_start_matches('/'));
    } else {
        out.push_str(piece);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    #[test]
    fn set_creates_intermediate_objects_and_overwrites() {
        let mut o = Object::new();
        o.set(&["spec", "resourceConfig", "instanceCount"], 1);
        o.set(&["spec", "resourceConfig", "instanceType"], "ml.m5.large");
        o.set(&["spec", "resourceConfig", "instanceCount"], 2);
        o.set(&[], 5);
        assert_eq!(
            o.into_value(),
            json!({"spec": {"resourceConfig": {"instanceCount": 2, "instanceType": "ml.m5.large"}}})
        );
    }

    #[test]
    fn set_replaces_non_objects_on_the_way() {
        let mut o = Object::new();
        o.set(&["a"], "scalar");
        o.set(&["a", "b"], true);
        assert_eq!(Value::from(o), json!({"a": {"b": true}}));
    }

    #[test]
    fn set_if_absent_keeps_user_values() {
        let mut o = Object::new();
        o.set(&["spec", "x"], "user");
        o.set(&["spec", "n"], Value::Null);
        o.set_if_absent(&["spec", "x"], "default");
        o.set_if_absent(&["spec", "n"], "default");
        o.set_if_absent(&["spec", "y"], "default");
        assert_eq!(
            o.into_value(),
            json!({"spec": {"x": "user", "n": "default", "y": "default"}})
        );
    }

    #[test]
    fn push_appends_and_creates() {
        let mut o = Object::new();
        o.push(&["spec", "channels"], json!({"channelName": "train"}));
        o.push(&["spec", "channels"], json!({"channelName": "validation"}));
        assert_eq!(
            o.get(&["spec", "channels"]),
            Some(&json!([{"channelName": "train"}, {"channelName": "validation"}]))
        );
    }

    #[test]
    fn entry_shapes() {
        let mut o = Object::new();
        o.entry(&["env"], "A", "1", Shape::Map);
        o.entry(&["env"], "A", "2", Shape::Map);
        o.entry(&["hp"], "eta", "0.1", Shape::NameValue);
        o.entry(&["hp"], "depth", "5", Shape::NameValue);
        o.entry(&["hp"], "eta", "0.2", Shape::NameValue);
        o.entry(&["tags"], "team", "ml", Shape::KeyValue);
        o.entry(&["tags"], "team", "ai", Shape::KeyValue);
        assert_eq!(
            o.into_value(),
            json!({
                "env": {"A": "2"},
                "hp": [{"name": "eta", "value": "0.2"}, {"name": "depth", "value": "5"}],
                "tags": [{"key": "team", "value": "ai"}],
            })
        );
    }

    #[test]
    fn maps_are_sorted() {
        let m: BTreeMap<String, String> = [("b", "2"), ("a", "1")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let h: std::collections::HashMap<String, String> = m.clone().into_iter().collect();
        assert_eq!(map_object(&h).to_string(), r#"{"a":"1","b":"2"}"#);
        assert_eq!(
            pairs(&h, "name"),
            json!([{"name": "a", "value": "1"}, {"name": "b", "value": "2"}])
        );
        assert_eq!(
            pairs(&m, "key"),
            json!([{"key": "a", "value": "1"}, {"key": "b", "value": "2"}])
        );
    }

    #[test]
    fn floats_round_trip_and_whole_numbers_have_no_fraction() {
        assert_eq!(format_float(3.0), "3");
        assert_eq!(format_float(-2.0), "-2");
        assert_eq!(format_float(0.0), "0");
        assert_eq!(format_float(1_000_000.0), "1000000");
        assert_eq!(format_float(0.1), "0.1");
        assert_eq!(format_float(0.5), "0.5");
        assert_eq!(format_float(1e-7), "1e-7");
        assert_ne!(format_float(1e-7), "0.000000");
        assert_eq!(format_float(1e300), "1e300");
        assert_eq!(format_float(f64::NAN), "NaN");
        assert_eq!(format_float(f64::INFINITY), "Infinity");
        assert_eq!(format_float(f64::NEG_INFINITY), "-Infinity");
        for v in [
            1e-7,
            0.1,
            0.2 + 0.1,
            1.0 / 3.0,
            123.456,
            1e-300,
            f64::MIN_POSITIVE,
            f64::MAX,
            2.5e-5,
            9_007_199_254_740_992.0,
            1e16,
            12345.678e10,
        ] {
            let s = format_float(v);
            assert_eq!(s.parse::<f64>().unwrap(), v, "{v} -> {s}");
            assert!(!s.ends_with(".0"), "{s}");
        }
        assert_eq!(format_int(-42), "-42");
    }

    #[test]
    fn chunks_split_on_characters() {
        assert_eq!(chunks("abcdefg", 3), ["abc", "def", "g"]);
        assert_eq!(chunks("abc", 0), ["abc"]);
        assert_eq!(chunks("", 4), [""]);
        assert_eq!(chunks("äöüß", 3), ["äöü", "ß"]);
    }

    #[test]
    fn text_reads_any_scalar() {
        let o = json!({"status": {"s": "Completed", "n": 3, "f": 0.1, "w": 2.0, "b": true, "z": null, "o": {}, "l": [{"x": "first"}]}});
        assert_eq!(text(&o, &["status", "s"]), "Completed");
        assert_eq!(text(&o, &["status", "n"]), "3");
        assert_eq!(text(&o, &["status", "f"]), "0.1");
        assert_eq!(text(&o, &["status", "w"]), "2");
        assert_eq!(text(&o, &["status", "b"]), "true");
        assert_eq!(text(&o, &["status", "z"]), "");
        assert_eq!(text(&o, &["status", "o"]), "");
        assert_eq!(text(&o, &["status", "missing"]), "");
        assert_eq!(text(&o, &["status", "s", "deeper"]), "");
        assert_eq!(text(&o, &["status", "l", "0", "x"]), "first");
        assert_eq!(text(&o, &["status", "l", "1", "x"]), "");
    }

    #[test]
    fn conditions_follow_kubernetes_convention() {
        let o = json!({"status": {"conditions": [
            {"type": "ACK.ResourceSynced", "status": "False"},
            {"type": "ACK.Terminal", "status": "True", "reason": "ValidationException", "message": "bad role"},
        ]}});
        assert_eq!(condition_true(&o, "ACK.ResourceSynced"), None);
        assert_eq!(condition_true(&o, "ACK.Recoverable"), None);
        assert_eq!(
            condition_true(&o, "ACK.Terminal"),
            Some(Condition {
                reason: "ValidationException".into(),
                message: "bad role".into()
            })
        );
        assert_eq!(condition_true(&json!({}), "ACK.Terminal"), None);
        assert_eq!(
            condition_true(&json!({"status": {"conditions": "x"}}), "ACK.Terminal"),
            None
        );
    }

    #[test]
    fn list_items_by_index_and_by_key_are_created_when_absent() {
        let mut o = Object::new();
        let head = [Seg::Key("spec"), Seg::Key("containers"), Seg::Match("name", "head"), Seg::Key("image")];
        o.set_at(&head, "img:1");
        o.set_at(&[Seg::Key("spec"), Seg::Key("containers"), Seg::Match("name", "side"), Seg::Key("image")], "side:1");
        o.set_at(&head, "img:2");
        o.set_if_absent_at(&head, "img:3");
        o.set_at(&[Seg::Key("spec"), Seg::Key("ports"), Seg::Index(1), Seg::Key("port")], 80);
        o.entry_at(&[Seg::Key("spec"), Seg::Key("containers"), Seg::Match("name", "head"), Seg::Key("env")], "A", "1", Shape::NameValue);
        o.push_at(&[Seg::Key("spec"), Seg::Key("containers"), Seg::Index(0), Seg::Key("args")], json!("x"));
        assert_eq!(o.get_at(&head), Some(&json!("img:2")));
        assert_eq!(o.entries_at(&[Seg::Key("spec"), Seg::Key("containers")]), 2);
        assert_eq!(
            o.into_value(),
            json!({"spec": {
                "containers": [
                    {"name": "head", "image": "img:2", "env": [{"name": "A", "value": "1"}], "args": ["x"]},
                    {"name": "side", "image": "side:1"},
                ],
                "ports": [{}, {"port": 80}],
            }})
        );
        let mut o = Object::new();
        o.set(&["spec", "containers"], "not a list");
        o.set_at(&[Seg::Key("spec"), Seg::Key("containers"), Seg::Index(0)], json!({"name": "a"}));
        assert_eq!(o.into_value(), json!({"spec": {"containers": [{"name": "a"}]}}));
    }

    #[test]
    fn the_latest_true_condition_wins() {
        let o = json!({"status": {"conditions": [
            {"type": "Created", "status": "True", "lastTransitionTime": "2026-01-01T10:00:00Z"},
            {"type": "Running", "status": "True", "lastTransitionTime": "2026-01-01T10:00:05.5Z"},
            {"type": "Succeeded", "status": "False", "lastTransitionTime": "2026-01-01T10:09:00Z"},
            {"type": "Restarting", "status": "True", "lastTransitionTime": "2026-01-01T10:00:05.25Z", "reason": "r"},
        ]}});
        assert_eq!(latest_condition(&o).map(|(t, _)| t).as_deref(), Some("Running"));
        assert_eq!(latest_condition(&json!({"status": {}})), None);
    }

    #[test]
    fn patterns_match_and_fallbacks_fill_absent_values() {
        static TRANSIENT: Pattern = Pattern::new("^(SubmissionFailed|Timeout)$");
        assert!(TRANSIENT.is_match("SubmissionFailed"));
        assert!(!TRANSIENT.is_match("AppFailed"));
        static BROKEN: Pattern = Pattern::new("(");
        assert!(!BROKEN.is_match("("));
        let parts = [Part::Lit("("), Part::PathOr(&["status", "workers"], "0"), Part::Lit(" workers active)")];
        assert_eq!(render_lossy(&json!({}), None, &parts), "(0 workers active)");
        assert_eq!(render(&json!({"status": {"workers": 3}}), None, &parts).as_deref(), Some("(3 workers active)"));
    }

    const MODEL: &[Part] = &[
        Part::Path(&["spec", "outputDataConfig", "s3OutputPath"]),
        Part::Lit("/"),
        Part::Path(&["spec", "trainingJobName"]),
        Part::Lit("/output/model.tar.gz"),
    ];

    #[test]
    fn render_joins_paths_with_one_slash() {
        let with_slash = json!({"spec": {"outputDataConfig": {"s3OutputPath": "s3://b/out/"}, "trainingJobName": "job"}});
        let without = json!({"spec": {"outputDataConfig": {"s3OutputPath": "s3://b/out"}, "trainingJobName": "job"}});
        assert_eq!(
            render(&with_slash, None, MODEL).as_deref(),
            Some("s3://b/out/job/output/model.tar.gz")
        );
        assert_eq!(
            render(&without, None, MODEL).as_deref(),
            Some("s3://b/out/job/output/model.tar.gz")
        );
        let o = json!({"status": {"prefix": "s3://b/out/"}});
        let parts = [
            Part::Path(&["status", "prefix"]),
            Part::Lit("/job/output/model.tar.gz"),
        ];
        assert_eq!(
            render(&o, None, &parts).as_deref(),
            Some("s3://b/out/job/output/model.tar.gz")
        );
        let scheme = [Part::Lit("s3://"), Part::Path(&["status", "bucket"])];
        assert_eq!(
            render(&json!({"status": {"bucket": "b"}}), None, &scheme).as_deref(),
            Some("s3://b")
        );
    }

    #[test]
    fn settings_fill_links_and_an_empty_one_leaves_the_link_out() {
        let parts = [Part::Setting("historyUrl"), Part::Lit("/history/"), Part::Path(&["status", "id"])];
        let o = json!({"status": {"id": "app-1"}});
        let settings = PluginSettings::from_pairs([("historyUrl", "https://h.example/")]);
        assert_eq!(render_in(&o, None, &settings, &parts).as_deref(), Some("https://h.example/history/app-1"));
        assert_eq!(render_in(&o, None, &PluginSettings::default(), &parts), None);
        assert_eq!(render(&o, None, &parts), None);
    }

    #[test]
    fn render_is_none_when_a_field_is_missing() {
        let o = json!({"spec": {"outputDataConfig": {"s3OutputPath": "s3://b/out/"}}});
        assert_eq!(render(&o, None, MODEL), None);
        let empty =
            json!({"spec": {"outputDataConfig": {"s3OutputPath": ""}, "trainingJobName": "job"}});
        assert_eq!(render(&empty, None, MODEL), None);
        assert_eq!(
            render(&o, None, &[Part::Lit("x: "), Part::ConditionMessage]),
            None
        );
        assert_eq!(
            render_lossy(&o, None, MODEL),
            "s3://b/out/output/model.tar.gz"
        );
    }

    #[test]
    fn render_uses_the_condition() {
        let c = Condition {
            reason: "Throttling".into(),
            message: "rate exceeded".into(),
        };
        let parts = [
            Part::ConditionReason,
            Part::Lit(": "),
            Part::ConditionMessage,
        ];
        assert_eq!(
            render(&json!({}), Some(&c), &parts).as_deref(),
            Some("Throttling: rate exceeded")
        );
        assert_eq!(render_lossy(&json!({}), None, &parts), ": ");
    }
}
