//! Image references: parse once, keep the written form, derive the canonical name.
