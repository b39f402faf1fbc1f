//! Rules between the fields of one message (`flyteplugin.rules`): field paths resolved, every
//! part checked against the fields' types, and each rule's error text settled here, so the SDK
//! and the backend say the same thing and neither emitter decides anything.

use std::collections::BTreeSet;

use miette::SourceSpan;
use prost_reflect::MessageDescriptor;

use super::names::is_kebab;
use super::{EXT_RULES, FileCx, MESSAGE_OPTIONS};
use crate::model::*;
use crate::options::{self, *};

/// What rules resolve against: the lowered messages and enums of the file.
pub(super) struct Scope<'m> {
    pub messages: &'m [Message],
    pub enums: &'m [Enum],
}

impl Scope<'_> {
    fn message(&self, full_name: &str) -> Option<&Message> {
        self.messages.iter().find(|m| m.full_name == full_name)
    }
    fn enumeration(&self, full_name: &str) -> Option<&Enum> {
        self.enums.iter().find(|e| e.full_name == full_name)
    }
}

/// The words for one field path in an error.
fn quoted(path: &str) -> String {
    format!("`{path}`")
}

fn listed(paths: &[String]) -> String {
    let q: Vec<String> = paths.iter().map(|p| quoted(p)).collect();
    match q.len() {
        0 => String::new(),
        1 => q[0].clone(),
        n => format!("{} and {}", q[..n - 1].join(", "), q[n - 1]),
    }
}

fn alternatives(paths: &[String]) -> String {
    let q: Vec<String> = paths.iter().map(|p| quoted(p)).collect();
    q.join(", ")
}

impl FileCx<'_> {
    /// The rules of `descriptor`, resolved against `scope`; each mistake is reported at its token.
    pub(super) fn rules(&mut self, descriptor: &MessageDescriptor, scope: &Scope<'_>) -> Vec<Rule> {
        let Some(opt) = options::read::<MessageRulesOpt>(&descriptor.options(), options::RULES) else { return Vec::new() };
        let Some(message) = scope.message(descriptor.full_name()) else { return Vec::new() };
        let mut path = descriptor.path().to_vec();
        path.extend([MESSAGE_OPTIONS, EXT_RULES]);
        let whole = self.loc.span(&path);
        let mut rest = whole;
        let mut names = BTreeSet::new();
        let mut out = Vec::new();
        for rule in opt.rule {
            // The text of this rule alone, so tokens are found in it and not in an earlier rule.
            // `rule {` and not `rule`, which `(flyteplugin.rules)` itself holds.
            let start = self.loc.narrow(rest, "rule {");
            let block = if start == rest { rest } else { self.loc.block(rest, start, "rule {") };
            let end = whole.offset() + whole.len();
            let after = (block.offset() + block.len()).min(end);
            rest = SourceSpan::from(after..end);
            if let Some(r) = self.rule(message, rule, block, scope, &mut names) {
                out.push(r);
            }
        }
        out
    }

    fn rule(&mut self, message: &Message, opt: RuleOpt, span: SourceSpan, scope: &Scope<'_>, names: &mut BTreeSet<String>) -> Option<Rule> {
        let before = self.errors.len();
        let name_span = self.loc.narrow(span, &format!("\"{}\"", opt.name));
        if !is_kebab(&opt.name) {
            let s = if opt.name.is_empty() { span } else { name_span };
            self.err(s, format!("a rule of `{}` needs a kebab-case `name`, got `{}`", message.full_name, opt.name), "rule name");
        } else if !names.insert(opt.name.clone()) {
            self.err(name_span, format!("rule `{}` is declared twice in `{}`", opt.name, message.full_name), "second declaration");
        }

        let mut when = Vec::new();
        let mut words = Vec::new();
        let mut fields: Vec<String> = Vec::new();
        for c in &opt.when {
            if let Some((condition, text)) = self.condition(message, c, span, scope) {
                if let ConditionTest::Field { field, .. } = &condition.test {
                    fields.push(field.dotted());
                }
                words.push(text);
                when.push(condition);
            }
        }

        let kinds = [
            !opt.requires.is_empty(),
            !opt.excludes.is_empty(),
            !opt.exactly_one_of.is_empty(),
            !opt.at_least_one_of.is_empty(),
            opt.compare.is_some(),
            !opt.distinct.is_empty(),
            opt.member.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() > 1 {
            self.err_help(
                name_span,
                format!("rule `{}` says more than one thing", opt.name),
                "one requirement per rule",
                "give each of requires, excludes, exactly_one_of, at_least_one_of, compare, distinct and member its own rule",
            );
            return None;
        }

        let paths = |cx: &mut Self, list: &[String], min: usize, what: &str| -> Vec<FieldRef> {
            if list.len() < min {
                cx.err(span, format!("`{what}` of rule `{}` needs at least {min} field paths", opt.name), "too few fields");
            }
            list.iter().filter_map(|p| cx.field_ref(message, p, span, scope)).collect()
        };
        let (check, check_fields, text) = if !opt.requires.is_empty() {
            let refs = paths(self, &opt.requires, 1, "requires");
            let names: Vec<String> = refs.iter().map(FieldRef::dotted).collect();
            let verb = match names.len() {
                1 => "must be set",
                2 => "must both be set",
                _ => "must all be set",
            };
            let text = format!("{} {verb}", listed(&names));
            (RuleCheck::Requires(refs), names, text)
        } else if !opt.excludes.is_empty() {
            let refs = paths(self, &opt.excludes, 1, "excludes");
            let names: Vec<String> = refs.iter().map(FieldRef::dotted).collect();
            let text = format!("{} must not be set", listed(&names));
            (RuleCheck::Excludes(refs), names, text)
        } else if !opt.exactly_one_of.is_empty() {
            let refs = paths(self, &opt.exactly_one_of, 2, "exactly_one_of");
            let names: Vec<String> = refs.iter().map(FieldRef::dotted).collect();
            let text = format!("exactly one of {} must be set", alternatives(&names));
            (RuleCheck::ExactlyOneOf(refs), names, text)
        } else if !opt.at_least_one_of.is_empty() {
            let refs = paths(self, &opt.at_least_one_of, 2, "at_least_one_of");
            let names: Vec<String> = refs.iter().map(FieldRef::dotted).collect();
            let text = format!("one of {} must be set", alternatives(&names));
            (RuleCheck::AtLeastOneOf(refs), names, text)
        } else if let Some(c) = &opt.compare {
            let (check, names, text) = self.comparison(message, c, span, scope)?;
            (check, names, text)
        } else if !opt.distinct.is_empty() {
            if opt.distinct.len() < 2 {
                self.err(span, format!("`distinct` of rule `{}` needs at least two lists", opt.name), "too few lists");
            }
            let sources: Vec<NameSource> = opt.distinct.iter().filter_map(|d| self.name_source(message, d, span, true, scope)).collect();
            let names: Vec<String> = sources.iter().map(NameSource::label).collect();
            let text = format!("a name may appear only once across {}", alternatives(&names));
            (RuleCheck::Distinct(sources), names, text)
        } else if let Some(m) = &opt.member {
            let field = self.field_ref(message, &m.field, span, scope);
            if let Some(f) = &field
                && !(f.leaf().ty == FieldType::String && matches!(f.leaf().cardinality, Cardinality::Single | Cardinality::Optional))
            {
                let s = self.loc.narrow(span, &format!("\"{}\"", m.field));
                self.err(s, format!("`member` needs a string field, `{}` is not one", m.field), "not a string");
            }
            let source = self.name_source(message, &format!("{}.{}", m.list, m.name_field), span, false, scope);
            let (field, source) = (field?, source?);
            let text = format!("{} must be the `{}` of one of {}", quoted(&field.dotted()), source.name_field.as_ref().map_or("", |n| n.name.as_str()), quoted(&source.field.name));
            let names = vec![field.dotted(), source.label()];
            (RuleCheck::Member { field, source: Box::new(source) }, names, text)
        } else {
            if opt.when.is_empty() {
                self.err(name_span, format!("rule `{}` has neither conditions nor a requirement", opt.name), "empty rule");
            }
            (RuleCheck::Forbidden, Vec::new(), "not allowed".to_string())
        };

        let mut message_text = if words.is_empty() {
            text
        } else if matches!(check, RuleCheck::Forbidden) {
            format!("not allowed: {}", words.join(" and "))
        } else {
            format!("{text} when {}", words.join(" and "))
        };
        if !opt.reason.trim().is_empty() {
            message_text.push_str(&format!(": {}", opt.reason.trim().trim_end_matches('.')));
        }
        message_text.push_str(&format!(" (rule `{}`)", opt.name));
        // The field an error is reported at: what the requirement is about, else the conditions'.
        let mut all = check_fields;
        all.extend(fields);
        all.dedup();
        if self.errors.len() != before {
            return None;
        }
        Some(Rule { name: opt.name, when, check, message: message_text, fields: all })
    }

    fn condition(&mut self, message: &Message, c: &ConditionOpt, span: SourceSpan, scope: &Scope<'_>) -> Option<(Condition, String)> {
        if c.container != c.field.is_empty() {
            self.err(span, "a condition names either a `field` or `container: true`", "condition");
            return None;
        }
        if c.container {
            if !c.in_.is_empty() {
                let s = self.loc.narrow(span, "in");
                self.err(s, "`in` needs a `field`", "in without a field");
                return None;
            }
            let text = if c.negate { "the task runs no container" } else { "the task runs a container (its own or `container_task`)" };
            return Some((Condition { test: ConditionTest::Container, negate: c.negate }, text.to_string()));
        }
        let field = self.field_ref(message, &c.field, span, scope)?;
        let dotted = field.dotted();
        if c.in_.is_empty() {
            let text = if c.negate { format!("{} is not set", quoted(&dotted)) } else { format!("{} is set", quoted(&dotted)) };
            return Some((Condition { test: ConditionTest::Field { field, values: Vec::new() }, negate: c.negate }, text));
        }
        let leaf = field.leaf();
        let e = match (&leaf.ty, &leaf.cardinality) {
            (FieldType::Enum(name), Cardinality::Single | Cardinality::Optional) => scope.enumeration(name),
            _ => None,
        };
        let Some(e) = e else {
            let s = self.loc.narrow(span, &format!("\"{}\"", c.field));
            self.err_help(s, format!("`in` needs an enum field, `{}` is {} {}", c.field, leaf.cardinality.describe(), leaf.ty.describe()), "not an enum", "for a bool, name the field alone (set means true) or add `negate: true`");
            return None;
        };
        let mut shown = Vec::new();
        for v in &c.in_ {
            match e.values.iter().find(|x| &x.name == v) {
                Some(x) => shown.push(x.api.clone().unwrap_or_else(|| x.name.clone())),
                None => {
                    let s = self.loc.narrow(span, v);
                    self.err(s, format!("`{v}` is not a value of `{}`", e.full_name), "unknown value");
                }
            }
        }
        let verb = if c.negate { "is not" } else { "is" };
        let text = format!("{} {verb} {}", quoted(&dotted), shown.join(" or "));
        Some((Condition { test: ConditionTest::Field { field, values: c.in_.clone() }, negate: c.negate }, text))
    }

    fn comparison(&mut self, message: &Message, c: &ComparisonOpt, span: SourceSpan, scope: &Scope<'_>) -> Option<(RuleCheck, Vec<String>, String)> {
        let op = match c.op.as_str() {
            "LESS" => CompareOp::Less,
            "LESS_OR_EQUAL" => CompareOp::LessOrEqual,
            "GREATER" => CompareOp::Greater,
            "GREATER_OR_EQUAL" => CompareOp::GreaterOrEqual,
            _ => {
                self.err(self.loc.narrow(span, "compare"), "a comparison needs an `op`", "no op");
                return None;
            }
        };
        let numeric = |f: &FieldRef| f.leaf().ty.is_number() && matches!(f.leaf().cardinality, Cardinality::Single | Cardinality::Optional);
        let field = self.field_ref(message, &c.field, span, scope)?;
        if !numeric(&field) {
            let s = self.loc.narrow(span, &format!("\"{}\"", c.field));
            self.err(s, format!("a comparison needs a number, `{}` is {}", c.field, field.leaf().ty.describe()), "not a number");
        }
        let other = if c.other_field.is_empty() { None } else { self.field_ref(message, &c.other_field, span, scope) };
        if let Some(o) = &other
            && !numeric(o) {
                let s = self.loc.narrow(span, &format!("\"{}\"", c.other_field));
                self.err(s, format!("a comparison needs a number, `{}` is {}", c.other_field, o.leaf().ty.describe()), "not a number");
            }
        if c.value.is_some() != c.other_field.is_empty() {
            self.err(self.loc.narrow(span, "compare"), "a comparison needs either a `value` or an `other_field`", "value or other_field");
            return None;
        }
        let right = match (&other, c.value) {
            (Some(o), _) => quoted(&o.dotted()),
            (None, Some(v)) => if v.fract() == 0.0 && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") },
            (None, None) => return None,
        };
        let mut names = vec![field.dotted()];
        names.extend(other.as_ref().map(FieldRef::dotted));
        let text = format!("{} must be {} {right}", quoted(&field.dotted()), op.symbol());
        Some((RuleCheck::Compare { field, op, value: c.value, other }, names, text))
    }

    /// `list.name_field` (a repeated message field and the string field naming its elements), or,
    /// with `map_ok`, a map field (its keys).
    fn name_source(&mut self, message: &Message, text: &str, span: SourceSpan, map_ok: bool, scope: &Scope<'_>) -> Option<NameSource> {
        let s = self.loc.narrow(span, &format!("\"{text}\""));
        let (list, name) = match text.split_once('.') {
            Some((l, n)) => (l, Some(n)),
            None => (text, None),
        };
        let Some(field) = message.fields.iter().find(|f| f.name == list) else {
            self.err(s, format!("`{list}` is not a field of `{}`", message.full_name), "unknown field");
            return None;
        };
        let hidden = |cx: &mut Self, f: &Field| {
            if f.backend_only {
                cx.err(s, format!("`{}` is backend_only, so the SDK could not check this rule", f.name), "hidden field");
            }
        };
        hidden(self, field);
        match (name, &field.cardinality, &field.ty) {
            (None, Cardinality::Map, _) if map_ok => Some(NameSource { field: field.clone(), name_field: None }),
            (Some(n), Cardinality::Repeated, FieldType::Message(element)) => {
                let found = scope.message(element).and_then(|m| m.fields.iter().find(|f| f.name == n)).cloned();
                match found {
                    Some(nf) if nf.ty == FieldType::String && nf.cardinality == Cardinality::Single => {
                        Some(NameSource { field: field.clone(), name_field: Some(nf) })
                    }
                    _ => {
                        self.err(s, format!("`{n}` is not a string field of the elements of `{list}`"), "not a name field");
                        None
                    }
                }
            }
            _ => {
                let want = if map_ok { "`list.name_field` of a repeated message field, or a map field" } else { "`list` and `name_field` of a repeated message field" };
                self.err(s, format!("`{text}` is not {want}"), "not a list of names");
                None
            }
        }
    }

    /// A field path from `message` through singular message fields.
    fn field_ref(&mut self, message: &Message, path: &str, span: SourceSpan, scope: &Scope<'_>) -> Option<FieldRef> {
        let s = self.loc.narrow(span, &format!("\"{path}\""));
        let mut current = message;
        let mut fields = Vec::new();
        let segments: Vec<&str> = path.split('.').collect();
        for (i, segment) in segments.iter().enumerate() {
            let Some(f) = current.fields.iter().find(|f| f.name == *segment) else {
                self.err(s, format!("`{segment}` is not a field of `{}` (in the path `{path}`)", current.full_name), "unknown field");
                return None;
            };
            if f.backend_only || f.default_from.is_some() {
                self.err_help(
                    s,
                    format!("`{}` is filled by the backend, so the SDK could not check a rule on it", f.name),
                    "backend-filled field",
                    "rules may name only fields the user sets",
                );
                return None;
            }
            fields.push(f.clone());
            if i + 1 < segments.len() {
                match (&f.ty, &f.cardinality) {
                    (FieldType::Message(child), Cardinality::Single | Cardinality::Optional) => {
                        current = scope.message(child)?;
                    }
                    _ => {
                        self.err(s, format!("`{segment}` in the path `{path}` is not a singular message field"), "not a message");
                        return None;
                    }
                }
            }
        }
        Some(FieldRef { fields })
    }
}
