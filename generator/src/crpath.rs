//! CR paths (`spec.a.b`, `metadata.annotations["x/y"]`) and `{placeholder}` templates.

use std::fmt;

use serde::{Serialize, Serializer};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Segment {
    /// An object property, or the key of a map / name-value list entry.
    Key(String),
    /// Every item of a list (written `[]`).
    Items,
    /// One item of a list by position (written `[0]`); missing items up to it are created.
    Index(usize),
    /// The item of a list whose `key` property equals `value` (written `[name="main"]`); created
    /// with that property when no item has it.
    Match { key: String, value: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CrPath {
    pub segments: Vec<Segment>,
}

impl CrPath {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut segments = Vec::new();
        let mut rest = text;
        if rest.is_empty() {
            return Err("empty path".into());
        }
        loop {
            if let Some(after) = rest.strip_prefix("[\"") {
                let end = after
                    .find("\"]")
                    .ok_or_else(|| format!("unclosed `[\"` in `{text}`"))?;
                let key = &after[..end];
                if key.is_empty() {
                    return Err(format!("empty bracketed key in `{text}`"));
                }
                segments.push(Segment::Key(key.to_string()));
                rest = &after[end + 2..];
            } else if let Some(after) = rest.strip_prefix("[]") {
                segments.push(Segment::Items);
                rest = after;
            } else if let Some(after) = rest.strip_prefix('[') {
                let end = after.find(']').ok_or_else(|| format!("unclosed `[` in `{text}`"))?;
                segments.push(list_item(&after[..end], text)?);
                rest = &after[end + 1..];
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                let key = &rest[..end];
                if key.is_empty() {
                    return Err(format!("empty segment in `{text}`"));
                }
                if let Some(bad) = key.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-')) {
                    return Err(format!(
                        "character `{bad}` in segment `{key}` of `{text}`; write such keys as [\"...\"]"
                    ));
                }
                segments.push(Segment::Key(key.to_string()));
                rest = &rest[end..];
            }
            if rest.is_empty() {
                break;
            }
            if let Some(after) = rest.strip_prefix('.') {
                rest = after;
                if rest.is_empty() {
                    return Err(format!("trailing `.` in `{text}`"));
                }
            } else if !rest.starts_with('[') {
                return Err(format!("unexpected `{rest}` in `{text}`"));
            }
        }
        Ok(Self { segments })
    }

    /// A path as a plugin author writes it: every segment names one place, so `[]` (every item
    /// of a list) is refused. Lists are filled by placing a repeated message field, whose
    /// elements' fields then map inside each item.
    pub fn parse_written(text: &str) -> Result<Self, String> {
        let path = Self::parse(text)?;
        if path.segments.contains(&Segment::Items) {
            return Err(format!(
                "`[]` in `{text}`: a path names one place; map a repeated message field to the list and its element fields inside each item"
            ));
        }
        Ok(path)
    }

    pub fn join(&self, other: &CrPath) -> CrPath {
        let mut segments = self.segments.clone();
        segments.extend(other.segments.iter().cloned());
        CrPath { segments }
    }

    pub fn with_items(&self) -> CrPath {
        let mut segments = self.segments.clone();
        segments.push(Segment::Items);
        CrPath { segments }
    }

    pub fn root(&self) -> Option<&str> {
        match self.segments.first() {
            Some(Segment::Key(k)) => Some(k),
            _ => None,
        }
    }

    /// The path without its last segment, and the last segment's key.
    pub fn split_last_key(&self) -> Option<(CrPath, &str)> {
        match self.segments.last() {
            Some(Segment::Key(k)) => Some((
                CrPath { segments: self.segments[..self.segments.len() - 1].to_vec() },
                k.as_str(),
            )),
            _ => None,
        }
    }

    pub fn starts_with(&self, prefix: &CrPath) -> bool {
        self.segments.starts_with(&prefix.segments)
    }
}

/// The inside of `[...]` that is not a quoted key: `0` or `name="main"`.
fn list_item(inner: &str, text: &str) -> Result<Segment, String> {
    if let Ok(index) = inner.parse::<usize>() {
        if inner.len() > 1 && inner.starts_with('0') {
            return Err(format!("index `{inner}` in `{text}` has a leading zero"));
        }
        return Ok(Segment::Index(index));
    }
    let bad = || format!("`[{inner}]` in `{text}` is neither an index (`[0]`), a quoted key (`[\"a.b\"]`) nor a match (`[name=\"main\"]`)");
    let (key, value) = inner.split_once('=').ok_or_else(bad)?;
    let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).ok_or_else(bad)?;
    if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') || value.is_empty() || value.contains('"') {
        return Err(bad());
    }
    Ok(Segment::Match { key: key.to_string(), value: value.to_string() })
}

impl fmt::Display for CrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                Segment::Items => f.write_str("[]")?,
                Segment::Index(i) => write!(f, "[{i}]")?,
                Segment::Match { key, value } => write!(f, "[{key}=\"{value}\"]")?,
                Segment::Key(k) if k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') => {
                    if i > 0 {
                        f.write_str(".")?;
                    }
                    f.write_str(k)?;
                }
                Segment::Key(k) => write!(f, "[\"{k}\"]")?,
            }
        }
        Ok(())
    }
}

impl Serialize for CrPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a `{...}` placeholder reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Placeholder {
    /// A path of the object (`spec.`, `status.` or `metadata.`).
    Path(CrPath),
    /// `{path|fallback}`: the path's value, or the literal fallback when it is absent or empty.
    PathOr { path: CrPath, fallback: String },
    /// `{condition.message}` / `{condition.reason}` of the matched condition.
    Condition(String),
    /// `{config.name}`: the plugin's backend setting `name`.
    Setting(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Literal(String),
    Placeholder(Placeholder),
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    pub text: String,
    pub parts: Vec<Part>,
}

impl Template {
    /// Parses every placeholder; on failure, every mistake as `(offending text, reason)`.
    pub fn parse(text: &str) -> Result<Self, Vec<(String, String)>> {
        let mut parts = Vec::new();
        let mut errors = Vec::new();
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Literal(rest[..open].to_string()));
            }
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                errors.push((rest[open..].to_string(), format!("unclosed `{{` in `{text}`")));
                rest = "";
                break;
            };
            let (inner, fallback) = match after[..close].split_once('|') {
                Some((path, fallback)) => (path, Some(fallback)),
                None => (&after[..close], None),
            };
            let placeholder = match inner {
                "condition.message" | "condition.reason" if fallback.is_some() => {
                    errors.push((format!("{{{}}}", &after[..close]), format!("a fallback (`|...`) goes with a spec., status. or metadata. path, not `{inner}`")));
                    None
                }
                setting if setting.starts_with("config.") => {
                    let name = &setting["config.".len()..];
                    if fallback.is_some() {
                        errors.push((format!("{{{}}}", &after[..close]), format!("`{{{inner}}}` takes no fallback: the setting's own default is its fallback")));
                        None
                    } else if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                        errors.push((format!("{{{inner}}}"), format!("`{{{inner}}}` must name a setting: `{{config.<name>}}`, the name of letters and digits")));
                        None
                    } else {
                        Some(Placeholder::Setting(name.to_string()))
                    }
                }
                "condition.message" => Some(Placeholder::Condition("message".into())),
                "condition.reason" => Some(Placeholder::Condition("reason".into())),
                _ => match CrPath::parse_written(inner) {
                    Ok(path) if path.segments.iter().any(|s| matches!(s, Segment::Match { .. })) => {
                        errors.push((format!("{{{inner}}}"), format!("placeholder `{{{inner}}}` matches a list item by key; a template reads list items by index (`[0]`)")));
                        None
                    }
                    Ok(path) if matches!(path.root(), Some("spec" | "status" | "metadata")) => Some(match fallback {
                        Some(fallback) => Placeholder::PathOr { path, fallback: fallback.to_string() },
                        None => Placeholder::Path(path),
                    }),
                    Ok(_) => {
                        errors.push((format!("{{{inner}}}"), format!(
                            "placeholder `{{{inner}}}` must start with spec., status. or metadata., or be condition.message / condition.reason"
                        )));
                        None
                    }
                    Err(why) => {
                        errors.push((format!("{{{inner}}}"), why));
                        None
                    }
                },
            };
            parts.extend(placeholder.map(Part::Placeholder));
            rest = &after[close + 1..];
        }
        if let Some(i) = rest.find('}') {
            errors.push((rest[i..].to_string(), format!("unmatched `}}` in `{text}`")));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(Self { text: text.to_string(), parts })
    }

    pub fn paths(&self) -> impl Iterator<Item = &CrPath> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(Placeholder::Path(path) | Placeholder::PathOr { path, .. }) => Some(path),
            _ => None,
        })
    }

    /// The settings `{config.name}` placeholders read.
    pub fn settings(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Placeholder(Placeholder::Setting(name)) => Some(name.as_str()),
            _ => None,
        })
    }

    pub fn uses_condition(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Placeholder(Placeholder::Condition(_))))
    }
}

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_round_trip_through_display() {
        for text in [
            "spec.resourceConfig.instanceType",
            "metadata.annotations[\"services.k8s.aws/region\"]",
            "spec.inputDataConfig[].channelName",
            "spec.hyperParameters[\"sagemaker.mpi\"]",
            "spec.template.spec.containers[0].image",
            "spec.workerGroupSpecs[groupName=\"workers\"].template.spec.containers[name=\"ray-worker\"].env",
        ] {
            assert_eq!(CrPath::parse(text).unwrap().to_string(), text);
        }
    }

    #[test]
    fn bad_paths_are_rejected_with_a_reason() {
        assert!(CrPath::parse("").is_err());
        assert!(CrPath::parse("spec..x").unwrap_err().contains("empty segment"));
        assert!(CrPath::parse("spec.a/b").unwrap_err().contains("character `/`"));
        assert!(CrPath::parse("spec.a[\"x").unwrap_err().contains("unclosed"));
        assert!(CrPath::parse("spec.").unwrap_err().contains("trailing"));
        assert!(CrPath::parse("spec.a[x]").unwrap_err().contains("neither an index"));
        assert!(CrPath::parse("spec.a[name=x]").unwrap_err().contains("neither an index"));
        assert!(CrPath::parse("spec.a[01]").unwrap_err().contains("leading zero"));
        assert!(CrPath::parse("spec.a[0").unwrap_err().contains("unclosed"));
        assert_eq!(
            CrPath::parse("a[2].b[name=\"m\"]").unwrap().segments,
            [
                Segment::Key("a".into()),
                Segment::Index(2),
                Segment::Key("b".into()),
                Segment::Match { key: "name".into(), value: "m".into() }
            ]
        );
    }

    #[test]
    fn templates_split_literals_and_placeholders() {
        let t = Template::parse("https://{spec.region}.x/#/jobs/{spec.trainingJobName}").unwrap();
        assert_eq!(t.parts.len(), 4);
        assert_eq!(t.paths().count(), 2);
        assert!(Template::parse("{condition.message}").unwrap().uses_condition());
        let fallback = Template::parse("({status.workers|0} workers active)").unwrap();
        assert_eq!(
            fallback.parts[1],
            Part::Placeholder(Placeholder::PathOr { path: CrPath::parse("status.workers").unwrap(), fallback: "0".into() })
        );
        assert!(Template::parse("{status.a[name=\"x\"]}").unwrap_err()[0].1.contains("by index"));
        assert!(Template::parse("{condition.reason|none}").unwrap_err()[0].1.contains("fallback"));
        assert!(Template::parse("{foo.bar}").unwrap_err()[0].1.contains("must start with"));
        assert!(Template::parse("a {spec.x").is_err());
        assert!(Template::parse("a } b").is_err());
        // Every mistake is reported, each with the text it is about.
        let errors = Template::parse("{foo} and {status.a[]} and {spec.ok}").unwrap_err();
        assert_eq!(errors.iter().map(|(at, _)| at.as_str()).collect::<Vec<_>>(), ["{foo}", "{status.a[]}"]);
        assert!(CrPath::parse_written("spec.items[].name").unwrap_err().contains("`[]`"));
    }
}
