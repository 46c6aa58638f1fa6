//! Absolute URLs of the published site, from `base_url`.
//!
//! Owns turning a path relative to the site root (`exchanges/x/`) into the
//! URL a reader, crawler or feed reader uses, and the parts of `base_url`
//! other leaves need (its path, its host). Pages link relatively and never
//! use this; canonical links, feeds, the sitemap and the data files do.

use crate::config::Config;

/// The site's public address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urls {
    /// Ends with `/`; empty when the site has no `base_url`.
    base: String,
}

impl Urls {
    pub fn new(config: &Config) -> Urls {
        Urls {
            base: config.base_url.clone(),
        }
    }

    /// Whether `base_url` is known, so URLs are truly absolute.
    pub fn is_absolute(&self) -> bool {
        !self.base.is_empty()
    }

    /// The URL of `path` (relative to the site root), percent-encoded
    /// (`base_url` already is, by `config`). Without a `base_url` this is
    /// root-relative (`/exchanges/x/`), right for a site served from the
    /// root of its host.
    pub fn absolute(&self, path: &str) -> String {
        let path = percent_encode_path(path);
        if self.base.is_empty() {
            format!("/{path}")
        } else {
            format!("{}{path}", self.base)
        }
    }

    /// The path part of `base_url`: `/timeline/`, or `/`.
    pub fn base_path(&self) -> String {
        base_path(&self.base)
    }

    /// The host of `base_url` (`example.org`), or `""`.
    pub fn host(&self) -> &str {
        let after_scheme = self.base.split_once("://").map_or("", |(_, rest)| rest);
        let authority = after_scheme.split('/').next().unwrap_or("");
        let host_port = authority.rsplit('@').next().unwrap_or("");
        host_port.split(':').next().unwrap_or("")
    }
}

/// Whether `b` may stand in a URL path as it is (RFC 3986 `pchar` and
/// `/`): every other byte is percent-encoded.
fn path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b)
}

/// `path` with every byte a URL path may not hold as it is
/// percent-encoded (`a b` → `a%20b`, `ä` → `%C3%A4`); a `%` that already
/// starts an escape stays, so encoding twice changes nothing.
pub fn percent_encode_path(path: &str) -> std::borrow::Cow<'_, str> {
    let b = path.as_bytes();
    let escape_at = |i: usize| {
        b.get(i + 1..i + 3)
            .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    };
    let keep = |i: usize| path_byte(b[i]) || (b[i] == b'%' && escape_at(i));
    if (0..b.len()).all(keep) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 16);
    for (i, &byte) in b.iter().enumerate() {
        if keep(i) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The path part of a base URL: `/timeline/`, or `/`.
pub fn base_path(base_url: &str) -> String {
    let after_scheme = base_url.split_once("://").map_or("", |(_, rest)| rest);
    match after_scheme.find('/') {
        Some(i) => {
            let path = &after_scheme[i..];
            if path.ends_with('/') {
                path.to_string()
            } else {
                format!("{path}/")
            }
        }
        None => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(base: &str) -> Urls {
        Urls {
            base: crate::config::normalize_base_url(base),
        }
    }

    #[test]
    fn absolute_urls_follow_the_base() {
        let u = urls("https://example.org/timeline");
        assert_eq!(
            u.absolute("exchanges/x/"),
            "https://example.org/timeline/exchanges/x/"
        );
        assert_eq!(u.absolute(""), "https://example.org/timeline/");
        assert_eq!(u.base_path(), "/timeline/");
        assert_eq!(u.host(), "example.org");
        let none = urls("");
        assert!(!none.is_absolute());
        assert_eq!(none.absolute("feed.xml"), "/feed.xml");
        assert_eq!(none.base_path(), "/");
        assert_eq!(none.host(), "");
        assert_eq!(urls("http://user@host.test:8080/").host(), "host.test");
    }

    #[test]
    fn absolute_urls_are_percent_encoded() {
        let u = urls("https://example.org/time line/Käse");
        assert_eq!(
            u.absolute("exchanges/x y/"),
            "https://example.org/time%20line/K%C3%A4se/exchanges/x%20y/"
        );
        assert_eq!(u.base_path(), "/time%20line/K%C3%A4se/");
        assert_eq!(urls("").absolute("a b"), "/a%20b");
        assert_eq!(percent_encode_path("a%2Fb%zz%"), "a%2Fb%25zz%25");
        assert!(matches!(
            percent_encode_path("exchanges/2023-06-18_x/"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
