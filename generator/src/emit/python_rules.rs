//! The cross-field rules of a message as the statements at the end of its `validate` (Python).
//!
//! Lowering settled every rule and its error text; this only spells the tests in Python, with the
//! same meaning of "set" as the backend's (`checks::is_set`).

use crate::model::*;

/// A Python string literal (JSON string syntax is a subset of Python's).
fn py_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialize")
}

fn zero_member(plugin: &Plugin, enum_name: &str) -> String {
    let e = plugin.enumeration(enum_name);
    format!("{}.{}", e.type_name, e.values[0].python_member)
}

fn has_presence(f: &Field) -> bool {
    f.cardinality == Cardinality::Optional
        || (f.cardinality == Cardinality::Single && matches!(f.ty, FieldType::Message(_) | FieldType::Duration))
}

/// `self.a.b.c` for a path.
fn access(r: &FieldRef) -> String {
    let names: Vec<&str> = r.fields.iter().map(|f| f.python_name.as_str()).collect();
    format!("self.{}", names.join("."))
}

/// `self.a is not None and self.a.b is not None and ` for the messages along a path: reading the
/// leaf is safe after it.
fn guard(r: &FieldRef) -> String {
    let mut out = String::new();
    for i in 1..r.fields.len() {
        let names: Vec<&str> = r.fields[..i].iter().map(|f| f.python_name.as_str()).collect();
        out.push_str(&format!("self.{} is not None and ", names.join(".")));
    }
    out
}

/// Whether the field at `r` is set, as a Python bool expression.
fn is_set(plugin: &Plugin, r: &FieldRef) -> String {
    let leaf = r.leaf();
    let value = access(r);
    let test = match (&leaf.cardinality, &leaf.ty) {
        (Cardinality::Repeated | Cardinality::Map, _) => format!("len({value}) > 0"),
        _ if has_presence(leaf) => format!("{value} is not None"),
        (_, FieldType::Enum(n)) => format!("{value} is not {}", zero_member(plugin, n)),
        (_, FieldType::Bool) => format!("{value} is True"),
        (_, FieldType::String | FieldType::Bytes) => format!("len({value}) > 0"),
        _ => format!("{value} != 0"),
    };
    format!("{}{test}", guard(r))
}

/// The negation of [`is_set`], written directly (`x is not True`, not `not (x is True)`): an
/// absent message on the path leaves the field unset.
fn is_unset(plugin: &Plugin, r: &FieldRef) -> String {
    let leaf = r.leaf();
    let value = access(r);
    let test = match (&leaf.cardinality, &leaf.ty) {
        (Cardinality::Repeated | Cardinality::Map, _) => format!("len({value}) == 0"),
        _ if has_presence(leaf) => format!("{value} is None"),
        (_, FieldType::Enum(n)) => format!("{value} is {}", zero_member(plugin, n)),
        (_, FieldType::Bool) => format!("{value} is not True"),
        (_, FieldType::String | FieldType::Bytes) => format!("len({value}) == 0"),
        _ => format!("{value} == 0"),
    };
    let mut out = String::new();
    for i in 1..r.fields.len() {
        let names: Vec<&str> = r.fields[..i].iter().map(|f| f.python_name.as_str()).collect();
        out.push_str(&format!("self.{} is None or ", names.join(".")));
    }
    if out.is_empty() { test } else { format!("{out}{test}") }
}

fn condition(plugin: &Plugin, c: &Condition) -> String {
    let test = match &c.test {
        // Without knowing whether the task carries a container (`None`), such a rule is skipped.
        ConditionTest::Container => return if c.negate { "container is False".into() } else { "container is True".into() },
        ConditionTest::Field { field, values } if values.is_empty() && c.negate => return format!("({})", is_unset(plugin, field)),
        ConditionTest::Field { field, values } if values.is_empty() => is_set(plugin, field),
        ConditionTest::Field { field, values } => {
            let FieldType::Enum(name) = &field.leaf().ty else { unreachable!("lowering allows `in` on enums only") };
            let e = plugin.enumeration(name);
            let members: Vec<String> = values
                .iter()
                .map(|v| {
                    let value = e.values.iter().find(|x| &x.name == v).expect("lowering resolved the values");
                    format!("{}.{}, ", e.type_name, value.python_member)
                })
                .collect();
            let members = members.concat();
            if c.negate {
                // Unset (an absent message on the path) holds none of the values.
                let mut absent = String::new();
                for i in 1..field.fields.len() {
                    let names: Vec<&str> = field.fields[..i].iter().map(|f| f.python_name.as_str()).collect();
                    absent.push_str(&format!("self.{} is None or ", names.join(".")));
                }
                return format!("({absent}{} not in ({}))", access(field), members.trim_end());
            }
            format!("{}{} in ({})", guard(field), access(field), members.trim_end())
        }
    };
    // Every negated condition returned above, written directly.
    test
}

/// The statements of every rule of `m`, for the body of `validate` (unindented).
pub(super) fn rule_checks(plugin: &Plugin, m: &Message) -> Vec<String> {
    let mut out = Vec::new();
    for rule in &m.rules {
        let message = py_str(&rule.message);
        let fail = |field: &str| format!("_support.fail(_support.join(path, {}), {message})", py_str(field));
        let first = rule.fields.first().cloned().unwrap_or_default();
        let body: Vec<String> = match &rule.check {
            RuleCheck::Forbidden => vec![fail(&first)],
            RuleCheck::Requires(refs) => refs.iter().flat_map(|r| vec![format!("if {}:", is_unset(plugin, r)), format!("    {}", fail(&r.dotted()))]).collect(),
            RuleCheck::Excludes(refs) => refs.iter().flat_map(|r| vec![format!("if {}:", is_set(plugin, r)), format!("    {}", fail(&r.dotted()))]).collect(),
            RuleCheck::ExactlyOneOf(refs) | RuleCheck::AtLeastOneOf(refs) => {
                let sets: Vec<String> = refs.iter().map(|r| is_set(plugin, r)).collect();
                let test = if matches!(rule.check, RuleCheck::ExactlyOneOf(_)) { "!= 1" } else { "== 0" };
                vec![format!("if sum(({})) {test}:", sets.join(", ")), format!("    {}", fail(&first))]
            }
            RuleCheck::Compare { field, op, value, other } => {
                let mut test = is_set(plugin, field);
                let right = match (other, value) {
                    (Some(o), _) => {
                        test.push_str(&format!(" and {}", is_set(plugin, o)));
                        access(o)
                    }
                    (None, Some(v)) => format!("{v:?}"),
                    (None, None) => unreachable!("lowering requires a side"),
                };
                vec![format!("if {test} and not ({} {} {right}):", access(field), op.symbol()), format!("    {}", fail(&field.dotted()))]
            }
            RuleCheck::Distinct(sources) => {
                let parts: Vec<String> = sources.iter().map(|s| format!("({}, {})", py_str(&s.label()), names(s))).collect();
                vec![format!("_support.distinct(path, ({},), {message})", parts.join(", "))]
            }
            RuleCheck::Member { field, source } => vec![
                format!("if {}:", is_set(plugin, field)),
                format!(
                    "    _support.member(_support.join(path, {}), {}, {}, {message})",
                    py_str(&field.dotted()),
                    access(field),
                    names(source)
                ),
            ],
        };
        let when: Vec<String> = rule.when.iter().map(|c| condition(plugin, c)).collect();
        out.push(format!("# rule {}", rule.name));
        if when.is_empty() {
            out.extend(body);
        } else {
            out.push(format!("if {}:", when.join(" and ")));
            out.extend(body.into_iter().map(|l| format!("    {l}")));
        }
    }
    out
}

/// The names of a source as a Python list expression.
fn names(s: &NameSource) -> String {
    match &s.name_field {
        Some(n) => format!("[item.{} for item in self.{}]", n.python_name, s.field.python_name),
        None => format!("list(self.{})", s.field.python_name),
    }
}
