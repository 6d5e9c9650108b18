//! Writing scalar values back in the style they were found in.
//!
//! A new value must read back as the same string. Plain scalars that YAML would resolve
//! to something else (`1.10`, `true`, `~`) or that hold indicator characters are written
//! double-quoted instead.

use super::yaml::Style;

/// Whether a plain scalar with this text reads as a string under YAML 1.1 and 1.2 rules
/// (Flux v1's Go parser used 1.1, where `yes`, `on` and `0777` are not strings either).
pub fn plain_is_string(text: &str) -> bool {
    !(is_null(text) || is_bool(text) || is_int(text) || is_float(text) || is_timestamp(text))
}

/// YAML 1.1's timestamps (`2024-05-01`, `2001-12-14t21:59:43.10-05:00`), which a 1.1
/// reader (PyYAML, Go's yaml.v2) turns into dates.
fn is_timestamp(text: &str) -> bool {
    static TIMESTAMP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r"^(?:[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)$",
        )
        .expect("a valid pattern")
    });
    TIMESTAMP.is_match(text)
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

fn is_bool(text: &str) -> bool {
    matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    )
}

fn is_int(text: &str) -> bool {
    let body = text.strip_prefix(['-', '+']).unwrap_or(text);
    let digits =
        |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c == '_' || c.is_digit(radix));
    if let Some(hex) = body.strip_prefix("0x") {
        return digits(hex, 16);
    }
    if let Some(oct) = body.strip_prefix("0o") {
        return digits(oct, 8);
    }
    if let Some(bin) = body.strip_prefix("0b") {
        return digits(bin, 2);
    }
    // Sexagesimal integers of YAML 1.1 (`1:20`).
    if body.contains(':') {
        return body
            .split(':')
            .all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_digit()))
            && body.starts_with(|c: char| c.is_ascii_digit() && c != '0');
    }
    digits(body, 10)
}

fn is_float(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let body = lower.strip_prefix(['-', '+']).unwrap_or(&lower);
    if matches!(body, ".inf" | ".nan") {
        return true;
    }
    let (mantissa, exponent) = match body.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    if let Some(exponent) = exponent {
        let exponent = exponent.strip_prefix(['-', '+']).unwrap_or(exponent);
        if exponent.is_empty() || !exponent.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
    }
    let Some((whole, fraction)) = mantissa.split_once('.') else {
        return exponent.is_some()
            && !mantissa.is_empty()
            && mantissa.chars().all(|c| c.is_ascii_digit());
    };
    let numeric = |s: &str| s.chars().all(|c| c.is_ascii_digit() || c == '_');
    (!whole.is_empty() || !fraction.is_empty()) && numeric(whole) && numeric(fraction)
}

/// Whether `text` can stand as a plain scalar and read back as the same string.
/// `in_flow` adds the flow indicators `,[]{}` to the forbidden characters.
pub fn plain_safe(text: &str, in_flow: bool) -> bool {
    if text.is_empty() || !plain_is_string(text) || text != text.trim() {
        return false;
    }
    let first = text.chars().next().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        // `-`, `?` and `:` may start a plain scalar only when followed by a non-space.
        let second = text[first.len_utf8()..].chars().next();
        if !("-?:".contains(first) && second.is_some_and(|c| c != ' ')) {
            return false;
        }
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return false;
    }
    if text.chars().any(|c| c.is_control() || c == '\u{feff}') {
        return false;
    }
    !(in_flow && text.contains([',', '[', ']', '{', '}']))
}

/// Render `value` as a token in `style`. Plain values that are not plain-safe become
/// double-quoted. Block styles are not rendered here: their content is replaced in place.
pub fn render(value: &str, style: Style, in_flow: bool) -> String {
    match style {
        Style::Plain if plain_safe(value, in_flow) => value.to_owned(),
        Style::SingleQuoted if !value.contains(['\n', '\r', '\t']) => single_quoted(value),
        _ => double_quoted(value),
    }
}

/// `'value'` with `'` doubled.
pub fn single_quoted(value: &str) -> String {
    format!("'{}'", value.replace('\'', "''"))
}

/// `"value"` with YAML escapes.
pub fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || c == '\u{feff}' => {
                out.push_str(&format!("\\u{:04x}", u32::from(c)));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_non_strings() {
        for text in [
            "1.10",
            "5",
            "0x1F",
            "-3",
            "1e3",
            ".inf",
            "true",
            "Yes",
            "off",
            "~",
            "",
            "1:20",
            "2024-05-01",
            "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5",
            "1_000",
        ] {
            assert!(!plain_is_string(text), "{text}");
        }
        for text in [
            "5.0.7",
            "v1.2",
            "3.1.1-debian-9-r0",
            "latest",
            "master-a1",
            "1.2.3",
            "e3",
            "0.1-x",
            "1e",
            "2024-5-1",
            "2024-05-01-rc1",
        ] {
            assert!(plain_is_string(text), "{text}");
        }
    }

    #[test]
    fn renders_in_the_found_style() {
        assert_eq!(render("nginx:1.2", Style::Plain, false), "nginx:1.2");
        assert_eq!(render("1.20", Style::Plain, false), "\"1.20\"");
        assert_eq!(render("a: b", Style::Plain, false), "\"a: b\"");
        assert_eq!(render("x,y", Style::Plain, true), "\"x,y\"");
        assert_eq!(render("x,y", Style::Plain, false), "x,y");
        assert_eq!(render("it's", Style::SingleQuoted, false), "'it''s'");
        assert_eq!(
            render("a\"b\\", Style::DoubleQuoted, false),
            "\"a\\\"b\\\\\""
        );
        assert_eq!(render("-x", Style::Plain, false), "-x");
        assert_eq!(render("- x", Style::Plain, false), "\"- x\"");
        assert_eq!(render("#x", Style::Plain, false), "\"#x\"");
    }
}
