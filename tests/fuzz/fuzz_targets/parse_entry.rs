//! Fuzzes what `detente build` does with a content file's bytes: decode
//! them as UTF-8, split the front matter, parse it as each kind of entry.
//! Any panic is a bug; errors are the expected answer to bad input.
#![no_main]

use std::path::Path;

use detente::load::{self, ExchangeFront, IssueFront, OfficialFront};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let rel = Path::new("content/exchanges/fuzz.md");
    let Ok(text) = load::decode(data.to_vec(), rel) else {
        return;
    };
    let _ = detente::frontmatter::split(&text);
    let _ = load::parse_text::<ExchangeFront>("fuzz", rel, &text, load::EXCHANGE_KEYS);
    let _ = load::parse_text::<OfficialFront>("fuzz", rel, &text, load::OFFICIAL_KEYS);
    let _ = load::parse_text::<IssueFront>("fuzz", rel, &text, load::ISSUE_KEYS);
});
