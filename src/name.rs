//! Interned names: a call's callee is one of a few hundred thousand distinct names
//! repeated across millions of calls (`spin_lock`, `kfree`, a driver's helpers), so
//! each distinct text is stored once for the process and a call keeps a reference.
//!
//! Interned texts are never freed. Their number is bounded by the distinct names of
//! the code analysed (a language server adds the few new names an edit brings).

use std::borrow::Borrow;
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashSet;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An interned, immutable text; compares, hashes and orders as its text.
///
/// One pointer (to the interned `&str`), not the text's pointer and length: a call
/// keeps its callee's name, and a whole-tree run keeps millions of calls.
#[derive(Clone, Copy)]
pub struct Name(&'static &'static str);

/// The empty name (not interned).
static EMPTY: &str = "";

impl Default for Name {
    fn default() -> Name {
        Name(&EMPTY)
    }
}

/// Shards of the interner, so the parse stage's threads rarely wait on each other.
const SHARDS: usize = 16;

fn shards() -> &'static [Mutex<FxHashSet<Name>>; SHARDS] {
    static TABLE: OnceLock<[Mutex<FxHashSet<Name>>; SHARDS]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|_| Mutex::new(FxHashSet::default())))
}

impl Name {
    /// The interned copy of `text`.
    pub fn new(text: &str) -> Name {
        if text.is_empty() {
            return Name::default();
        }
        let mut h = rustc_hash::FxHasher::default();
        text.hash(&mut h);
        let shard = &shards()[(h.finish() as usize) % SHARDS];
        // A poisoned shard only means another thread panicked while inserting; the
        // set itself is still a valid set of leaked texts.
        let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&known) = set.get(text) {
            return known;
        }
        let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
        let name = Name(Box::leak(Box::new(leaked)));
        set.insert(name);
        name
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.0
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        std::ptr::eq(self.0, other.0) || *self.0 == *other.0
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(&text)
    }
}

/// Serialised as its text: the cache's encoding is that of a `String`.
impl Serialize for Name {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Name, D::Error> {
        struct Visit;
        impl serde::de::Visitor<'_> for Visit {
            type Value = Name;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a name")
            }
            fn visit_str<E>(self, v: &str) -> Result<Name, E> {
                Ok(Name::new(v))
            }
        }
        d.deserialize_str(Visit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_copy_per_text_and_the_text_round_trips() {
        let a = Name::new("spin_lock");
        let b = Name::from(String::from("spin_lock"));
        assert!(std::ptr::eq(a.as_str(), b.as_str()));
        assert_eq!(a, "spin_lock");
        assert_ne!(a, Name::new("spin_unlock"));
        let bytes = postcard::to_stdvec(&a).unwrap();
        assert_eq!(bytes, postcard::to_stdvec("spin_lock").unwrap());
        let back: Name = postcard::from_bytes(&bytes).unwrap();
        assert!(std::ptr::eq(back.as_str(), a.as_str()));
        assert_eq!(Name::default(), "");
    }
}
