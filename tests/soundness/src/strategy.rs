//! Recipes for random plugin protos, as proptest strategies.
//!
//! A recipe is a tree of small choices (indices into the identifier pools, cardinalities, flags);
//! [`crate::render`] turns it into `.proto` text deterministically. The pools are adversarial on
//! purpose: Rust and Python keywords, std and builtin names, camelCase, names the generated code
//! binds itself, unicode in every string the vocabulary carries.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::subsequence;

/// Field names the generator must accept: plain, camelCase, Rust and Python keywords, std and
/// builtin names, and locals the emitters bind themselves.
pub const FIELD_NAMES: &[&str] = &[
    "image", "imageRef", "maxRetries", "HTTPServer", "type", "match", "self", "crate", "Self", "super", "None",
    "True", "class", "def", "lambda", "from", "str", "id", "len", "object", "job", "value", "cx", "key", "option",
    "string", "vec", "async", "await", "fn", "impl", "mod", "use", "x_", "a__b", "v2", "item1", "target", "path",
    "api", "name", "kind", "spec", "status", "metadata", "element", "inputs", "request", "default", "typing", "p",
    "q", "out", "gen", "yield", "field", "child", "entries",
];
/// Field names it must reject with a diagnostic: they shadow what a generated class uses.
pub const BAD_FIELD_NAMES: &[&str] = &["list", "dict", "validate", "to_dict", "dataclasses", "__x"];

/// Message names to accept: std and prelude types, keywords, camelCase and lower case.
pub const MESSAGE_NAMES: &[&str] = &[
    "Spec", "Config", "Self", "Option", "String", "Vec", "Box", "Result", "Job", "Item", "Type", "Match", "Value",
    "Object", "Default", "Some", "HTTPConfig", "dataClass", "lower_case", "Typing",
];
/// Names to reject: Python keywords and package names, and (for a task payload) the crate's
/// own modules.
pub const BAD_MESSAGE_NAMES: &[&str] = &["None", "Input", "True", "PayloadTask", "Model", "Checks", "Descriptor", "Machinery"];

pub const ENUM_NAMES: &[&str] = &["Mode", "Kind", "Type", "Self", "Option", "State", "Phase"];
pub const BAD_ENUM_NAMES: &[&str] = &["None", "False"];

pub const VALUE_NAMES: &[&str] = &["FAST", "SLOW", "NONE", "TRUE", "SELF", "TYPE", "MATCH", "ON", "OFF", "A1"];
pub const BAD_VALUE_NAMES: &[&str] = &["api", "name", "_HIDDEN"];

pub const TASK_NAMES: &[&str] = &["train", "my-task", "train_job", "a", "job-2"];
pub const BAD_TASK_NAMES: &[&str] = &["tâche", "Upper", "with space"];

pub const PYTHON_CLASSES: &[&str] = &["TrainTask", "Task", "MyTask", "Runner", "Job"];
pub const BAD_PYTHON_CLASSES: &[&str] = &["None", "Input", "Tâche", "typing", "class"];

pub const TARGETS: &[&str] = &["t", "ack", "a-b", "a_b", "operator", "v1"];
pub const BAD_TARGETS: &[&str] = &["ünï", "a/b", "ba tch"];

/// A name from `good`, or rarely from `bad` (so most cases still reach the compilers).
fn name(good: &'static [&'static str], bad: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop_oneof![40 => proptest::sample::select(good), 1 => proptest::sample::select(bad)]
}

/// Strings the target APIs receive: unicode, quotes, backslashes, spaces.
pub const API_STRINGS: &[&str] = &["fast", "Fast", "ünïcode", "with space", "quote\"d", "back\\slash", "日本", "x"];

/// Comments: prose with unicode, docstring terminators, backslashes, markup.
pub const DOCS: &[&str] = &[
    "",
    "The image to run.",
    "Ünïcode prose — with “quotes” and a snowman ☃.",
    "Ends in a quote \"",
    "Has \"\"\" triple quotes and a \\d+ regex.",
    "Two paragraphs.\n\nThe second one is longer and wraps the line well beyond the hundred columns a docstring gets in the generated Python.",
    "*/ not a comment end {braces} <html> `code`",
];

/// Templates of status messages and log links.
pub const MESSAGES: &[&str] = &[
    "",
    "done: {status.message}",
    "{metadata.name} ✓ {status.detail}",
    "plain text",
    "{spec.ctx.jobName}",
    "({status.workers|0} workers ✓ {status.items[0].name|ünï})",
];

#[derive(Debug, Clone)]
pub enum Ty {
    /// Index into [`crate::render::SCALARS`].
    Scalar(usize),
    /// Index (modulo) into the plugin's enums.
    Enum(usize),
    /// Index (modulo) into the messages declared before this one.
    Message(usize),
    Duration,
}

#[derive(Debug, Clone)]
pub struct FieldRecipe {
    pub name: &'static str,
    pub ty: Ty,
    /// 0 single, 1 optional, 2 repeated, 3 map.
    pub cardinality: u8,
    /// Per target: mapped (false) or declared unsupported (true).
    pub unsupported: Vec<bool>,
    pub transform: u8,
    pub required: bool,
    pub bounds: Option<(i16, i16)>,
    pub lengths: Option<(u8, u8)>,
    pub pattern: bool,
    pub default: bool,
    pub default_from: Option<u8>,
    pub doc: usize,
    /// A Kubernetes value type (index into QUANTITY, LABEL_VALUE, DNS_LABEL, DNS_SUBDOMAIN).
    pub kind: Option<u8>,
    /// Hidden from the SDK (a diagnostic unless the field also has a default or default_from).
    pub backend_only: bool,
}

#[derive(Debug, Clone)]
pub struct MessageRecipe {
    pub name: &'static str,
    pub doc: usize,
    pub fields: Vec<FieldRecipe>,
}

#[derive(Debug, Clone)]
pub struct EnumRecipe {
    pub name: &'static str,
    /// Whether values carry the enum's name as a prefix (the proto style).
    pub prefixed: bool,
    pub values: Vec<(&'static str, usize, bool)>,
    pub doc: usize,
}

#[derive(Debug, Clone)]
pub struct TaskRecipe {
    pub name: &'static str,
    pub class: &'static str,
    pub message: usize,
    pub version: u8,
    pub runs_task_container: bool,
    /// Which context sources and constants the resources fill (bit per source).
    pub context: u16,
    /// Which phase rules the status has (bit per rule).
    pub rules: u8,
    pub message_template: usize,
    pub output: bool,
    pub log_link: bool,
    pub input: bool,
    pub name_rule: bool,
    pub doc: usize,
}

#[derive(Debug, Clone)]
pub struct PluginRecipe {
    pub targets: Vec<&'static str>,
    pub enums: Vec<EnumRecipe>,
    pub messages: Vec<MessageRecipe>,
    pub tasks: Vec<TaskRecipe>,
    pub title: usize,
}

fn ty() -> impl Strategy<Value = Ty> {
    prop_oneof![
        6 => (0..crate::render::SCALARS.len()).prop_map(Ty::Scalar),
        2 => any::<usize>().prop_map(Ty::Enum),
        3 => any::<usize>().prop_map(Ty::Message),
        1 => Just(Ty::Duration),
    ]
}

fn field() -> impl Strategy<Value = FieldRecipe> {
    (
        (name(FIELD_NAMES, BAD_FIELD_NAMES), ty(), prop_oneof![5 => Just(0u8), 2 => Just(1u8), 2 => Just(2u8), 1 => Just(3u8)], vec(prop::bool::weighted(0.1), 2)),
        (0u8..4, prop::bool::weighted(0.2), prop::option::weighted(0.2, (-5i16..5, 0i16..20))),
        (prop::option::weighted(0.2, (0u8..3, 3u8..12)), prop::bool::weighted(0.2), prop::bool::weighted(0.2)),
        (prop::option::weighted(0.15, 0u8..5), 0..DOCS.len(), prop::option::weighted(0.1, 0u8..4), prop::bool::weighted(0.1)),
    )
        .prop_map(|((name, ty, cardinality, unsupported), (transform, required, bounds), (lengths, pattern, default), (default_from, doc, kind, backend_only))| {
            FieldRecipe {
                name,
                ty,
                cardinality,
                unsupported,
                transform,
                required,
                bounds: bounds.map(|(a, b)| (a, a + b)),
                lengths,
                pattern,
                default,
                default_from,
                doc,
                kind,
                backend_only,
            }
        })
}

fn message() -> impl Strategy<Value = MessageRecipe> {
    (name(MESSAGE_NAMES, BAD_MESSAGE_NAMES), 0..DOCS.len(), vec(field(), 1..6)).prop_map(|(name, doc, fields)| MessageRecipe { name, doc, fields })
}

fn enumeration() -> impl Strategy<Value = EnumRecipe> {
    (name(ENUM_NAMES, BAD_ENUM_NAMES), prop::bool::weighted(0.8), vec((name(VALUE_NAMES, BAD_VALUE_NAMES), 0..API_STRINGS.len(), prop::bool::weighted(0.2)), 1..4), 0..DOCS.len())
        .prop_map(|(name, prefixed, values, doc)| EnumRecipe { name, prefixed, values, doc })
}

fn task() -> impl Strategy<Value = TaskRecipe> {
    (
        (name(TASK_NAMES, BAD_TASK_NAMES), name(PYTHON_CLASSES, BAD_PYTHON_CLASSES), any::<usize>(), 0u8..4, prop::bool::weighted(0.15)),
        (any::<u16>(), any::<u8>(), 0..MESSAGES.len(), any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>(), 0..DOCS.len()),
    )
        .prop_map(|((name, class, message, version, runs_task_container), (context, rules, message_template, output, log_link, input, name_rule, doc))| {
            TaskRecipe { name, class, message, version, runs_task_container, context, rules, message_template, output, log_link, input, name_rule, doc }
        })
}

/// A whole plugin: one or two targets, some enums, one to five messages, one or two task types.
pub fn plugin() -> impl Strategy<Value = PluginRecipe> {
    (
        prop_oneof![30 => subsequence(TARGETS.to_vec(), 1..=2), 1 => subsequence(BAD_TARGETS.to_vec(), 1..=1)],
        vec(enumeration(), 0..3),
        vec(message(), 1..5),
        vec(task(), 1..3),
        0..DOCS.len(),
    )
        .prop_map(|(targets, enums, messages, tasks, title)| PluginRecipe { targets, enums, messages, tasks, title })
}
