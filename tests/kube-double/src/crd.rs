//! Loading CustomResourceDefinitions in both layouts the project carries.
//!
//! - `apiextensions.k8s.io/v1` (ACK): one schema per version at
//!   `spec.versions[].schema.openAPIV3Schema`, subresources per version, unknown fields always
//!   pruned (structural schemas are mandatory in v1).
//! - `apiextensions.k8s.io/v1beta1` (the SageMaker operator): one schema at
//!   `spec.validation.openAPIV3Schema` shared by all versions, subresources at `spec.subresources`,
//!   and `spec.preserveUnknownFields` defaulting to `true`, so unknown fields are kept unless the
//!   file says `false` (what a v1beta1-era API server did with these files).

use std::path::{Path, PathBuf};

use serde_json::Value;

/// One served custom resource type.
#[derive(Debug, Clone)]
pub struct Crd {
    pub group: String,
    pub kind: String,
    pub list_kind: String,
    pub plural: String,
    pub singular: String,
    pub versions: Vec<CrdVersion>,
    /// Whether unknown fields are dropped on write (structural pruning).
    pub prune: bool,
    /// The file it came from, for error messages.
    pub source: PathBuf,
}

#[derive(Debug, Clone)]
pub struct CrdVersion {
    pub name: String,
    pub served: bool,
    pub storage: bool,
    pub schema: Option<Value>,
    pub status_subresource: bool,
}

impl Crd {
    /// `trainingjobs.sagemaker.services.k8s.aws`: how the API server names the resource in messages.
    pub fn resource_name(&self) -> String {
        format!("{}.{}", self.plural, self.group)
    }

    /// `TrainingJob.sagemaker.services.k8s.aws`: how 422 messages name the kind.
    pub fn kind_name(&self) -> String {
        format!("{}.{}", self.kind, self.group)
    }

    pub fn served_version(&self, version: &str) -> Option<&CrdVersion> {
        self.versions.iter().find(|v| v.served && v.name == version)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: not valid YAML: {source}")]
    Yaml { path: PathBuf, source: serde_norway::Error },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{plural}.{group} is defined twice ({first} and {second})")]
    Duplicate { group: String, plural: String, first: PathBuf, second: PathBuf },
}

/// Every CRD in the YAML files under `dirs` (recursively, in sorted order). A directory entry
/// may also be a single file.
pub fn load_dirs(dirs: &[impl AsRef<Path>]) -> Result<Vec<Crd>, LoadError> {
    let mut files = Vec::new();
    for dir in dirs {
        collect_yaml_files(dir.as_ref(), &mut files)?;
    }
    let mut crds: Vec<Crd> = Vec::new();
    for file in files {
        for crd in load_file(&file)? {
            if let Some(first) = crds.iter().find(|c| c.group == crd.group && c.plural == crd.plural) {
                return Err(LoadError::Duplicate { group: crd.group, plural: crd.plural, first: first.source.clone(), second: file });
            }
            crds.push(crd);
        }
    }
    Ok(crds)
}

fn collect_yaml_files(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let io = |source| LoadError::Io { path: path.to_path_buf(), source };
    if path.is_file() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries = std::fs::read_dir(path).map_err(io)?.map(|e| e.map(|e| e.path())).collect::<Result<Vec<_>, _>>().map_err(io)?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_yaml_files(&entry, out)?;
        } else if entry.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(entry);
        }
    }
    Ok(())
}

/// The CRDs of one (possibly multi-document) YAML file; other kinds of documents are skipped.
pub fn load_file(path: &Path) -> Result<Vec<Crd>, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|source| LoadError::Io { path: path.to_path_buf(), source })?;
    let mut crds = Vec::new();
    for document in serde_norway::Deserializer::from_str(&text) {
        let doc: Value = serde::Deserialize::deserialize(document).map_err(|source| LoadError::Yaml { path: path.to_path_buf(), source })?;
        // The operator files open with an empty document before their `---`.
        if doc.is_null() || doc["kind"] != "CustomResourceDefinition" {
            continue;
        }
        crds.push(parse_crd(&doc).map_err(|message| LoadError::Invalid { path: path.to_path_buf(), message })?.with_source(path));
    }
    Ok(crds)
}

impl Crd {
    fn with_source(mut self, path: &Path) -> Self {
        self.source = path.to_path_buf();
        self
    }
}

fn parse_crd(doc: &Value) -> Result<Crd, String> {
    let spec = &doc["spec"];
    let text = |v: &Value, what: &str| v.as_str().map(str::to_string).ok_or_else(|| format!("{what} is missing"));
    let group = text(&spec["group"], "spec.group")?;
    let names = &spec["names"];
    let kind = text(&names["kind"], "spec.names.kind")?;
    let plural = text(&names["plural"], "spec.names.plural")?;
    let list_kind = names["listKind"].as_str().map_or_else(|| format!("{kind}List"), str::to_string);
    let singular = names["singular"].as_str().map_or_else(|| kind.to_lowercase(), str::to_string);
    // v1beta1 defaulted the scope to Namespaced; v1 requires it.
    let scope = spec["scope"].as_str().unwrap_or("Namespaced");
    if scope != "Namespaced" {
        return Err(format!("{plural}.{group} is {scope}; the test double serves only namespaced resources"));
    }
    let v1 = doc["apiVersion"] == "apiextensions.k8s.io/v1";
    let shared_schema = spec["validation"]["openAPIV3Schema"].clone();
    let shared_status = spec["subresources"].get("status").is_some();
    let mut versions = Vec::new();
    if let Some(list) = spec["versions"].as_array() {
        for v in list {
            let schema = v["schema"]["openAPIV3Schema"].clone();
            versions.push(CrdVersion {
                name: text(&v["name"], "spec.versions[].name")?,
                served: v["served"].as_bool().unwrap_or(true),
                storage: v["storage"].as_bool().unwrap_or(false),
                schema: if schema.is_null() { (!shared_schema.is_null()).then(|| shared_schema.clone()) } else { Some(schema) },
                status_subresource: v["subresources"].get("status").is_some() || shared_status,
            });
        }
    } else if let Some(name) = spec["version"].as_str() {
        versions.push(CrdVersion {
            name: name.to_string(),
            served: true,
            storage: true,
            schema: (!shared_schema.is_null()).then(|| shared_schema.clone()),
            status_subresource: shared_status,
        });
    }
    if versions.is_empty() {
        return Err(format!("{plural}.{group} declares no version"));
    }
    let prune = if v1 { true } else { spec["preserveUnknownFields"] == Value::Bool(false) };
    Ok(Crd { group, kind, list_kind, plural, singular, versions, prune, source: PathBuf::new() })
}
