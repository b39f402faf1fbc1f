//! Status: the rules mapping an object's status onto a Flyte phase, and the message templates.

use miette::SourceSpan;

use super::FileCx;
use crate::crpath::Template;
use crate::model::*;
use crate::options::*;

impl FileCx<'_> {
    pub(super) fn status(&mut self, s: StatusOpt, span: SourceSpan, target: &str) -> Status {
        let phase_path = self.path(&s.phase_path, span, &format!("status.phase_path of target `{target}`"));
        let mut rules = Vec::new();
        for r in s.rules {
            let matcher = match (r.status_in.is_empty(), r.condition.is_empty()) {
                (false, true) => {
                    let secondary = if r.secondary_path.is_empty() {
                        None
                    } else {
                        Some((self.path(&r.secondary_path, span, "secondary_path"), r.secondary_in.clone()))
                    };
                    Matcher::Status { values: r.status_in.clone(), secondary }
                }
                (true, false) => Matcher::Condition { condition_type: r.condition.clone() },
                _ => {
                    let s = self.loc.narrow(span, &r.phase);
                    self.err(s, "a phase rule matches either `status_in` or a `condition`, exactly one", "ambiguous rule");
                    continue;
                }
            };
            let Some(phase) = parse_phase(&r.phase) else {
                self.err(span, "a phase rule needs a phase", "no phase");
                continue;
            };
            let message = self.template(&r.message, span, "phase message");
            if message.uses_condition() && !matches!(matcher, Matcher::Condition { .. }) {
                let s = self.loc.narrow(span, &r.message);
                self.err(s, "{condition.*} is only known in a rule that matches a condition", "no condition here");
            }
            rules.push(PhaseRule { matcher, phase, message });
        }
        let otherwise = parse_phase(&s.otherwise).unwrap_or_else(|| {
            self.err(span, format!("status of target `{target}` needs `otherwise` (the phase of unknown values)"), "no otherwise");
            Phase::Running
        });
        let otherwise_message = self.template(&s.otherwise_message, span, "otherwise message");
        Status { phase_path, rules, otherwise, otherwise_message }
    }

    pub(super) fn template(&mut self, text: &str, span: SourceSpan, what: &str) -> Template {
        match Template::parse(text) {
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
