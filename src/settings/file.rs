//! The configuration file as typed values. The YAML is read with the project's own
//! parser ([`crate::manifest::yaml`]) into a small tree of [`Item`]s, aliases resolved, each
//! with its line; typed accessors read it back, and every error names the line and the key.
//! What the keys mean is `settings`' business; this file knows only YAML's types.

use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use anyhow::Result;
use clap::ValueEnum;

use crate::manifest::yaml::{self, Document, Node, Style, Value};

/// More values than this, aliases expanded, is not a configuration file.
const MAX_ITEMS: usize = 100_000;

/// What is wrong, and where: `line 4: ciSkip: expected true or false, found "yes"`.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{what}", place(*line, *column))]
pub struct Problem {
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// 1-based column, for syntax errors.
    pub column: Option<usize>,
    /// The key (if any) and what is wrong with it.
    pub what: String,
}

fn place(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!("line {line}, column {column}: "),
        (Some(line), None) => format!("line {line}: "),
        _ => String::new(),
    }
}

impl Problem {
    /// A problem on a line.
    pub fn at(line: usize, what: impl Into<String>) -> Problem {
        Problem {
            line: Some(line),
            column: None,
            what: what.into(),
        }
    }
}

/// One value of the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// 1-based line where the value is written (for an alias, the alias's line).
    pub line: usize,
    /// The value.
    pub kind: Kind,
}

/// What a value is.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// `~`, `null` or nothing at all (`key:`).
    Null,
    /// A scalar. `plain` when written without quotes or block indicators: only then does
    /// YAML read `true`, `10` or `null` as something other than text.
    Scalar {
        /// The text after escape processing.
        text: String,
        /// Written plain.
        plain: bool,
    },
    /// A sequence.
    List(Vec<Item>),
    /// A mapping with scalar keys, in file order, no key twice.
    Map(Vec<(String, Item)>),
}

impl Item {
    /// How the value is shown in an error: plain booleans and numbers as written, text
    /// quoted, collections by their kind.
    fn found(&self) -> String {
        match &self.kind {
            Kind::Null => "null".to_owned(),
            Kind::Scalar { text, plain: true } if bool_of(text).is_some() || is_number(text) => {
                text.clone()
            }
            Kind::Scalar { text, .. } => format!("{text:?}"),
            Kind::List(_) => "a list".to_owned(),
            Kind::Map(_) => "a mapping".to_owned(),
        }
    }

    /// The error for a value that is not what `key` takes.
    pub fn expected(&self, key: &str, what: &str) -> Problem {
        Problem::at(
            self.line,
            format!("{key}: expected {what}, found {}", self.found()),
        )
    }

    /// `true` or `false`, written plain.
    pub fn boolean(&self, key: &str) -> Result<bool, Problem> {
        match &self.kind {
            Kind::Scalar { text, plain: true } => bool_of(text),
            _ => None,
        }
        .ok_or_else(|| self.expected(key, "true or false"))
    }

    /// Text: any scalar but a plain `true`/`false` (a number is taken as written).
    pub fn string(&self, key: &str) -> Result<String, Problem> {
        match &self.kind {
            Kind::Scalar { text, plain } if !(*plain && bool_of(text).is_some()) => {
                Ok(text.clone())
            }
            Kind::Scalar { .. } => Err(self.expected(key, "text (quote it to mean the word)")),
            _ => Err(self.expected(key, "text")),
        }
    }

    /// A whole number of at least 0, written plain.
    pub fn whole<T: FromStr>(&self, key: &str) -> Result<T, Problem> {
        match &self.kind {
            Kind::Scalar { text, plain: true } if text.bytes().all(|b| b.is_ascii_digit()) => {
                text.parse().ok()
            }
            _ => None,
        }
        .ok_or_else(|| self.expected(key, "a whole number"))
    }

    /// A finite number, written plain.
    pub fn number(&self, key: &str) -> Result<f64, Problem> {
        match &self.kind {
            Kind::Scalar { text, plain: true } if is_number(text) => {
                text.parse::<f64>().ok().filter(|n| n.is_finite())
            }
            _ => None,
        }
        .ok_or_else(|| self.expected(key, "a number"))
    }

    /// One of the values of a clap `ValueEnum`, as its name is written on the command line.
    pub fn choice<E: ValueEnum>(&self, key: &str) -> Result<E, Problem> {
        let names = || {
            E::value_variants()
                .iter()
                .filter_map(|v| v.to_possible_value())
                .map(|p| p.get_name().to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.kind {
            Kind::Scalar { text, .. } => E::from_str(text, false).ok(),
            _ => None,
        }
        .ok_or_else(|| self.expected(key, &format!("one of {}", names())))
    }

    /// A list of texts; a single text is a list of one.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, Problem> {
        match &self.kind {
            Kind::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, item)| item.string(&format!("{key}[{i}]")))
                .collect(),
            Kind::Scalar { .. } => Ok(vec![self.string(key)?]),
            _ => Err(self.expected(key, "a list of texts")),
        }
    }

    /// The items of a list; a single value is a list of one.
    pub fn list(&self) -> &[Item] {
        match &self.kind {
            Kind::List(items) => items,
            _ => std::slice::from_ref(self),
        }
    }

    /// The entries of a mapping, after checking that every key is one of `known`.
    pub fn map(&self, key: &str, known: &[&str]) -> Result<&[(String, Item)], Problem> {
        match &self.kind {
            Kind::Map(entries) => {
                check_keys(entries, &format!("{key}: "), known)?;
                Ok(entries)
            }
            _ => Err(self.expected(key, "a mapping")),
        }
    }
}

/// The value under `key` of a mapping's entries, unless absent or null.
pub fn field<'a>(entries: &'a [(String, Item)], key: &str) -> Option<&'a Item> {
    entries
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, item)| item)
        .filter(|item| item.kind != Kind::Null)
}

/// Every key of `entries` must be one of `known`; the error for another one suggests the
/// closest known key. `at` prefixes the message (`registries[0]: `).
pub fn check_keys(entries: &[(String, Item)], at: &str, known: &[&str]) -> Result<(), Problem> {
    match entries.iter().find(|(k, _)| !known.contains(&k.as_str())) {
        None => Ok(()),
        Some((key, item)) => {
            let hint = suggest(key, known)
                .map(|k| format!(" (did you mean {k:?}?)"))
                .unwrap_or_default();
            Err(Problem::at(
                item.line,
                format!("{at}unknown key {key:?}{hint}"),
            ))
        }
    }
}

/// The known key a mistyped one most likely means: the same words in another case or
/// spelling (`git-user`, `path` for `paths`), or a close typo.
fn suggest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    let norm = |k: &str| k.replace(['-', '_'], "").to_ascii_lowercase();
    let wanted = norm(key);
    known
        .iter()
        .map(|k| (*k, strsim::jaro(&wanted, &norm(k))))
        .filter(|(_, score)| *score > 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(k, _)| k)
}

/// A parsed configuration file: its top-level mapping.
#[derive(Debug)]
pub struct ConfigFile {
    path: PathBuf,
    entries: Vec<(String, Item)>,
}

impl ConfigFile {
    /// Read and parse the file at `path`. Errors name no file; the caller says which.
    pub fn load(path: &Path) -> Result<ConfigFile> {
        let text = fs::read_to_string(path)?;
        Ok(ConfigFile::parse(path, &text)?)
    }

    /// Parse `text`, the content of `path`: one YAML document whose root is a mapping, or
    /// nothing at all.
    pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, Problem> {
        let documents = yaml::parse_stream(text).map_err(|err| Problem {
            line: Some(err.line),
            column: Some(err.column),
            what: err.message,
        })?;
        if documents.len() > 1 {
            return Err(Problem {
                line: None,
                column: None,
                what: format!(
                    "{} YAML documents; a configuration file is one mapping",
                    documents.len()
                ),
            });
        }
        let entries = match documents.first().and_then(|d| Some((d, d.root.as_ref()?))) {
            None => Vec::new(),
            Some((document, root)) => {
                let mut budget = MAX_ITEMS;
                let item = convert(document, root, &mut budget)?;
                match item.kind {
                    Kind::Null => Vec::new(),
                    Kind::Map(entries) => entries,
                    _ => {
                        return Err(Problem::at(
                            item.line,
                            format!(
                                "expected a mapping of option names to values, found {}",
                                item.found()
                            ),
                        ));
                    }
                }
            }
        };
        Ok(ConfigFile {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The directory relative paths in the file are taken from: the file's own.
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new(""))
    }

    /// The top-level entries in file order.
    #[cfg(test)]
    pub fn entries(&self) -> &[(String, Item)] {
        &self.entries
    }

    /// Remove the top-level keys in `top` and, inside each mapping of the list under
    /// `list`, the entries `nested` picks; each removed key as `(line, name)`,
    /// `list[i].key` for nested ones.
    pub fn remove(
        &mut self,
        top: &[&str],
        list: &str,
        nested: impl Fn(&str, &Item) -> bool,
    ) -> Vec<(usize, String)> {
        let mut removed = Vec::new();
        self.entries.retain(|(key, item)| {
            let keep = !top.contains(&key.as_str());
            if !keep {
                removed.push((item.line, key.clone()));
            }
            keep
        });
        for (key, item) in &mut self.entries {
            let (true, Kind::List(entries)) = (key == list, &mut item.kind) else {
                continue;
            };
            for (i, entry) in entries.iter_mut().enumerate() {
                if let Kind::Map(fields) = &mut entry.kind {
                    fields.retain(|(name, value)| {
                        let keep = !nested(name, value);
                        if !keep {
                            removed.push((value.line, format!("{list}[{i}].{name}")));
                        }
                        keep
                    });
                }
            }
        }
        removed.sort();
        removed
    }

    /// The whole file as one mapping value (line 1), for [`super::de::from_item`].
    pub fn root(&self) -> Item {
        Item {
            line: 1,
            kind: Kind::Map(self.entries.clone()),
        }
    }

    /// The value of a top-level key, unless absent or null.
    pub fn get(&self, key: &str) -> Option<&Item> {
        field(&self.entries, key)
    }
}

/// A node as an [`Item`], aliases resolved; `budget` bounds the values made.
fn convert(document: &Document, node: &Node, budget: &mut usize) -> Result<Item, Problem> {
    let line = node.line;
    if *budget == 0 {
        return Err(Problem::at(
            line,
            format!("more than {MAX_ITEMS} values with aliases expanded"),
        ));
    }
    *budget -= 1;
    let kind = match &document.resolve(node).value {
        Value::Scalar { text, style } => {
            let plain = *style == Style::Plain;
            if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                Kind::Null
            } else {
                Kind::Scalar {
                    text: text.clone(),
                    plain,
                }
            }
        }
        Value::Seq(items) => Kind::List(
            items
                .iter()
                .map(|item| convert(document, item, budget))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(entries) => {
            let mut out: Vec<(String, Item)> = Vec::with_capacity(entries.len());
            for (key, value) in entries {
                let Some(name) = document.resolve(key).as_str() else {
                    return Err(Problem::at(key.line, "a key must be a name"));
                };
                if out.iter().any(|(seen, _)| seen == name) {
                    return Err(Problem::at(key.line, format!("{name:?} is given twice")));
                }
                out.push((name.to_owned(), convert(document, value, budget)?));
            }
            Kind::Map(out)
        }
        Value::Alias(_) => return Err(Problem::at(line, "an alias of an unknown anchor")),
    };
    Ok(Item { line, kind })
}

/// YAML 1.2's booleans (core schema).
pub(super) fn bool_of(text: &str) -> Option<bool> {
    match text {
        "true" | "True" | "TRUE" => Some(true),
        "false" | "False" | "FALSE" => Some(false),
        _ => None,
    }
}

/// Whether a plain scalar is a decimal number in YAML 1.2's core schema (`10`, `-1.5`,
/// `.5`, `1e3`).
fn is_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let starts_numeric = digits.starts_with(|c: char| c.is_ascii_digit())
        || (digits.starts_with('.') && digits[1..].starts_with(|c: char| c.is_ascii_digit()));
    starts_numeric && digits.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<ConfigFile, String> {
        ConfigFile::parse(Path::new("c.yaml"), text).map_err(|e| e.to_string())
    }

    fn item(text: &str) -> Item {
        parse(&format!("k: {text}\n"))
            .unwrap()
            .get("k")
            .unwrap()
            .clone()
    }

    #[test]
    fn types_are_yaml_types() {
        assert_eq!(item("true").boolean("k"), Ok(true));
        assert_eq!(item("False").boolean("k"), Ok(false));
        let wrong = [
            ("yes", "k: expected true or false, found \"yes\""),
            ("'true'", "k: expected true or false, found \"true\""),
            ("[true]", "k: expected true or false, found a list"),
        ];
        for (text, message) in wrong {
            assert_eq!(
                item(text).boolean("k").unwrap_err().to_string(),
                format!("line 1: {message}")
            );
        }
        assert_eq!(item("8").whole::<usize>("k"), Ok(8));
        assert_eq!(
            item("\"8\"").whole::<usize>("k").unwrap_err().what,
            "k: expected a whole number, found \"8\""
        );
        assert_eq!(
            item("-1").whole::<u32>("k").unwrap_err().what,
            "k: expected a whole number, found -1"
        );
        assert_eq!(item(".5").number("k"), Ok(0.5));
        assert_eq!(item("1e2").number("k"), Ok(100.0));
        assert_eq!(
            item(".inf").number("k").unwrap_err().to_string(),
            "line 1: k: expected a number, found \".inf\""
        );
        assert_eq!(
            item("nan").number("k").unwrap_err().to_string(),
            "line 1: k: expected a number, found \"nan\""
        );
        assert_eq!(item("2024").string("k"), Ok("2024".to_owned()));
        assert_eq!(item("'true'").string("k"), Ok("true".to_owned()));
        assert_eq!(
            item("true").string("k").unwrap_err().what,
            "k: expected text (quote it to mean the word), found true"
        );
        assert_eq!(
            item("{a: 1}").string("k").unwrap_err().what,
            "k: expected text, found a mapping"
        );
        assert_eq!(item("one").strings("k"), Ok(vec!["one".to_owned()]));
        assert_eq!(
            item("[a, 'b,c']").strings("k"),
            Ok(vec!["a".to_owned(), "b,c".to_owned()])
        );
        assert_eq!(
            parse("k:\n  - a\n  - [b]\n")
                .unwrap()
                .get("k")
                .unwrap()
                .strings("k")
                .unwrap_err()
                .to_string(),
            "line 3: k[1]: expected text, found a list"
        );
        assert_eq!(
            item("yaml")
                .choice::<crate::cli::Format>("k")
                .unwrap_err()
                .what,
            "k: expected one of table, json, markdown, found \"yaml\""
        );
    }

    #[test]
    fn null_is_absent_and_aliases_resolve() {
        let file = parse("a:\nb: ~\nc: &x [one]\nd: *x\n").unwrap();
        assert!(file.get("a").is_none() && file.get("b").is_none());
        assert_eq!(file.get("d").unwrap().strings("d"), Ok(vec!["one".into()]));
        assert_eq!(file.get("d").unwrap().line, 4);
        assert!(parse("").unwrap().entries().is_empty());
        assert!(parse("# nothing here\n").unwrap().entries().is_empty());
    }

    #[test]
    fn shape_errors() {
        let cases = [
            (
                "a: 1\n---\nb: 2\n",
                "2 YAML documents; a configuration file is one mapping",
            ),
            (
                "- paths\n",
                "line 1: expected a mapping of option names to values, found a list",
            ),
            (
                "just text\n",
                "line 1: expected a mapping of option names to values, found \"just text\"",
            ),
            ("a: 1\na: 2\n", "line 2: \"a\" is given twice"),
            ("[a]: 1\n", "line 1: a key must be a name"),
        ];
        for (text, message) in cases {
            assert_eq!(parse(text).unwrap_err(), message, "{text:?}");
        }
        assert_eq!(
            parse("a: [1\n").unwrap_err(),
            "line 1, column 4: unclosed bracket '['"
        );
    }

    #[test]
    fn unknown_keys_suggest_the_known_one() {
        let known = ["paths", "gitUser", "insecureRegistries", "registries"];
        let check = |text: &str| {
            let file = parse(text).unwrap();
            check_keys(file.entries(), "", &known)
                .map_err(|e| e.to_string())
                .err()
        };
        assert_eq!(check("paths: [a]\ngitUser: x\n"), None);
        let cases = [
            ("path: a", "unknown key \"path\" (did you mean \"paths\"?)"),
            (
                "git-user: x",
                "unknown key \"git-user\" (did you mean \"gitUser\"?)",
            ),
            (
                "gitUsr: x",
                "unknown key \"gitUsr\" (did you mean \"gitUser\"?)",
            ),
            (
                "insecureRegistry: x",
                "unknown key \"insecureRegistry\" (did you mean \"insecureRegistries\"?)",
            ),
            ("colour: x", "unknown key \"colour\""),
        ];
        for (text, message) in cases {
            assert_eq!(check(text), Some(format!("line 1: {message}")), "{text}");
        }
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..8 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!(
                "a{i}: &a{i} [{}]\n",
                [prev.as_str(); 10].join(", ")
            ));
        }
        let err = parse(&text).unwrap_err();
        assert!(err.contains("more than 100000 values"), "{err}");
    }
}
