//! Status: the rules mapping an object's status onto a Flyte phase, and the message templates.

use miette::SourceSpan;

use super::FileCx;
use crate::crpath::{CrPath, Segment, Template};
use crate::model::*;
use crate::options::*;

impl FileCx<'_> {
    pub(super) fn status(&mut self, s: StatusOpt, span: SourceSpan, target: &str) -> Status {
        let phase_path = (!s.phase_path.is_empty()).then(|| self.read_path(&s.phase_path, span, &format!("status.phase_path of target `{target}`")));
        let mut rules = Vec::new();
        for r in s.rules {
            let kinds = [!r.status_in.is_empty(), !r.condition.is_empty(), !r.latest_condition.is_empty()];
            let matcher = match kinds {
                [true, false, false] if phase_path.is_none() => {
                    let s = self.loc.narrow(span, "status_in");
                    self.err_help(
                        s,
                        format!("a `status_in` rule of target `{target}` reads the status value, but the status has no `phase_path`"),
                        "no status value to match",
                        "add `phase_path: \"status....\"` to the status, or match a condition",
                    );
                    continue;
                }
                [true, false, false] => {
                    let secondary = if r.secondary_path.is_empty() {
                        None
                    } else {
                        Some((self.read_path(&r.secondary_path, span, "secondary_path"), r.secondary_in.clone()))
                    };
                    Matcher::Status { values: r.status_in.clone(), secondary }
                }
                [false, true, false] => Matcher::Condition { condition_type: r.condition.clone() },
                [false, false, true] => Matcher::LatestCondition { condition_type: r.latest_condition.clone() },
                _ => {
                    let s = self.loc.narrow(span, &r.phase);
                    self.err(s, "a phase rule matches exactly one of `status_in`, `condition` or `latest_condition`", "ambiguous rule");
                    continue;
                }
            };
            let mut where_ = Vec::new();
            for w in &r.where_ {
                let token = self.loc.narrow(span, &format!("\"{}\"", w.pattern));
                if let Err(e) = regex::Regex::new(&w.pattern) {
                    self.err(token, format!("pattern `{}` is not a valid regular expression: {e}", w.pattern), "bad pattern");
                    continue;
                }
                let subject = match w.path.as_str() {
                    "condition.reason" | "condition.message" if !matcher.has_condition() => {
                        let s = self.loc.narrow(span, &format!("\"{}\"", w.path));
                        self.err(s, format!("`{}` is only known in a rule that matches a condition", w.path), "no condition here");
                        continue;
                    }
                    "condition.reason" => Subject::ConditionReason,
                    "condition.message" => Subject::ConditionMessage,
                    path => Subject::Path(self.read_path(path, span, "where path")),
                };
                where_.push(TextMatch { subject, pattern: w.pattern.clone() });
            }
            let Some(phase) = parse_phase(&r.phase) else {
                // The rule's matcher, the one token a rule without a phase surely has.
                let matcher_text = r.status_in.first().or(Some(&r.condition).filter(|c| !c.is_empty())).unwrap_or(&r.latest_condition);
                let s = self.loc.narrow(span, &format!("\"{matcher_text}\""));
                self.err(s, "a phase rule needs a phase", "no phase");
                continue;
            };
            let message = self.template(&r.message, span, "phase message");
            if message.uses_condition() && !matcher.has_condition() {
                let s = self.loc.narrow(span, &r.message);
                self.err(s, "{condition.*} is only known in a rule that matches a condition", "no condition here");
            }
            rules.push(PhaseRule { matcher, where_, phase, message });
        }
        let otherwise = parse_phase(&s.otherwise).unwrap_or_else(|| {
            let span = match self.loc.narrow(span, "status:") {
                s if s == span => self.loc.narrow(span, "status"),
                s => s,
            };
            self.err(span, format!("status of target `{target}` needs `otherwise` (the phase of unknown values)"), "no otherwise");
            Phase::Running
        });
        let otherwise_message = self.template(&s.otherwise_message, span, "otherwise message");
        Status { phase_path, rules, otherwise, otherwise_message }
    }

    /// A path the backend reads from a watched object: list items by position only.
    fn read_path(&mut self, text: &str, span: SourceSpan, what: &str) -> CrPath {
        let path = self.path(text, span, what);
        if path.segments.iter().any(|s| matches!(s, Segment::Match { .. })) {
            let s = self.loc.narrow(span, &format!("\"{text}\""));
            self.err(s, format!("bad {what}: `{text}` matches a list item by key; status is read by position (`[0]`)"), "bad path");
        }
        path
    }

    pub(super) fn template(&mut self, text: &str, span: SourceSpan, what: &str) -> Template {
        match Template::parse(text) {
            // A setting is the deployment's, not the object's: it makes links, never a phase
            // message or an output.
            Ok(t) if what != "log link" && t.settings().next().is_some() => {
                let within = self.loc.narrow(span, text);
                for name in t.settings().map(str::to_string).collect::<Vec<_>>() {
                    let s = self.loc.narrow(within, &format!("{{config.{name}}}"));
                    self.err(s, format!("the {what} cannot read the backend setting `{name}`; `{{config.…}}` belongs in log links"), "setting outside a log link");
                }
                Template::default()
            }
            Ok(t) => t,
            Err(errors) => {
                let within = self.loc.narrow(span, text);
                for (at, why) in errors {
                    let s = self.loc.narrow(within, &at);
                    self.err(s, format!("bad {what} template: {why}"), "bad template");
                }
                Template::default()
            }
        }
    }

}

pub(super) fn parse_phase(text: &str) -> Option<Phase> {
    Some(match text {
        "QUEUED" => Phase::Queued,
        "INITIALIZING" => Phase::Initializing,
        "WAITING_FOR_RESOURCES" => Phase::WaitingForResources,
        "RUNNING" => Phase::Running,
        "SUCCEEDED" => Phase::Succeeded,
        "RETRYABLE_FAILURE" => Phase::RetryableFailure,
        "PERMANENT_FAILURE" => Phase::PermanentFailure,
        "ABORTED" => Phase::Aborted,
        _ => return None,
    })
}
