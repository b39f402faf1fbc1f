//! The plugin generator: load -> lower -> emit -> write.
//!
//! * [`load`] compiles every `.proto` under the proto root in-process.
//! * [`lower`] turns descriptors into the owned [`model::Model`] and performs every check a
//!   plugin author can fail, each reported at its file, line and column.
//! * [`emit`] renders the model into files: pure functions with no error paths for user input.
//! * [`write`] compares and writes the output folder, which the generator owns.

pub mod breaking;
pub mod contract;
pub mod crd;
pub mod crpath;
pub mod diagnostics;
pub mod emit;
pub mod idents;
pub mod load;
pub mod lower;
pub mod model;
pub mod options;
pub mod write;

use std::fmt;
use std::path::PathBuf;

pub use diagnostics::Error;
use write::Change;

#[derive(Debug, Clone)]
pub struct Options {
    pub proto: PathBuf,
    pub out: PathBuf,
    pub check: bool,
    pub crd_schema: Vec<PathBuf>,
    /// Fail when a resource has no CRD in any `crd_schema` folder.
    pub crd_strict: bool,
    /// Fail on changes that break tasks registered with this earlier model.
    pub breaking_against: Option<breaking::Baseline>,
    pub dump_model: bool,
}

/// What a run found and did.
#[derive(Debug, Default)]
pub struct Report {
    pub changes: Vec<Change>,
    pub check: bool,
    pub files: usize,
    pub model_json: Option<String>,
    /// The CRD schema checks: what was checked against which file, and what was not.
    pub crd: crd::CrdReport,
}

impl Report {
    /// True when the output folder already matched.
    pub fn is_clean(&self) -> bool {
        self.changes.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(json) = &self.model_json {
            return writeln!(f, "{json}");
        }
        for line in &self.crd.checked {
            writeln!(f, "schema ok: {line}")?;
        }
        for line in &self.crd.unchecked {
            writeln!(f, "schema NOT checked (no CRD in the --crd-schema folders): {line}")?;
        }
        match (self.check, self.changes.is_empty()) {
            (_, true) => writeln!(f, "up to date: {} generated files", self.files),
            (true, false) => {
                writeln!(f, "out of date: {} of {} generated files (run `cargo run -p generator`):", self.changes.len(), self.files)?;
                self.changes.iter().try_for_each(|c| writeln!(f, "  {c}"))
            }
            (false, false) => {
                writeln!(f, "updated {} files ({} generated in all):", self.changes.len(), self.files)?;
                self.changes.iter().try_for_each(|c| writeln!(f, "  {c}"))
            }
        }
    }
}

/// Lowers the model and emits every file, without touching the disk.
pub fn generate(options: &Options) -> Result<(model::Model, Vec<write::GeneratedFile>, crd::CrdReport), Error> {
    let loaded = load::load(&options.proto)?;
    let model = lower::lower(&loaded)?;
    if let Some(baseline) = &options.breaking_against {
        let earlier = breaking::earlier_model(baseline, &options.proto)?;
        let breaks = breaking::compare(&earlier, &model, &loaded);
        if !breaks.is_empty() {
            return Err(Error::Invalid(breaks));
        }
    }
    let crd = crd::check_all(&model, &options.crd_schema, &loaded.sources)?;
    if options.crd_strict && !crd.unchecked.is_empty() {
        return Err(Error::Usage(format!(
            "--crd-strict: no CRD in {} for: {}",
            options.crd_schema.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", "),
            crd.unchecked.join("; ")
        )));
    }
    let files = emit::all(&model);
    Ok((model, files, crd))
}

pub fn run(options: &Options) -> Result<Report, Error> {
    let (model, files, crd) = generate(options)?;
    if options.dump_model {
        let json = serde_json::to_string_pretty(&model).expect("the model serializes");
        return Ok(Report { model_json: Some(json), ..Report::default() });
    }
    let changes = write::plan(&options.out, &files)?;
    if !options.check {
        write::apply(&options.out, &files, &changes)?;
    }
    Ok(Report { changes, check: options.check, files: files.len(), model_json: None, crd })
}
