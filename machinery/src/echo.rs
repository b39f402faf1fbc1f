//! Caller-supplied text in error messages and log lines, shortened.
//!
//! A message that echoed a 100,000-character value made flyteidl's client fail with
//! RESOURCE_EXHAUSTED (gRPC puts the message in a header), so the real error was lost, and every
//! log line repeated it.

/// Most characters of one echoed value.
pub const MAX_ECHO_CHARS: usize = 200;
/// Most characters of a whole error message (several echoes plus the explanation).
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// At most [`MAX_ECHO_CHARS`] characters of `value`, with `…` when shortened.
pub fn shown(value: &str) -> String {
    capped(value, MAX_ECHO_CHARS)
}

/// At most `max` characters of `text`, with `…` when shortened.
pub fn capped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((end, _)) => format!("{}…", &text[..end]),
    }
}

/// A status whose message is at most [`MAX_MESSAGE_CHARS`] characters.
pub fn capped_status(status: tonic::Status) -> tonic::Status {
    if status.message().chars().nth(MAX_MESSAGE_CHARS).is_none() {
        return status;
    }
    tonic::Status::new(status.code(), capped(status.message(), MAX_MESSAGE_CHARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_stays_and_long_text_is_cut_on_a_character() {
        assert_eq!(shown("abc"), "abc");
        let long = shown(&"ü".repeat(1000));
        assert_eq!(long.chars().count(), MAX_ECHO_CHARS + 1);
        assert!(long.ends_with('…'));
        let status = capped_status(tonic::Status::invalid_argument("x".repeat(5000)));
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert_eq!(status.message().chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
