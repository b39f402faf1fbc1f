//! Identifier rules of the generated languages, applied once in lowering's names pass.
//!
//! Rust names of prost-generated items follow prost-build 0.14 exactly (its `ident` module is
//! private, so its rules are restated here): `snake_case` fields and modules and `UpperCamelCase`
//! types through heck, keywords as raw identifiers except those that cannot be raw (suffixed with
//! `_`), a leading digit prefixed with `_`, and enum values stripped of their enum's name. Python
//! keywords get a `_` suffix, as PEP 8 recommends.

use heck::{ToSnakeCase, ToUpperCamelCase};

pub const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "type", "match", "case",
];

/// Names a dataclass body of `models.py` evaluates (field defaults) or defines (methods): a field
/// of that name would shadow them.
pub const PYTHON_CLASS_SCOPE: &[&str] = &["dataclasses", "list", "dict", "validate", "to_dict"];

/// Names an enum class of `models.py` defines besides its members, or that `enum.Enum` reserves.
pub const PYTHON_ENUM_SCOPE: &[&str] = &["api", "unsupported_in", "name", "value", "mro"];

/// Module-level names of `models.py`, `tasks.py` and `__init__.py` other than the generated
/// classes: imports and the package's own modules.
pub const PYTHON_MODULE_SCOPE: &[&str] = &[
    "annotations", "dataclasses", "datetime", "enum", "typing", "models", "tasks", "entrypoint", "TaskPlugins",
    "FlyteFile", "FlyteDirectory", "ContainerPayloadTask", "ElementInputs", "Input", "PayloadTask",
];

/// Top-level Python modules the generated package imports: a package of that name would shadow
/// them for its own modules.
pub const PYTHON_IMPORTED_MODULES: &[&str] = &[
    "argparse", "base64", "dataclasses", "datetime", "enum", "flytekit", "json", "keyword", "math", "os", "re",
    "sys", "typing",
];

/// Modules of the generated crate's root besides the task modules, and the crates its code names
/// by path: a task module of that name would replace or shadow them.
pub const RUST_CRATE_ROOT: &[&str] =
    &["lib", "main", "model", "descriptor", "checks", "machinery", "prost", "prost_types", "prost_reflect", "serde_json", "std", "core", "alloc"];

/// Methods the generated crate adds to every payload message (`checks.rs`): prost getters of
/// those names would clash.
pub const RUST_MESSAGE_METHODS: &[&str] = &["apply_defaults", "validate"];

/// Locals the Rust emitter binds in `build_<target>`, `apply_defaults` and `validate`: a
/// sub-message binding of the same name would shadow them.
pub const RUST_LOCALS: &[&str] =
    &["job", "cx", "object", "value", "key", "v", "api", "d", "path", "target", "inputs", "request", "field", "child", "entries", "image", "chunk", "index", "other", "e", "extra"];

/// A Python field or member name for a proto name: keywords get a `_` suffix.
pub fn python(name: &str) -> String {
    if PYTHON_KEYWORDS.contains(&name) { format!("{name}_") } else { name.to_string() }
}

/// prost-build's `sanitize_identifier`.
fn sanitize(ident: String) -> String {
    const RAW: &[&str] = &[
        "as", "break", "const", "continue", "else", "enum", "false", "fn", "for", "if", "impl", "in", "let", "loop",
        "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true", "type", "unsafe",
        "use", "where", "while", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
        "typeof", "unsized", "virtual", "yield", "async", "await", "try", "gen",
    ];
    if RAW.contains(&ident.as_str()) {
        format!("r#{ident}")
    } else if matches!(ident.as_str(), "_" | "super" | "self" | "Self" | "extern" | "crate") {
        format!("{ident}_")
    } else if ident.starts_with(|c: char| c.is_numeric()) {
        format!("_{ident}")
    } else {
        ident
    }
}

/// The Rust name prost-build gives a field or a module: `imageRef` -> `image_ref`, `type` -> `r#type`.
pub fn rust_snake(name: &str) -> String {
    sanitize(name.to_snake_case())
}

/// The Rust name prost-build gives a message or enum type: `job_spec` -> `JobSpec`, `Self` -> `Self_`.
pub fn rust_camel(name: &str) -> String {
    sanitize(name.to_upper_camel_case())
}

/// The Rust name prost-build gives an enum value: its UpperCamelCase name without the enum's
/// name as a prefix (`MODE_FAST` in `Mode` -> `Fast`), unless no word would be left.
pub fn rust_variant(enum_name: &str, value: &str) -> String {
    // prost-build strips the enum's Rust name (`Self` -> `Self_`) from the value's Rust name.
    let prefix = rust_camel(enum_name);
    let name = rust_camel(value);
    let stripped = name.strip_prefix(&prefix).filter(|s| s.chars().next().is_some_and(char::is_uppercase)).unwrap_or(&name);
    sanitize(stripped.to_string())
}

/// Whether `name` (raw identifiers included) is one Rust identifier, as syn judges it.
pub fn is_rust_ident(name: &str) -> bool {
    syn::parse_str::<syn::Ident>(name).is_ok()
}

/// Whether `name` is an ASCII Python identifier that is not a keyword.
pub fn is_python_ident(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !PYTHON_KEYWORDS.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_prost_and_pep8() {
        assert_eq!(python("class"), "class_");
        assert_eq!(python("type"), "type_");
        assert_eq!(python("name"), "name");
        assert_eq!(rust_snake("type"), "r#type");
        assert_eq!(rust_snake("self"), "self_");
        assert_eq!(rust_snake("imageRef"), "image_ref");
        assert_eq!(rust_snake("None"), "none");
        assert_eq!(rust_camel("Self"), "Self_");
        assert_eq!(rust_camel("job_spec"), "JobSpec");
        assert_eq!(rust_variant("Mode", "MODE_FAST"), "Fast");
        assert_eq!(rust_variant("Mode", "FAST"), "Fast");
        assert_eq!(rust_variant("Mode", "MODERATE"), "Moderate");
        assert_eq!(rust_variant("Self", "SELF_SELF"), "SelfSelf");
        assert_eq!(rust_variant("Self", "SELF_UNSPECIFIED"), "SelfUnspecified");
        assert!(is_rust_ident("r#type") && is_rust_ident("Self_") && !is_rust_ident("a b") && !is_rust_ident("self"));
        assert!(is_python_ident("x_1") && !is_python_ident("None") && !is_python_ident("1x"));
    }
}
