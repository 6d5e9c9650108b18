//! Platforms (`linux/arm64/v8`) and choosing one image from an index.
//!
//! Names are normalised as containerd does: `aarch64` is `arm64` and its `v8` variant is
//! the default, `x86_64` is `amd64`, `armhf` is `arm/v7`, a bare `arm` is `arm/v7`.

use std::fmt;
use std::str::FromStr;

/// An operating system, architecture and optional variant, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Platform {
    /// Operating system, lower case (`linux`).
    pub os: String,
    /// Architecture (`amd64`, `arm64`, `arm`).
    pub architecture: String,
    /// Variant (`v7`); `None` when it is the architecture's default.
    pub variant: Option<String>,
}

impl Platform {
    /// Builds a platform from its parts, normalising them.
    pub fn new(os: &str, architecture: &str, variant: Option<&str>) -> Platform {
        let (architecture, variant) = normalize_arch(architecture, variant.unwrap_or(""));
        Platform {
            os: os.trim().to_ascii_lowercase(),
            architecture,
            variant,
        }
    }

    /// Whether an index entry for `entry` serves this platform. The variant counts only
    /// when this platform names one.
    pub fn matches(&self, entry: &Platform) -> bool {
        self.os == entry.os
            && self.architecture == entry.architecture
            && (self.variant.is_none() || self.variant == entry.variant)
    }
}

impl Default for Platform {
    fn default() -> Self {
        Platform::new("linux", "amd64", None)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// The error of parsing a platform that is not `OS/ARCH[/VARIANT]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid platform {0:?}: expected OS/ARCH[/VARIANT], such as linux/arm64")]
pub struct PlatformParseError(String);

impl FromStr for Platform {
    type Err = PlatformParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts: Vec<&str> = s.split('/').collect();
        if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.trim().is_empty()) {
            return Err(PlatformParseError(s.to_owned()));
        }
        Ok(Platform::new(parts[0], parts[1], parts.get(2).copied()))
    }
}

fn normalize_arch(arch: &str, variant: &str) -> (String, Option<String>) {
    let arch = arch.trim().to_ascii_lowercase();
    let variant = variant.trim().to_ascii_lowercase();
    let (a, v): (&str, &str) = match arch.as_str() {
        "i386" => ("386", ""),
        "x86_64" | "x86-64" | "amd64" => ("amd64", if variant == "v1" { "" } else { &variant }),
        "aarch64" | "arm64" => (
            "arm64",
            if variant == "8" || variant == "v8" {
                ""
            } else {
                &variant
            },
        ),
        "armhf" => ("arm", "v7"),
        "armel" => ("arm", "v6"),
        "arm" => (
            "arm",
            match variant.as_str() {
                "" | "7" | "v7" => "v7",
                "5" => "v5",
                "6" => "v6",
                "8" => "v8",
                other => other,
            },
        ),
        other => (other, &variant),
    };
    let v = if v.is_empty() {
        None
    } else {
        Some(v.to_owned())
    };
    (a.to_owned(), v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_normalises() {
        for (input, shown) in [
            ("linux/amd64", "linux/amd64"),
            ("linux/x86_64", "linux/amd64"),
            ("Linux/arm64/v8", "linux/arm64"),
            ("linux/aarch64", "linux/arm64"),
            ("linux/arm", "linux/arm/v7"),
            ("linux/armhf", "linux/arm/v7"),
            ("linux/arm/v6", "linux/arm/v6"),
            ("linux/amd64/v3", "linux/amd64/v3"),
            ("windows/amd64", "windows/amd64"),
        ] {
            let p: Platform = input.parse().unwrap();
            assert_eq!(p.to_string(), shown, "{input}");
        }
        for bad in ["linux", "linux/", "/amd64", "a/b/c/d", ""] {
            assert_eq!(
                bad.parse::<Platform>().unwrap_err().to_string(),
                format!(
                    "invalid platform {bad:?}: expected OS/ARCH[/VARIANT], such as linux/arm64"
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn matching() {
        let want: Platform = "linux/arm64".parse().unwrap();
        assert!(want.matches(&Platform::new("linux", "arm64", Some("v8"))));
        assert!(want.matches(&Platform::new("linux", "aarch64", None)));
        assert!(!want.matches(&Platform::new("linux", "amd64", None)));
        let want: Platform = "linux/arm/v7".parse().unwrap();
        assert!(want.matches(&Platform::new("linux", "arm", None)));
        assert!(!want.matches(&Platform::new("linux", "arm", Some("v6"))));
        // no variant asked for: any variant will do
        let want: Platform = "linux/amd64".parse().unwrap();
        assert!(want.matches(&Platform::new("linux", "amd64", Some("v3"))));
    }
}
