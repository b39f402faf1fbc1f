//! Enums: each value's API string and the targets that reject it.

use heck::ToShoutySnakeCase;
use prost_reflect::EnumDescriptor;

use super::{ENUM_VALUE_OPTIONS, EXT_VALUE, FileCx, names::{python_members, rust_path, type_name}};
use crate::idents;
use crate::model::*;
use crate::options::{self, *};

impl FileCx<'_> {
    pub(super) fn enumeration(&mut self, e: &EnumDescriptor, targets: &[String]) -> Enum {
        let mut values = Vec::new();
        let mut numbers = std::collections::BTreeMap::new();
        for v in e.values() {
            if let Some(first) = numbers.insert(v.number(), v.name().to_string()) {
                let s = self.loc.narrow(self.loc.span(v.path()), v.name());
                self.err(
                    s,
                    format!("`{}` has the number of `{first}`: enum aliases are not supported", v.name()),
                    "alias",
                );
                continue;
            }
            let opt: Option<EnumValueOpt> = options::read(&v.options(), options::VALUE);
            let span = self.loc.span(v.path());
            let api = opt.as_ref().map(|o| o.api.clone()).filter(|a| !a.is_empty());
            if v.number() != 0 && api.is_none() {
                let s = self.loc.narrow(span, v.name());
                self.err_help(
                    s,
                    format!("enum value `{}` of `{}` has no API string", v.name(), e.full_name()),
                    "no `(flyteplugin.value) = {api: ...}`",
                    "every value but the zero `*_UNSPECIFIED` one says which string the target API expects",
                );
            }
            let unsupported_in = opt.map(|o| o.unsupported_in).unwrap_or_default();
            for t in &unsupported_in {
                if !targets.contains(t) {
                    let mut p = v.path().to_vec();
                    p.extend([ENUM_VALUE_OPTIONS, EXT_VALUE]);
                    let s = self.loc.narrow(self.loc.span(&p), &format!("\"{t}\""));
                    self.err(s, format!("unknown target `{t}` in unsupported_in"), "not a target of this plugin");
                }
            }
            values.push(EnumValue {
                name: v.name().to_string(),
                number: v.number(),
                rust_variant: idents::rust_variant(e.name(), v.name()),
                python_member: String::new(),
                doc: self.doc(v.path()),
                api,
                unsupported_in,
            });
        }
        let names: Vec<String> = values.iter().map(|v| v.name.clone()).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        for (value, member) in values.iter_mut().zip(python_members(e.full_name(), &names)) {
            value.python_member = member;
        }
        let type_name = type_name(e.full_name(), e.package_name());
        let table = type_name.to_shouty_snake_case();
        Enum {
            full_name: e.full_name().to_string(),
            python_api_table: format!("_{table}_API"),
            python_unsupported_table: format!("_{table}_UNSUPPORTED_IN"),
            rust_path: rust_path(e.full_name(), e.package_name()),
            type_name,
            doc: self.doc(e.path()),
            values,
        }
    }

}
