//! A Python expression building a payload config that passes its declared validation, read from
//! the lowered model (names, rules and enum members as the generator settled them).

use generator::model::*;

/// `m.Config(field=value, ...)`: every required field set (recursively), the rest left to their
/// defaults. `m` is the package's `models` module.
pub fn config(plugin: &Plugin, message: &str) -> String {
    let m = plugin.message(message);
    let args: Vec<String> = m
        .fields
        .iter()
        .filter(|f| f.validation.required)
        .map(|f| format!("{}={}", f.python_name, value(plugin, f)))
        .collect();
    format!("m.{}({})", m.type_name, args.join(", "))
}

fn value(plugin: &Plugin, f: &Field) -> String {
    let v = &f.validation;
    match f.cardinality {
        Cardinality::Repeated => {
            let n = v.min.unwrap_or(1.0).max(1.0) as usize;
            format!("[{}]", vec![one(plugin, f, 0); n].join(", "))
        }
        Cardinality::Map => {
            let n = v.min.unwrap_or(1.0).max(1.0) as usize;
            let entries: Vec<String> = (0..n).map(|i| format!("{}: {}", key(v, i), one(plugin, f, 0))).collect();
            format!("{{{}}}", entries.join(", "))
        }
        _ => one(plugin, f, 0),
    }
}

/// Distinct map keys that pass the length bounds and `^[a-z]*$`.
fn key(v: &Validation, i: usize) -> String {
    let len = v.min_len.unwrap_or(1).max(1) as usize + i;
    format!("{:?}", "k".repeat(len))
}

fn one(plugin: &Plugin, f: &Field, _depth: usize) -> String {
    let v = &f.validation;
    match &f.ty {
        FieldType::String => format!("{:?}", "a".repeat(v.min_len.unwrap_or(1).max(1) as usize)),
        FieldType::Bytes => "b\"a\"".into(),
        FieldType::Bool => "True".into(),
        FieldType::Duration => "datetime.timedelta(seconds=1)".into(),
        FieldType::Enum(name) => {
            let e = plugin.enumeration(name);
            let member = e.values.iter().find(|x| x.number != 0 && x.unsupported_in.is_empty()).or_else(|| e.values.iter().find(|x| x.number != 0)).unwrap_or(&e.values[0]);
            format!("m.{}.{}", e.type_name, member.python_member)
        }
        FieldType::Message(name) => config(plugin, name),
        ty => {
            let collection = matches!(f.cardinality, Cardinality::Repeated | Cardinality::Map);
            let (low, high) = if collection { (None, None) } else { (v.min, v.max) };
            let unsigned = matches!(ty, FieldType::Uint32 | FieldType::Uint64);
            let fits = |x: f64| x != 0.0 && low.is_none_or(|l| x >= l) && high.is_none_or(|h| x <= h) && !(unsigned && x < 0.0);
            let candidates = [1.0, low.map_or(1.0, f64::ceil), high.map_or(1.0, f64::floor), -1.0, 2.0];
            let x = candidates.into_iter().find(|x| fits(*x)).unwrap_or(1.0);
            if matches!(ty, FieldType::Float | FieldType::Double) { format!("{x:?}") } else { format!("{}", x as i64) }
        }
    }
}
