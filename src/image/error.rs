//! The error returned when text is not a valid image reference.
//!
//! Every message quotes the input as written, so a caller only adds where it was found
//! (`parsing image reference "x" in apps/a.yaml:12` is the caller's context; the text after
//! it comes from here).

/// Why a text is not a valid image reference (or cannot be given a new tag).
///
/// Each variant keeps the whole input so the message can quote it; [`ImageRefError::input`]
/// returns it without matching.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ImageRefError {
    /// The text is empty.
    #[error("invalid image reference {input:?}: reference is empty")]
    Empty {
        /// The text as given.
        input: String,
    },

    /// The text is an unrendered template such as `{{ .Values.image }}` or `${IMAGE}`.
    #[error("invalid image reference {input:?}: looks like an unrendered template")]
    Template {
        /// The text as given.
        input: String,
    },

    /// The text contains a space, tab, newline or other white space.
    #[error("invalid image reference {input:?}: contains whitespace")]
    Whitespace {
        /// The text as given.
        input: String,
    },

    /// The repository path contains an upper-case letter.
    #[error("invalid image reference {input:?}: repository name must be lower case")]
    UpperCase {
        /// The text as given.
        input: String,
    },

    /// The name (everything before `:tag` and `@digest`) is longer than 255 characters.
    #[error(
        "invalid image reference {input:?}: name is {len} characters long, at most 255 are allowed"
    )]
    NameTooLong {
        /// The text as given.
        input: String,
        /// The length of the name in characters.
        len: usize,
    },

    /// The registry part (`host[:port]`) is malformed.
    #[error("invalid image reference {input:?}: {reason}")]
    InvalidRegistry {
        /// The text as given.
        input: String,
        /// What is wrong, naming the offending part.
        reason: String,
    },

    /// The name or one of its path components is malformed.
    #[error("invalid image reference {input:?}: {reason}")]
    InvalidName {
        /// The text as given.
        input: String,
        /// What is wrong, naming the offending part.
        reason: String,
    },

    /// The tag is empty or malformed.
    #[error("invalid image reference {input:?}: {reason}")]
    InvalidTag {
        /// The text as given.
        input: String,
        /// What is wrong, naming the offending part.
        reason: String,
    },

    /// The digest is empty or malformed.
    #[error("invalid image reference {input:?}: {reason}")]
    InvalidDigest {
        /// The text as given.
        input: String,
        /// What is wrong, naming the offending part.
        reason: String,
    },

    /// [`ImageRef::with_tag`](super::ImageRef::with_tag) was asked to change the tag of a
    /// reference pinned by digest without being given the new tag's digest.
    #[error(
        "cannot change the tag of {input:?} to {tag:?}: it is pinned by digest and no digest was given for the new tag"
    )]
    DigestRequired {
        /// The reference as written.
        input: String,
        /// The tag that was asked for.
        tag: String,
    },
}

impl ImageRefError {
    /// The text that was being parsed (for [`ImageRefError::DigestRequired`], the reference
    /// whose tag was to change).
    pub fn input(&self) -> &str {
        match self {
            Self::Empty { input }
            | Self::Template { input }
            | Self::Whitespace { input }
            | Self::UpperCase { input }
            | Self::NameTooLong { input, .. }
            | Self::InvalidRegistry { input, .. }
            | Self::InvalidName { input, .. }
            | Self::InvalidTag { input, .. }
            | Self::InvalidDigest { input, .. }
            | Self::DigestRequired { input, .. } => input,
        }
    }
}

/// A problem found by the grammar checks, before the input is attached.
///
/// The checks work on slices and only allocate once something is wrong; [`Problem::at`]
/// turns the problem into the public error for a given input.
#[derive(Debug)]
pub(super) enum Problem {
    Empty,
    Template,
    Whitespace,
    UpperCase,
    NameTooLong(usize),
    Registry(String),
    Name(String),
    Tag(String),
    Digest(String),
}

impl Problem {
    /// The public error for this problem found in `input`.
    pub(super) fn at(self, input: &str) -> ImageRefError {
        let input = input.to_owned();
        match self {
            Self::Empty => ImageRefError::Empty { input },
            Self::Template => ImageRefError::Template { input },
            Self::Whitespace => ImageRefError::Whitespace { input },
            Self::UpperCase => ImageRefError::UpperCase { input },
            Self::NameTooLong(len) => ImageRefError::NameTooLong { input, len },
            Self::Registry(reason) => ImageRefError::InvalidRegistry { input, reason },
            Self::Name(reason) => ImageRefError::InvalidName { input, reason },
            Self::Tag(reason) => ImageRefError::InvalidTag { input, reason },
            Self::Digest(reason) => ImageRefError::InvalidDigest { input, reason },
        }
    }
}
