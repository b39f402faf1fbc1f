//! The generated flyteidl subset: prost messages and tonic clients/servers.
//!
//! The module tree mirrors the protobuf packages (`flyteidl::core`, `flyteidl::admin`,
//! `flyteidl::service`); `google.protobuf` types map to `prost_types`.

#![allow(missing_docs, clippy::all, clippy::pedantic)]

include!(concat!(env!("OUT_DIR"), "/flyteidl_include.rs"));

/// Encoded `google.protobuf.FileDescriptorSet` of the subset, including its imports (the
/// well-known types). Used to check the subset against the official flyteidl descriptors.
pub const FLYTEIDL_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/flyteidl_descriptor_set.bin"));
