//! `name_rule.pattern` against the names the backend makes.
//!
//! The backend's name maker (`machinery::naming`) writes names of one of two shapes: lower-case
//! letters and digits in runs joined by single `-` ([`NameShape::Plain`]), or the same starting
//! with a letter ([`NameShape::LetterFirst`]). Lowering proves, not samples, that the declared
//! pattern accepts every name of a shape at every length up to `max_length`, and picks the first
//! shape that fits; a pattern no shape fits is refused with a name it rejects, so a deployed
//! backend can never make a name its own CRD (or admission webhook) refuses.
//!
//! The proof walks the product of the shape's automaton and the pattern's lazy DFA one length
//! at a time; the pairs of states per length are few (the pattern's states times three), so the
//! cost is bounded by the length limit (at most 253) times that.

use std::collections::BTreeMap;

use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::util::start;
use regex_automata::Anchored;

use miette::SourceSpan;

use super::FileCx;
use crate::model::NameShape;
use crate::options::NameRuleOpt;

impl FileCx<'_> {
    /// Checks a resource's `name_rule.pattern` (inside the entry `span`; `token` is the entry's
    /// `target: "..."`, for a rule that is missing) and returns the shape of name that fits it.
    pub(super) fn name_rule(&mut self, rule: &NameRuleOpt, target: &str, span: SourceSpan, token: SourceSpan) -> NameShape {
        // A length out of range is reported with the other checks of the resource.
        if !(super::NAME_HASH_LEN..=253).contains(&rule.max_length) {
            return NameShape::Plain;
        }
        let rule_token = match self.loc.narrow(span, "name_rule") {
            s if s == span => token,
            s => s,
        };
        // The pattern as the .proto writes it, escapes and all.
        let written = format!("\"{}\"", rule.pattern.replace('\\', "\\\\").replace('"', "\\\""));
        let pattern_token = match self.loc.narrow(span, &written) {
            s if s == span => rule_token,
            s => s,
        };
        if let Err(e) = regex::Regex::new(&rule.pattern) {
            self.err(pattern_token, format!("name_rule.pattern is not a valid regular expression: {e}"), "bad pattern");
            return NameShape::Plain;
        }
        match fitting_shape(&rule.pattern, rule.max_length as usize) {
            Ok(shape) => shape,
            Err(Misfit::Rejects(name)) => {
                self.err_help(
                    pattern_token,
                    format!("name_rule.pattern of target `{target}` rejects `{name}`, a name the backend can make"),
                    "rejects backend names",
                    format!(
                        "the backend names an object after its execution, node and attempt plus a hash: lower-case letters and digits in runs joined by single `-`, starting with a letter if the pattern needs one, up to {} characters; the pattern must accept every such name",
                        rule.max_length
                    ),
                );
                NameShape::Plain
            }
            Err(Misfit::TooComplex(why)) => {
                self.err(pattern_token, format!("name_rule.pattern of target `{target}` is too complex to check against the backend's names: {why}"), "too complex");
                NameShape::Plain
            }
        }
    }
}

/// Why no shape fits.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Misfit {
    /// The pattern rejects this name, which the maker can write under every shape.
    Rejects(String),
    /// The pattern is beyond what the check can follow (it would not fit its state budget).
    TooComplex(String),
}

/// The first shape whose every name of 1..=`max_len` characters `pattern` matches (with
/// `Regex::is_match`'s meaning: a match anywhere, unless the pattern anchors itself).
pub(super) fn fitting_shape(pattern: &str, max_len: usize) -> Result<NameShape, Misfit> {
    let dfa = DFA::builder()
        // Non-ASCII bytes never occur in a name; `\b` may then give up on them harmlessly.
        .configure(DFA::config().unicode_word_boundary(true))
        .build(pattern)
        .map_err(|e| Misfit::TooComplex(e.to_string()))?;
    let mut last = String::new();
    for shape in [NameShape::Plain, NameShape::LetterFirst] {
        match rejected_name(&dfa, shape, max_len)? {
            None => return Ok(shape),
            Some(name) => last = name,
        }
    }
    Err(Misfit::Rejects(last))
}

/// Where a name stands in its shape: nothing written yet, after a letter or digit, after `-`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum At {
    Start,
    Alnum,
    Dash,
}

/// The shortest name of `shape` (at most `max_len` long) that the pattern rejects, if any.
fn rejected_name(dfa: &DFA, shape: NameShape, max_len: usize) -> Result<Option<String>, Misfit> {
    let too_complex = |e: &dyn std::fmt::Display| Misfit::TooComplex(e.to_string());
    let mut cache = dfa.create_cache();
    let start = dfa
        .start_state(&mut cache, &start::Config::new().anchored(Anchored::No))
        .map_err(|e| too_complex(&e))?;
    // Pairs not yet matched, each with the shortest name that reaches it.
    let mut layer: BTreeMap<(LazyStateID, At), String> = BTreeMap::from([((start, At::Start), String::new())]);
    for _ in 0..max_len {
        let mut next = BTreeMap::new();
        for ((sid, at), name) in &layer {
            for byte in b'a'..=b'z' {
                step(dfa, &mut cache, shape, (*sid, *at), name, byte, &mut next)?;
            }
            for byte in b'0'..=b'9' {
                step(dfa, &mut cache, shape, (*sid, *at), name, byte, &mut next)?;
            }
            step(dfa, &mut cache, shape, (*sid, *at), name, b'-', &mut next)?;
        }
        for ((sid, at), name) in &next {
            if *at == At::Alnum {
                let end = dfa.next_eoi_state(&mut cache, *sid).map_err(|e| too_complex(&e))?;
                check_cache(&cache)?;
                if !end.is_match() {
                    return Ok(Some(name.clone()));
                }
            }
        }
        layer = next;
    }
    Ok(None)
}

/// Extends `name` by `byte` if the shape allows it; a pair whose DFA state has matched is
/// dropped, as every longer name then matches too.
fn step(
    dfa: &DFA,
    cache: &mut Cache,
    shape: NameShape,
    (sid, at): (LazyStateID, At),
    name: &str,
    byte: u8,
    next: &mut BTreeMap<(LazyStateID, At), String>,
) -> Result<(), Misfit> {
    let to = match (at, byte) {
        (At::Start, b'0'..=b'9') if shape == NameShape::LetterFirst => return Ok(()),
        (At::Start | At::Dash, b'-') => return Ok(()),
        (_, b'-') => At::Dash,
        _ => At::Alnum,
    };
    let sid = dfa.next_state(cache, sid, byte).map_err(|e| Misfit::TooComplex(e.to_string()))?;
    check_cache(cache)?;
    if sid.is_quit() {
        return Err(Misfit::TooComplex("the pattern's automaton gave up on a name's byte".into()));
    }
    if !sid.is_match() {
        next.entry((sid, to)).or_insert_with(|| format!("{name}{}", byte as char));
    }
    Ok(())
}

/// State ids live in the lazy DFA's cache; once it is cleared, those already held are void.
fn check_cache(cache: &Cache) -> Result<(), Misfit> {
    if cache.clear_count() > 0 {
        return Err(Misfit::TooComplex("the pattern needs more states than the check keeps".into()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_the_declared_patterns() {
        assert_eq!(fitting_shape("^[a-z0-9](-*[a-z0-9])*$", 63), Ok(NameShape::Plain));
        assert_eq!(fitting_shape("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", 63), Ok(NameShape::Plain));
        assert_eq!(fitting_shape("^[a-z]([-a-z0-9]*[a-z0-9])?$", 47), Ok(NameShape::LetterFirst));
        assert_eq!(fitting_shape("", 63), Ok(NameShape::Plain));
        // Unanchored: a match anywhere is enough, as `Regex::is_match` has it.
        assert_eq!(fitting_shape("[a-z0-9]", 63), Ok(NameShape::Plain));
    }

    #[test]
    fn the_shortest_rejected_name_is_reported() {
        assert_eq!(fitting_shape("^[a-z]+$", 63), Err(Misfit::Rejects("a0".into())));
        assert_eq!(fitting_shape("^[a-z0-9]{3,}$", 63), Err(Misfit::Rejects("a".into())));
        // A length limit the pattern tightens: only names longer than it allows are refused.
        assert_eq!(fitting_shape("^[a-z0-9-]{1,10}$", 10), Ok(NameShape::Plain));
        assert_eq!(fitting_shape("^[a-z0-9-]{1,10}$", 11), Err(Misfit::Rejects("aaaaaaaaaaa".into())));
        assert_eq!(fitting_shape("^x", 63), Err(Misfit::Rejects("a".into())));
    }

    #[test]
    fn an_exploding_pattern_ends_in_an_answer() {
        // Its DFA needs a state per suffix of 14 characters: the check gives up or finds a name.
        assert!(fitting_shape("^[a-z0-9-]{1,20}$|[a-z0-9]*a[a-z0-9]{14}", 253).is_err());
    }
}
