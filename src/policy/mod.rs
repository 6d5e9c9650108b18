//! Tag patterns and tag selection (SPEC §5): pure functions, no I/O.
