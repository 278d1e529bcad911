//! `tokenscope decode`: everything the inspector finds, as JSON (the report
//! is [`crate::export::decoded`]'s, shared with `run --json` and the
//! Markdown export).

use std::io::Read;

use crate::paste::MAX_PASTE_BYTES;

pub use crate::export::decoded::*;

/// Reads a paste as bytes, stopping one byte past the paste limit: the
/// inspection keeps the limit and says the input went on, and a 10 GB file
/// is never read whole.
pub fn read_paste(reader: impl Read) -> std::io::Result<Vec<u8>> {
    let limit = u64::try_from(MAX_PASTE_BYTES).map_or(u64::MAX, |max| max.saturating_add(1));
    let mut bytes = Vec::new();
    reader.take(limit).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paste_is_read_one_byte_past_the_limit_and_no_further() {
        // An endless input: reading it whole would never end.
        let bytes = read_paste(std::io::repeat(b'x')).expect("reads");
        assert_eq!(bytes.len(), MAX_PASTE_BYTES + 1);
        drop(bytes);
        let bytes = read_paste("ключ😀".as_bytes()).expect("reads");
        assert_eq!(bytes, "ключ😀".as_bytes());
    }
}
