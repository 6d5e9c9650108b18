//! The byte-exact editor: change image values and annotations by replacing exact byte
//! spans, then read the result again and refuse it unless it says exactly what was
//! intended.
//!
//! - [`engine`]: apply span edits and check that nothing outside them changed.
//! - [`image`]: the edits that give an image site a new tag.
//! - [`annotation`]: plan and write a workload's Flux annotations.
//! - `layout`: where a value is replaced, an entry added or removed, in the file's own
//!   indentation, style and line breaks.
//! - [`verify`]: re-scan the edited text and compare what every workload reads as.

pub mod annotation;
pub mod engine;
pub mod image;
mod layout;
pub mod verify;

#[cfg(test)]
mod properties;

pub use annotation::{AnnotationChange, AnnotationUpdate, planned_annotations, set_annotations};
pub use engine::{Edit, apply, apply_checked};
pub use image::{EditError, ImageUpdate, image_edits, scalar_edit, update_images};
pub use verify::{ContainerReading, WorkloadReading, reading, verify};
