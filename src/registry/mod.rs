//! Async registry client: auth, pagination, media types, platforms, cache, limits.
