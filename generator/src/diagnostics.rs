//! User-facing diagnostics: every mistake in a `.proto` points at its file, line and column.

use std::collections::HashMap;
use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use prost_reflect::FileDescriptor;

/// One mistake in a `.proto`, with a label under the offending token.
#[derive(Debug, thiserror::Error, Diagnostic)]
#[error("{message}")]
pub struct ProtoError {
    pub message: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    /// Further places the mistake involves, e.g. the other declaration of a clashing name.
    #[label(collection)]
    pub also: Vec<LabeledSpan>,
    #[help]
    pub help: Option<String>,
}

/// Everything that can stop a run.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Compile(#[from] protox::Error),
    #[error("{} error(s) in the plugin model; nothing was written", .0.len())]
    Invalid(#[related] Vec<ProtoError>),
    #[error("{0}")]
    Usage(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },
}

/// Locates descriptors in their source text.
pub struct Locator<'a> {
    file: &'a FileDescriptor,
    text: &'a str,
    /// Byte offset of the start of every line, for line/column -> offset in O(1).
    line_starts: Vec<usize>,
    /// Source location of every descriptor path that has one, indexed once per file: lowering
    /// asks for several spans per field, so a scan per question would be quadratic.
    locations: HashMap<Vec<i32>, &'a prost_types::source_code_info::Location>,
}

/// Source text of every loaded file by its name in the descriptor pool (the pool keeps spans,
/// not text).
pub type Sources = std::collections::BTreeMap<String, String>;

impl<'a> Locator<'a> {
    pub fn new(file: &'a FileDescriptor, sources: &'a Sources) -> Self {
        let text = sources.get(file.name()).map(String::as_str).unwrap_or_default();
        let line_starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let locations = file
            .file_descriptor_proto()
            .source_code_info
            .iter()
            .flat_map(|info| &info.location)
            .map(|l| (l.path.clone(), l))
            .collect();
        Self { file, text, line_starts, locations }
    }

    fn source(&self) -> String {
        self.text.to_string()
    }

    fn offset(&self, line: usize, column: usize) -> usize {
        let start = self.line_starts.get(line).copied().unwrap_or(self.text.len());
        (start + column).min(self.text.len())
    }

    /// The leading comment of the element at `path`, if it has one.
    pub fn leading_comment(&self, path: &[i32]) -> Option<&'a str> {
        self.locations.get(path).map(|l| l.leading_comments())
    }

    /// The span of the element at descriptor `path` (e.g. a field's path plus `[8, 51002]` for
    /// one of its options). Falls back to the nearest enclosing element that has a location.
    pub fn span(&self, path: &[i32]) -> SourceSpan {
        for len in (0..=path.len()).rev() {
            if let Some(loc) = self.locations.get(&path[..len]) {
                let (l1, c1, l2, c2) = match loc.span[..] {
                    [l, c1, c2] => (l, c1, l, c2),
                    [l1, c1, l2, c2] => (l1, c1, l2, c2),
                    _ => continue,
                };
                let start = self.offset(l1 as usize, c1 as usize);
                let end = self.offset(l2 as usize, c2 as usize);
                return SourceSpan::from(start..end.max(start));
            }
        }
        SourceSpan::from(0..0)
    }

    /// Narrows `span` to the first occurrence of `needle` inside it (the offending token inside
    /// an option's `{...}` value, which protobuf source info does not locate on its own).
    pub fn narrow(&self, span: SourceSpan, needle: &str) -> SourceSpan {
        if needle.is_empty() {
            return span;
        }
        let start = span.offset();
        let end = (start + span.len()).min(self.text.len());
        let within = self.text.get(start..end).unwrap_or_default();
        if let Some(i) = within.find(needle) {
            return SourceSpan::from(start + i..start + i + needle.len());
        }
        // A quoted needle holding quotes (`"containers[name="main"]"`) is written escaped in the
        // .proto (`"containers[name=\"main\"]"`).
        if let Some(inner) = needle.strip_prefix('"').and_then(|n| n.strip_suffix('"')).filter(|n| n.contains('"')) {
            let escaped = format!("\"{}\"", inner.replace('\\', "\\\\").replace('"', "\\\""));
            if let Some(i) = within.find(&escaped) {
                return SourceSpan::from(start + i..start + i + escaped.len());
            }
        }
        span
    }

    /// Like [`Locator::narrow`], at the `n`th (0-based) occurrence of `needle`: the second of two
    /// entries written alike (two resources for one target, a name declared twice) is labelled
    /// itself, not the first. Falls back to the first occurrence, then to `span`.
    pub fn narrow_nth(&self, span: SourceSpan, needle: &str, n: usize) -> SourceSpan {
        let start = span.offset();
        let end = (start + span.len()).min(self.text.len());
        let within = self.text.get(start..end).unwrap_or_default();
        match within.match_indices(needle).nth(n) {
            Some((i, _)) if !needle.is_empty() => SourceSpan::from(start + i..start + i + needle.len()),
            _ => self.narrow(span, needle),
        }
    }

    /// The text from `start` (inside `within`) up to the next `separator` or the end of
    /// `within`: one entry of a repeated option field (`resources: {...} resources: {...}`), so
    /// that narrowing inside it finds that entry's tokens, not the first entry's.
    pub fn block(&self, within: SourceSpan, start: SourceSpan, separator: &str) -> SourceSpan {
        let end = within.offset() + within.len();
        let from = start.offset() + start.len();
        let stop = self.text.get(from..end.min(self.text.len())).and_then(|s| s.find(separator)).map_or(end, |i| from + i);
        SourceSpan::from(start.offset()..stop.max(start.offset()))
    }

    pub fn error(&self, span: SourceSpan, message: impl Into<String>, label: impl Into<String>) -> ProtoError {
        ProtoError {
            message: message.into(),
            source_code: NamedSource::new(self.file.name(), self.source()),
            span,
            label: label.into(),
            also: Vec::new(),
            help: None,
        }
    }
}

/// Drops repeated errors (same file, span and message), keeping the first: a message several
/// task types share is checked once per task type, and its mistake is one mistake.
pub fn dedup(errors: &mut Vec<ProtoError>) {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert((e.source_code.name().to_string(), e.span.offset(), e.span.len(), e.message.clone())));
}

impl ProtoError {
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a second label in the same file (the other side of a clash).
    pub fn with_also(mut self, span: SourceSpan, label: impl Into<String>) -> Self {
        self.also.push(LabeledSpan::new_with_span(Some(label.into()), span));
        self
    }
}


/// Renders an error without colour at a fixed width, as tests snapshot it and as CI logs show
/// it: each mistake in a model on its own, then one summary line.
pub fn render(error: &Error) -> String {
    match error {
        Error::Invalid(errors) => {
            let mut out: String = errors.iter().map(|e| render_one(e)).collect();
            out.push_str(&format!("{error}\n"));
            out
        }
        other => render_one(other),
    }
}

fn render_one(diagnostic: &dyn Diagnostic) -> String {
    let mut out = String::new();
    let handler = GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor()).with_width(100);
    handler
        .render_report(&mut out, diagnostic)
        .expect("writing to a String cannot fail");
    out
}

impl fmt::Display for Locator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file.name())
    }
}
