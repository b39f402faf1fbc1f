//! Identifier escaping for generated Python and Rust.
//!
//! Both follow the established rules of their ecosystems: Python keywords (and the soft keywords
//! that would shadow builtins in dataclasses) get a `_` suffix, as PEP 8 recommends; Rust keywords
//! become raw identifiers, except those that cannot be raw (`self`, `super`, `crate`, `Self`),
//! which get a `_` suffix, as prost-build does.

const PYTHON_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "type", "match", "case",
];

const RUST_KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "else", "enum", "extern", "false", "fn", "for", "if", "impl", "in",
    "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "static", "struct", "trait", "true",
    "type", "unsafe", "use", "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do",
    "final", "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

const RUST_NOT_RAW: &[&str] = &["self", "super", "crate", "Self"];

pub fn python(name: &str) -> String {
    if PYTHON_KEYWORDS.contains(&name) { format!("{name}_") } else { name.to_string() }
}

pub fn rust_field(name: &str) -> String {
    if RUST_NOT_RAW.contains(&name) {
        format!("{name}_")
    } else if RUST_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_escaped_per_language() {
        assert_eq!(python("class"), "class_");
        assert_eq!(python("type"), "type_");
        assert_eq!(python("name"), "name");
        assert_eq!(rust_field("type"), "r#type");
        assert_eq!(rust_field("self"), "self_");
        assert_eq!(rust_field("name"), "name");
    }
}
