//! Strict JSON loading for configuration and model files.
//!
//! serde's derived code accepts a JSON array in place of an object, matching the array's
//! elements to the fields by position, so `"tiering": [1, 2]` would load as two
//! thresholds. Every configuration and model type of the crate therefore deserialises
//! through `StrictDe`, a wrapper around any serde deserializer that refuses a sequence
//! wherever a struct (or a struct variant) is expected, at every depth. Together with
//! `#[serde(deny_unknown_fields)]` on those types, a file loads only when every key is
//! known and every object is an object.
//!
//! The loaders here ([`from_str`], [`from_slice`], [`from_reader`]) also return the
//! crate's own error when a value fails validation while loading (an
//! [`Error::InvalidModel`] for a model with the wrong shape, an [`Error::InvalidConfig`]
//! for a policy whose thresholds are out of order), so that one bad file gives the same
//! error whichever loader reads it; syntax errors and wrong JSON types are
//! [`Error::Parse`] naming the line and column.
//!
//! ```
//! use wealthscore::{Error, TieringPolicy};
//!
//! let policy: TieringPolicy = wealthscore::json::from_str(r#"{"hnw_lower": 2000000}"#)?;
//! assert_eq!(policy.hnw_lower, 2.0e6);
//! // An unknown key, and an array in place of the object, are both refused.
//! assert!(wealthscore::json::from_str::<TieringPolicy>(r#"{"hnw_lowr": 1}"#).is_err());
//! assert!(matches!(
//!     wealthscore::json::from_str::<TieringPolicy>("[1, 2]"),
//!     Err(Error::Parse { .. })
//! ));
//! # Ok::<(), wealthscore::Error>(())
//! ```

use crate::error::{Error, Result};
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::cell::RefCell;
use std::fmt;

thread_local! {
    // The crate error behind the latest validation failure inside deserialisation;
    // serde only carries its text, the loaders put the typed error back.
    static LAST: RefCell<Option<Error>> = const { RefCell::new(None) };
}

/// Records `e` as the typed cause of the serde error about to be raised; returns it.
pub(crate) fn stash(e: Error) -> Error {
    LAST.with(|l| *l.borrow_mut() = Some(e.clone()));
    e
}

fn take_stashed() -> Option<Error> {
    LAST.with(|l| l.borrow_mut().take())
}

/// The crate error for a serde_json failure: the typed validation error when one was
/// raised while loading, else [`Error::Parse`] with the position.
pub(crate) fn convert(e: serde_json::Error) -> Error {
    let stashed = take_stashed();
    if e.is_data()
        && let Some(typed) = stashed
        && e.to_string().starts_with(&typed.to_string())
    {
        return typed;
    }
    Error::from(e)
}

/// Loads `T` from JSON text, strictly (see the module documentation).
pub fn from_str<T: DeserializeOwned>(json: &str) -> Result<T> {
    take_stashed();
    let mut de = serde_json::Deserializer::from_str(json);
    let v = T::deserialize(StrictDe(&mut de)).map_err(convert)?;
    de.end().map_err(convert)?;
    Ok(v)
}

/// Loads `T` from JSON bytes, strictly.
pub fn from_slice<T: DeserializeOwned>(json: &[u8]) -> Result<T> {
    take_stashed();
    let mut de = serde_json::Deserializer::from_slice(json);
    let v = T::deserialize(StrictDe(&mut de)).map_err(convert)?;
    de.end().map_err(convert)?;
    Ok(v)
}

/// Loads `T` from a JSON stream, strictly; wrap files in a `BufReader`.
pub fn from_reader<R: std::io::Read, T: DeserializeOwned>(reader: R) -> Result<T> {
    take_stashed();
    let mut de = serde_json::Deserializer::from_reader(reader);
    let v = T::deserialize(StrictDe(&mut de)).map_err(convert)?;
    de.end().map_err(convert)?;
    Ok(v)
}

/// A value deserialised through [`StrictDe`]: configuration types use it as their serde
/// `try_from`/`from` source so that they are strict whichever deserializer reads them.
#[derive(Debug)]
pub(crate) struct Strict<T>(pub(crate) T);

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Strict<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        T::deserialize(StrictDe(d)).map(Strict)
    }
}

/// `TryFrom<Strict<Raw>>` for a type that validates on load through `TryFrom<Raw>`; the
/// validation error is stashed so that loaders return it typed.
macro_rules! strict_try_from {
    ($t:ty, $raw:ty) => {
        impl TryFrom<$crate::json::Strict<$raw>> for $t {
            type Error = $crate::Error;
            fn try_from(raw: $crate::json::Strict<$raw>) -> $crate::Result<Self> {
                <$t>::try_from(raw.0).map_err($crate::json::stash)
            }
        }
    };
}
pub(crate) use strict_try_from;

/// A deserializer that refuses a JSON array where a struct is expected, at every depth.
pub(crate) struct StrictDe<D>(pub(crate) D);

const ARRAY_FOR_OBJECT: &str = "a JSON array where an object `{...}` is required";

struct Wrap<V> {
    v: V,
    object: bool,
}

impl<V> Wrap<V> {
    fn any(v: V) -> Self {
        Wrap { v, object: false }
    }
    fn object(v: V) -> Self {
        Wrap { v, object: true }
    }
}

struct Seed<S>(S);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<S::Value, D::Error> {
        self.0.deserialize(StrictDe(d))
    }
}

struct Seq<A>(A);

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> std::result::Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Map<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> std::result::Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

struct Enum<A>(A);

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> std::result::Result<(V::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(Seed(seed))
            .map(|(v, access)| (v, Variant(access)))
    }
}

struct Variant<A>(A);

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;
    fn unit_variant(self) -> std::result::Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> std::result::Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::any(visitor))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> std::result::Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::object(visitor))
    }
}

macro_rules! forward_visit {
    ($($method:ident($t:ty)),* $(,)?) => {
        $(fn $method<E: de::Error>(self, v: $t) -> std::result::Result<Self::Value, E> {
            self.v.$method(v)
        })*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.v.expecting(f)
    }

    forward_visit!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_char(char),
        visit_str(&str),
        visit_borrowed_str(&'de str),
        visit_string(String),
        visit_bytes(&[u8]),
        visit_borrowed_bytes(&'de [u8]),
        visit_byte_buf(Vec<u8>),
    );

    fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        self.v.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
        self.v.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Self::Value, D::Error> {
        self.v.visit_some(StrictDe(d))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        d: D,
    ) -> std::result::Result<Self::Value, D::Error> {
        self.v.visit_newtype_struct(StrictDe(d))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self::Value, A::Error> {
        if self.object {
            return Err(de::Error::custom(ARRAY_FOR_OBJECT));
        }
        self.v.visit_seq(Seq(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self::Value, A::Error> {
        self.v.visit_map(Map(map))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> std::result::Result<Self::Value, A::Error> {
        self.v.visit_enum(Enum(data))
    }
}

macro_rules! forward_de {
    ($($method:ident),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, v: V) -> std::result::Result<V::Value, D::Error> {
            self.0.$method(Wrap::any(v))
        })*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for StrictDe<D> {
    type Error = D::Error;

    forward_de!(
        deserialize_any,
        deserialize_bool,
        deserialize_i8,
        deserialize_i16,
        deserialize_i32,
        deserialize_i64,
        deserialize_i128,
        deserialize_u8,
        deserialize_u16,
        deserialize_u32,
        deserialize_u64,
        deserialize_u128,
        deserialize_f32,
        deserialize_f64,
        deserialize_char,
        deserialize_str,
        deserialize_string,
        deserialize_bytes,
        deserialize_byte_buf,
        deserialize_option,
        deserialize_unit,
        deserialize_seq,
        deserialize_map,
        deserialize_identifier,
        deserialize_ignored_any,
    );

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_unit_struct(name, Wrap::any(v))
    }
    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        v: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_newtype_struct(name, Wrap::any(v))
    }
    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        v: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap::any(v))
    }
    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        v: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_tuple_struct(name, len, Wrap::any(v))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_struct(name, fields, Wrap::object(v))
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        v: V,
    ) -> std::result::Result<V::Value, D::Error> {
        self.0.deserialize_enum(name, variants, Wrap::any(v))
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Loads `T` from a JSON file, strictly; I/O and parse errors name the path.
pub fn from_file<T: DeserializeOwned>(path: impl AsRef<std::path::Path>) -> Result<T> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::io(path.display(), e))?;
    from_reader(std::io::BufReader::new(file)).map_err(|e| e.at(&path.display().to_string()))
}
