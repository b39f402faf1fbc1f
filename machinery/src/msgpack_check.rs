//! MessagePack bytes checked against [`Limits`] before they are decoded.
//!
//! rmpv decodes recursively: about 495 nested arrays (under 1 KB) overflowed the stack of a debug
//! build, and a 16 MiB array of one-byte values became half a gigabyte of values. This walk reads
//! only the type markers and lengths, with an explicit stack (no recursion), and stops at the
//! first cap exceeded with the path of the value (`inputs.hp.layers[3]`).

use crate::echo::shown;
use crate::limits::Budget;
use crate::plugin::InvalidInput;

/// An array or map being walked.
struct Open {
    /// Values still to read (a map has two per entry).
    remaining: usize,
    /// Values read so far.
    read: usize,
    map: bool,
    /// Length of the path at the container itself.
    base: usize,
    /// The last string key of a map, for the path of its value.
    key: Option<String>,
}

fn invalid(path: &str, why: &str) -> InvalidInput {
    InvalidInput::new(path, format!("invalid MessagePack: {why}"))
}

fn take<'a>(bytes: &mut &'a [u8], n: usize, path: &str) -> Result<&'a [u8], InvalidInput> {
    if bytes.len() < n {
        return Err(invalid(path, "the bytes end inside a value"));
    }
    let (head, rest) = bytes.split_at(n);
    *bytes = rest;
    Ok(head)
}

fn length(bytes: &mut &[u8], width: usize, path: &str) -> Result<usize, InvalidInput> {
    let raw = take(bytes, width, path)?;
    let n = raw.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    usize::try_from(n).map_err(|_| invalid(path, "a length does not fit this machine"))
}

/// Checks the one MessagePack value in `bytes` (trailing bytes are the decoder's to refuse).
/// Malformed bytes are an error of the input itself, saying where; a cap names the value.
pub fn check(bytes: &[u8], field: &str, budget: &mut Budget<'_>) -> Result<(), InvalidInput> {
    walk(bytes, field, budget).map_err(|e| {
        if e.message.starts_with("invalid MessagePack") && e.field != field {
            InvalidInput::new(field, format!("{} (at {})", e.message, &e.field[field.len()..]))
        } else {
            e
        }
    })
}

fn walk(mut bytes: &[u8], field: &str, budget: &mut Budget<'_>) -> Result<(), InvalidInput> {
    let mut path = field.to_string();
    let mut stack: Vec<Open> = Vec::new();
    let mut first = true;
    loop {
        while stack.last().is_some_and(|o| o.remaining == 0) {
            stack.pop();
        }
        if stack.is_empty() && !first {
            return Ok(());
        }
        first = false;
        // The path of the value about to be read.
        let is_key = match stack.last() {
            None => false,
            Some(open) => {
                path.truncate(open.base);
                if open.map {
                    let is_key = open.read % 2 == 0;
                    if !is_key {
                        path.push_str(&format!(".{}", open.key.as_deref().unwrap_or("<key>")));
                    }
                    is_key
                } else {
                    path.push_str(&format!("[{}]", open.read));
                    false
                }
            }
        };
        budget.value(&path)?;
        let marker = take(&mut bytes, 1, &path)?[0];
        let mut container: Option<(usize, bool)> = None;
        let mut key = None;
        match marker {
            0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => {}
            0x80..=0x8f => container = Some((usize::from(marker & 0x0f), true)),
            0x90..=0x9f => container = Some((usize::from(marker & 0x0f), false)),
            0xa0..=0xbf | 0xd9 | 0xda | 0xdb | 0xc4 | 0xc5 | 0xc6 => {
                let len = match marker {
                    0xa0..=0xbf => usize::from(marker & 0x1f),
                    0xd9 | 0xc4 => length(&mut bytes, 1, &path)?,
                    0xda | 0xc5 => length(&mut bytes, 2, &path)?,
                    _ => length(&mut bytes, 4, &path)?,
                };
                budget.string(len, &path)?;
                let data = take(&mut bytes, len, &path)?;
                if is_key && matches!(marker, 0xa0..=0xbf | 0xd9 | 0xda | 0xdb) {
                    key = Some(shown(&String::from_utf8_lossy(data)));
                }
            }
            0xcc | 0xd0 => drop(take(&mut bytes, 1, &path)?),
            0xcd | 0xd1 => drop(take(&mut bytes, 2, &path)?),
            0xce | 0xd2 | 0xca => drop(take(&mut bytes, 4, &path)?),
            0xcf | 0xd3 | 0xcb => drop(take(&mut bytes, 8, &path)?),
            0xd4 => drop(take(&mut bytes, 2, &path)?),
            0xd5 => drop(take(&mut bytes, 3, &path)?),
            0xd6 => drop(take(&mut bytes, 5, &path)?),
            0xd7 => drop(take(&mut bytes, 9, &path)?),
            0xd8 => drop(take(&mut bytes, 17, &path)?),
            0xc7..=0xc9 => {
                let width = usize::from(marker - 0xc6);
                let len = length(&mut bytes, width, &path)?;
                budget.string(len, &path)?;
                take(&mut bytes, len.saturating_add(1), &path)?;
            }
            0xdc => container = Some((length(&mut bytes, 2, &path)?, false)),
            0xdd => container = Some((length(&mut bytes, 4, &path)?, false)),
            0xde => container = Some((length(&mut bytes, 2, &path)?, true)),
            0xdf => container = Some((length(&mut bytes, 4, &path)?, true)),
            0xc1 => return Err(invalid(&path, "reserved marker 0xc1")),
        }
        if let Some(open) = stack.last_mut() {
            open.remaining -= 1;
            open.read += 1;
            if open.map && is_key {
                open.key = key;
            }
        }
        if let Some((len, map)) = container {
            if map { budget.map(len, &path)? } else { budget.list(len, &path)? }
            budget.depth(stack.len() + 1, &path)?;
            let remaining = if map { len.saturating_mul(2) } else { len };
            stack.push(Open { remaining, read: 0, map, base: path.len(), key: None });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Limits;

    fn encode(value: &rmpv::Value) -> Vec<u8> {
        let mut bytes = Vec::new();
        rmpv::encode::write_value(&mut bytes, value).unwrap();
        bytes
    }

    fn run(bytes: &[u8], limits: &Limits) -> Result<(), InvalidInput> {
        check(bytes, "inputs.hp", &mut Budget::new(limits))
    }

    #[test]
    fn ordinary_values_pass() {
        use rmpv::Value as V;
        let value = V::Map(vec![
            (V::from("layers"), V::Array(vec![V::from(1), V::from(2.5), V::from("x"), V::Nil, V::from(true)])),
            (V::from("big"), V::from(u64::MAX)),
            (V::from("bin"), V::Binary(vec![1, 2, 3])),
            (V::from("ext"), V::Ext(1, vec![0; 16])),
        ]);
        run(&encode(&value), &Limits::default()).unwrap();
    }

    #[test]
    fn deep_nesting_stops_with_the_path() {
        // 495 levels overflowed a debug build's stack inside rmpv; the walk has no recursion.
        let mut bytes = vec![0x91; 100_000];
        bytes.push(0x01);
        let e = run(&bytes, &Limits::default()).unwrap_err();
        assert!(e.field.starts_with("inputs.hp[0][0][0]"), "{e}");
        assert!(e.message.contains("deeper than 64"), "{e}");
    }

    #[test]
    fn sizes_are_capped_with_the_key_in_the_path() {
        use rmpv::Value as V;
        let value = V::Map(vec![(V::from("layers"), V::Array(vec![V::Nil; 11]))]);
        let limits = Limits { max_list_length: 10, ..Limits::default() };
        let e = run(&encode(&value), &limits).unwrap_err();
        assert_eq!(e.field, "inputs.hp.layers");
        // A declared length beyond the bytes is caught without allocating it.
        let e = run(&[0xdd, 0xff, 0xff, 0xff, 0xff], &Limits::default()).unwrap_err();
        assert!(e.message.contains("more than"), "{e}");
        let e = run(&[0xdb, 0x00, 0x00, 0x00, 0x09, b'a'], &Limits::default()).unwrap_err();
        assert!(e.message.contains("end inside"), "{e}");
        let e = run(&[0x92, 0x01], &Limits::default()).unwrap_err();
        assert_eq!(e.field, "inputs.hp");
        assert!(e.message.ends_with("(at [1])"), "{e}");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        let mut seed = 3u64;
        for len in 0..3000 {
            let bytes: Vec<u8> = (0..len % 61)
                .map(|_| {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    (seed >> 33) as u8
                })
                .collect();
            let _ = run(&bytes, &Limits::default());
        }
    }
}
