//! The descriptors the generated backend embeds to decode `TaskTemplate.custom`.

use std::collections::BTreeSet;

use prost::Message as _;
use prost_reflect::{FileDescriptor, Kind, MessageDescriptor};

/// The plugin's file and the files whose types its fields use (transitively), dependencies
/// first, stripped of comments. Imports used only for options (the annotation vocabulary and
/// `descriptor.proto` behind it) are left out: the backend never reads options at run time.
pub(super) fn descriptor_set(file: &FileDescriptor) -> Vec<u8> {
    fn used_files(file: &FileDescriptor) -> BTreeSet<String> {
        let mut used = BTreeSet::new();
        for message in file.messages().flat_map(nested_messages) {
            for field in message.fields() {
                match field.kind() {
                    Kind::Message(m) => used.insert(m.parent_file().name().to_string()),
                    Kind::Enum(e) => used.insert(e.parent_file().name().to_string()),
                    _ => false,
                };
            }
        }
        used.remove(file.name());
        used
    }
    fn visit(file: &FileDescriptor, seen: &mut BTreeSet<String>, out: &mut Vec<prost_types::FileDescriptorProto>) {
        if !seen.insert(file.name().to_string()) {
            return;
        }
        let used = used_files(file);
        for dep in file.dependencies().filter(|d| used.contains(d.name())) {
            visit(&dep, seen, out);
        }
        let mut proto = file.file_descriptor_proto().clone();
        proto.source_code_info = None;
        // prost-types keeps no extension options, so nothing refers to the dropped imports.
        proto.dependency.retain(|d| used.contains(d));
        proto.public_dependency.clear();
        proto.weak_dependency.clear();
        out.push(proto);
    }
    let mut files = Vec::new();
    visit(file, &mut BTreeSet::new(), &mut files);
    prost_types::FileDescriptorSet { file: files }.encode_to_vec()
}

pub(super) fn nested_messages(m: MessageDescriptor) -> Vec<MessageDescriptor> {
    let mut out = vec![m.clone()];
    for child in m.child_messages() {
        out.extend(nested_messages(child));
    }
    out
}
