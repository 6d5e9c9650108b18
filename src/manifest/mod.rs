//! Manifests: discover files, locate workloads and their image sites as byte spans, edit them.
