//! serde over the configuration file's tree: any `#[derive(Deserialize)]` type reads an
//! [`Item`] with the same rules and messages as [`Item`]'s accessors: every error names the
//! line and the key (`line 4: registries[0].rps: expected a number, found "fast"`), and an
//! unknown key suggests the known one it most likely means.
//!
//! Written here rather than taken from a YAML serde crate because those report their own
//! wording and positions: this keeps one reader of YAML (the span-keeping parser the
//! manifests use, with its bounds on aliases) and the messages users already see.

use serde::de::{self, DeserializeSeed, IntoDeserializer as _, Visitor};

use super::file::{Item, Kind, Problem, bool_of, check_keys};

impl de::Error for Problem {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Problem {
            line: None,
            column: None,
            what: msg.to_string(),
        }
    }
}

/// Reads `T` from `item`, whose key (for messages) is `key`: `""` for the top level.
pub fn from_item<'de, T: de::Deserialize<'de>>(item: &Item, key: &str) -> Result<T, Problem> {
    T::deserialize(ItemDeserializer {
        item,
        key: key.to_owned(),
    })
}

/// The field names of a struct that derives `Deserialize`, as its keys are written.
#[cfg(test)]
pub fn fields_of<'de, T: de::Deserialize<'de>>() -> &'static [&'static str] {
    struct Fields(&'static [&'static str]);
    struct Catch<'a>(&'a mut &'static [&'static str]);
    impl<'de> de::Deserializer<'de> for Catch<'_> {
        type Error = Problem;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Problem> {
            Err(de::Error::custom("not a struct"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Problem> {
            *self.0 = fields;
            Err(de::Error::custom("caught"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut found = Fields(&[]);
    let _ = T::deserialize(Catch(&mut found.0));
    found.0
}

/// A deserializer for one value of the tree.
struct ItemDeserializer<'a> {
    item: &'a Item,
    /// The value's key as messages name it: `paths`, `registries[0].rps`.
    key: String,
}

impl ItemDeserializer<'_> {
    /// `what` as an error of this value, unless it already has a line.
    fn located(&self, problem: Problem) -> Problem {
        match problem.line {
            Some(_) => problem,
            None => Problem::at(self.item.line, format!("{}: {}", self.key, problem.what)),
        }
    }

    /// The key of a field of this value.
    fn child(&self, name: &str) -> String {
        if self.key.is_empty() {
            name.to_owned()
        } else {
            format!("{}.{name}", self.key)
        }
    }
}

impl<'de> de::Deserializer<'de> for ItemDeserializer<'_> {
    type Error = Problem;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match &self.item.kind {
            Kind::Null => visitor.visit_unit(),
            Kind::Scalar { text, plain } => match bool_of(text).filter(|_| *plain) {
                Some(b) => visitor.visit_bool(b),
                None => visitor.visit_string(text.clone()),
            },
            Kind::List(_) => self.deserialize_seq(visitor),
            Kind::Map(_) => self.deserialize_map(visitor),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_bool(self.item.boolean(&self.key)?)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_u64(visitor)
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        let value: u64 = self.item.whole(&self.key)?;
        visitor
            .visit_u64::<Problem>(value)
            .map_err(|_| self.item.expected(&self.key, "a smaller whole number"))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_f64(self.item.number(&self.key)?)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        visitor.visit_string(self.item.string(&self.key)?)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        match self.item.kind {
            Kind::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// A list; a single scalar is a list of one.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        let items = match &self.item.kind {
            Kind::List(items) => items.as_slice(),
            Kind::Scalar { .. } => std::slice::from_ref(self.item),
            _ => return Err(self.item.expected(&self.key, "a list")),
        };
        let key = self.key.clone();
        let located = |p| self.located(p);
        visitor
            .visit_seq(Items {
                items: items.iter().enumerate(),
                key,
            })
            .map_err(located)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Problem> {
        let Kind::Map(entries) = &self.item.kind else {
            return Err(self.item.expected(&self.key, "a mapping"));
        };
        let fields = Fields {
            entries: entries.iter(),
            parent: &self,
            current: None,
        };
        let result = visitor.visit_map(fields);
        result.map_err(|p| self.located(p))
    }

    /// A mapping with the struct's fields: any other key is refused, with a suggestion.
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Problem> {
        if let Kind::Map(entries) = &self.item.kind {
            let at = if self.key.is_empty() {
                String::new()
            } else {
                format!("{}: ", self.key)
            };
            check_keys(entries, &at, fields)?;
        }
        self.deserialize_map(visitor)
    }

    /// One of the names in `variants`, as written on the command line.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Problem> {
        let name = match &self.item.kind {
            Kind::Scalar { text, .. } => variants.iter().find(|v| **v == text.as_str()),
            _ => None,
        };
        match name {
            Some(name) => visitor.visit_enum(name.into_deserializer()),
            None => Err(self
                .item
                .expected(&self.key, &format!("one of {}", variants.join(", ")))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Problem> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u128 char bytes byte_buf unit unit_struct tuple tuple_struct
        identifier ignored_any
    }
}

/// The items of a list, each keyed `key[i]`.
struct Items<'a, I: Iterator<Item = (usize, &'a Item)>> {
    items: I,
    key: String,
}

impl<'de, 'a, I: Iterator<Item = (usize, &'a Item)>> de::SeqAccess<'de> for Items<'a, I> {
    type Error = Problem;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Problem> {
        let Some((i, item)) = self.items.next() else {
            return Ok(None);
        };
        let value = ItemDeserializer {
            item,
            key: format!("{}[{i}]", self.key),
        };
        let at = value.key.clone();
        seed.deserialize(value)
            .map(Some)
            .map_err(|p| located_at(p, item, &at))
    }
}

/// The entries of a mapping, each value keyed by its parent's key and its own.
struct Fields<'a, 'p> {
    entries: std::slice::Iter<'a, (String, Item)>,
    parent: &'p ItemDeserializer<'a>,
    /// The entry whose key was read last.
    current: Option<&'a (String, Item)>,
}

impl<'de> de::MapAccess<'de> for Fields<'_, '_> {
    type Error = Problem;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Problem> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.current = Some(entry);
        seed.deserialize(entry.0.as_str().into_deserializer())
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Problem> {
        let (name, item) = self.current.take().expect("a key before its value");
        let key = self.parent.child(name);
        let value = ItemDeserializer {
            item,
            key: key.clone(),
        };
        seed.deserialize(value)
            .map_err(|p| located_at(p, item, &key))
    }
}

/// `problem` with `item`'s line and key, unless it already has a line.
fn located_at(problem: Problem, item: &Item, key: &str) -> Problem {
    match problem.line {
        Some(_) => problem,
        None => Problem::at(item.line, format!("{key}: {}", problem.what)),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use serde::Deserialize;

    use super::*;
    use crate::settings::file::ConfigFile;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Sample {
        name: Option<String>,
        count: Option<u32>,
        rate: Option<f64>,
        on: Option<bool>,
        paths: Option<Vec<String>>,
        color: Option<Color>,
        entries: Option<Vec<Entry>>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Color {
        Auto,
        Never,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Entry {
        host: Option<String>,
        port: Option<u16>,
    }

    fn read(text: &str) -> Result<Sample, String> {
        let file = ConfigFile::parse(Path::new("c.yaml"), text).map_err(|e| e.to_string())?;
        from_item(&file.root(), "").map_err(|e| e.to_string())
    }

    #[test]
    fn values_are_read_with_the_accessors_rules() {
        let sample = read(
            "name: '10'\ncount: 3\nrate: 0.5\non: true\npaths: one\ncolor: never\n\
             entries:\n  - host: a\n    port: 80\n",
        )
        .unwrap();
        assert_eq!(
            sample,
            Sample {
                name: Some("10".into()),
                count: Some(3),
                rate: Some(0.5),
                on: Some(true),
                paths: Some(vec!["one".into()]),
                color: Some(Color::Never),
                entries: Some(vec![Entry {
                    host: Some("a".into()),
                    port: Some(80),
                }]),
            }
        );
        assert_eq!(read("name: ~\n").unwrap().name, None);
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        for (text, message) in [
            (
                "count: -1\n",
                "line 1: count: expected a whole number, found -1",
            ),
            (
                "on: 'yes'\n",
                "line 1: on: expected true or false, found \"yes\"",
            ),
            (
                "name: true\n",
                "line 1: name: expected text (quote it to mean the word), found true",
            ),
            (
                "color: blue\n",
                "line 1: color: expected one of auto, never, found \"blue\"",
            ),
            (
                "paths: {a: 1}\n",
                "line 1: paths: expected a list, found a mapping",
            ),
            (
                "\nentries:\n  - port: x\n",
                "line 3: entries[0].port: expected a whole number, found \"x\"",
            ),
            (
                "entries:\n  - hots: a\n",
                "line 2: entries[0]: unknown key \"hots\" (did you mean \"host\"?)",
            ),
            (
                "nmae: a\n",
                "line 1: unknown key \"nmae\" (did you mean \"name\"?)",
            ),
            (
                "entries: [{port: 70000}]\n",
                "line 1: entries[0].port: expected a smaller whole number, found 70000",
            ),
        ] {
            assert_eq!(read(text).unwrap_err(), message, "{text}");
        }
    }
}
