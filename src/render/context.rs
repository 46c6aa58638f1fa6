//! A page's template context that remembers the names of its values.
//!
//! Tera's `Context` cannot list its keys; `detente templates` shows each
//! template the values it receives, taken from the very contexts pages
//! are rendered with. This wrapper only records names; it adds no values.

use std::borrow::Cow;

use tera::{Context, Value};

/// A Tera context and the names of its values, in insertion order.
#[derive(Debug, Clone, Default)]
pub struct Ctx {
    inner: Context,
    keys: Vec<Cow<'static, str>>,
}

impl Ctx {
    pub fn insert_value(&mut self, key: impl Into<Cow<'static, str>>, value: Value) {
        let key = key.into();
        if !self.inner.contains_key(&key) {
            self.keys.push(key.clone());
        }
        self.inner.insert_value(key, value);
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.inner.get(key)
    }

    pub fn as_context(&self) -> &Context {
        &self.inner
    }

    /// The names of the values, sorted.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys: Vec<&str> = self.keys.iter().map(|k| k.as_ref()).collect();
        keys.sort_unstable();
        keys
    }
}
