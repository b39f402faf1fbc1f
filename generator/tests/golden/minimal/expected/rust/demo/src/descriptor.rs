// @generated from demo/job.proto by `cargo run -p generator`. Do not edit: change the .proto and regenerate.
//! The encoded descriptors of the payload messages: how the backend decodes
//! `TaskTemplate.custom` (proto3 JSON) into the typed model.

/// `FileDescriptorSet` of the plugin's file and its imports.
pub const DESCRIPTOR_SET: &[u8] = &[
    10, 95, 10, 14, 100, 101, 109, 111, 47, 106, 111, 98, 46, 112, 114, 111, 116, 111,
    18, 4, 100, 101, 109, 111, 34, 61, 10, 3, 74, 111, 98, 18, 22, 10, 5, 105, 109, 97,
    103, 101, 24, 1, 32, 1, 40, 9, 66, 0, 82, 5, 105, 109, 97, 103, 101, 18, 28, 10, 8,
    114, 101, 112, 108, 105, 99, 97, 115, 24, 2, 32, 1, 40, 3, 66, 0, 82, 8, 114, 101,
    112, 108, 105, 99, 97, 115, 58, 0, 66, 0, 98, 6, 112, 114, 111, 116, 111, 51,
];

/// Decoded once, on first use.
pub static POOL: std::sync::LazyLock<prost_reflect::DescriptorPool> = std::sync::LazyLock::new(||
{
    prost_reflect::DescriptorPool::decode(DESCRIPTOR_SET)
        .expect("the generator encoded a valid descriptor set")
});
