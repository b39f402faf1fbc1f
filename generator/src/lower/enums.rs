//! Enums: each value's API string and the targets that reject it.

use prost_reflect::EnumDescriptor;

use super::{ENUM_VALUE_OPTIONS, EXT_VALUE, FileCx, names::type_name};
use crate::model::*;
use crate::options::{self, *};

impl FileCx<'_> {
    pub(super) fn enumeration(&mut self, e: &EnumDescriptor, targets: &[String]) -> Enum {
        let mut values = Vec::new();
        for v in e.values() {
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
                doc: self.doc(v.path()),
                api,
                unsupported_in,
            });
        }
        Enum {
            full_name: e.full_name().to_string(),
            type_name: type_name(e.full_name(), e.package_name()),
            doc: self.doc(e.path()),
            values,
        }
    }

}
