//! Names: generated type names, and the names that must be unique within a plugin and across plugins.

use std::collections::BTreeMap;

use prost_reflect::{DescriptorPool, EnumDescriptor, MessageDescriptor};

use super::{EXT_PLUGIN, EXT_TASK, FILE_OPTIONS, FileCx, MESSAGE_OPTIONS};
use crate::diagnostics::{Locator, ProtoError, Sources};
use crate::model::*;

impl FileCx<'_> {
    pub(super) fn check_type_names(&mut self, messages: &[MessageDescriptor], enums: &[EnumDescriptor]) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let named = messages
            .iter()
            .filter(|m| !m.is_map_entry())
            .map(|m| (type_name(m.full_name(), m.package_name()), m.full_name().to_string(), m.path().to_vec()))
            .chain(enums.iter().map(|e| (type_name(e.full_name(), e.package_name()), e.full_name().to_string(), e.path().to_vec())));
        for (ty, full, path) in named {
            if let Some(other) = seen.get(&ty) {
                let short = full.rsplit('.').next().unwrap_or(&full).to_string();
                let span = self.loc.narrow(self.loc.span(&path), &short);
                self.err(
                    span,
                    format!("`{full}` and `{other}` both become the type `{ty}` in generated code"),
                    "clashes after flattening nested names",
                );
            } else {
                seen.insert(ty, full);
            }
        }
    }

}

pub(super) fn check_unique_across_plugins(plugins: &[Plugin], pool: &DescriptorPool, sources: &Sources, errors: &mut Vec<ProtoError>) {
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    let mut plugin_names: BTreeMap<&str, &str> = BTreeMap::new();
    for plugin in plugins {
        let Some(file) = pool.get_file_by_name(&plugin.source) else { continue };
        let loc = Locator::new(&file, sources);
        if let Some(first) = plugin_names.insert(&plugin.name, &plugin.source) {
            let span = loc.narrow(loc.span(&[FILE_OPTIONS, EXT_PLUGIN]), &format!("\"{}\"", plugin.name));
            errors.push(loc.error(span, format!("plugin name `{}` is also used by {first}", plugin.name), "duplicate plugin"));
        }
        for task in &plugin.task_types {
            if let Some(first) = seen.get(task.name.as_str()) {
                let message = pool.get_message_by_name(&task.message).expect("lowered from this pool");
                let mut path = message.path().to_vec();
                path.extend([MESSAGE_OPTIONS, EXT_TASK]);
                let span = loc.narrow(loc.span(&path), &format!("\"{}\"", task.name));
                errors.push(
                    loc.error(span, format!("task type `{}` is declared twice (first by `{first}`)", task.name), "duplicate task type")
                        .with_help("propeller routes by task type name; each must be unique"),
                );
            } else {
                seen.insert(&task.name, &task.message);
            }
        }
    }
}

/// `pkg.Outer.Inner` -> `OuterInner`: generated code has one flat namespace per plugin.
pub(super) fn type_name(full_name: &str, package: &str) -> String {
    let relative = full_name.strip_prefix(package).map_or(full_name, |s| s.trim_start_matches('.'));
    relative.split('.').collect()
}

pub(super) fn is_kebab(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') && !s.starts_with('-')
}

pub(super) fn is_task_type_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

pub(super) fn is_python_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_') && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
