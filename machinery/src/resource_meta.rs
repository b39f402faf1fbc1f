//! `resource_meta`: what CreateTask hands propeller and GetTask / DeleteTask get back verbatim.
//!
//! Propeller keeps it opaque, but anyone who can reach the agent's port can send any bytes. So the
//! backend signs it (HMAC-SHA256 with a key from a mounted Secret) and accepts only what it
//! signed itself: a forged or altered `resource_meta` cannot make it read or delete an object it
//! did not create. During a key rotation the previous key is still accepted, so tasks started
//! before the rotation keep being polled.
//!
//! The encoding is a small JSON object (it is stored in etcd inside the workflow object):
//! `{"v":2,"ns":...,"name":...,"type":...,"target":...,"x":...,"sig":...}`.

use std::path::Path;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tonic::Status;

/// The format version this backend writes and reads. Version 1 (unsigned) is refused.
pub const VERSION: u32 = 2;
/// Far above any `resource_meta` this backend writes (about 250 bytes).
const MAX_BYTES: usize = 1024;
/// A key shorter than this is refused: HMAC-SHA256 wants at least its output size.
pub const MIN_KEY_BYTES: usize = 32;

/// Where an object is and which task execution it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceMeta {
    pub ns: String,
    pub name: String,
    #[serde(rename = "type")]
    pub task_type: String,
    pub target: String,
    /// [`execution_digest`] of the object's task-execution annotation: the object found under
    /// `ns/name` must carry that annotation, so a signed meta never applies to another object
    /// that later took the same name.
    pub x: String,
}

/// The signed form on the wire.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sealed {
    v: u32,
    #[serde(flatten)]
    meta: ResourceMeta,
    sig: String,
}

/// The first 16 hex digits of SHA-256 of a task-execution annotation value.
pub fn execution_digest(annotation: &str) -> String {
    hex(&Sha256::digest(annotation.as_bytes())[..8])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Signs and checks `resource_meta`.
#[derive(Clone)]
pub struct Signer {
    current: Vec<u8>,
    previous: Option<Vec<u8>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material (`--check-config` prints the settings).
        f.debug_struct("Signer").field("previous_key", &self.previous.is_some()).finish_non_exhaustive()
    }
}

impl PartialEq for Signer {
    fn eq(&self, other: &Self) -> bool {
        self.current == other.current && self.previous == other.previous
    }
}

impl Signer {
    pub fn new(current: Vec<u8>, previous: Option<Vec<u8>>) -> Result<Self, String> {
        for (which, key) in [("current", Some(&current)), ("previous", previous.as_ref())] {
            if let Some(key) = key
                && key.len() < MIN_KEY_BYTES
            {
                return Err(format!("the {which} resource_meta key has {} bytes; at least {MIN_KEY_BYTES} are needed", key.len()));
            }
        }
        Ok(Self { current, previous })
    }

    /// Reads the keys from files (a mounted Secret); surrounding whitespace is ignored. A
    /// previous-key file that does not exist means no previous key (the Secret's `previous` entry
    /// is optional).
    pub fn from_files(current: &Path, previous: Option<&Path>) -> Result<Self, String> {
        let read = |path: &Path| std::fs::read(path).map(|bytes| bytes.trim_ascii().to_vec()).map_err(|e| format!("{}: {e}", path.display()));
        let previous = match previous {
            Some(path) if path.exists() => Some(read(path)?).filter(|k| !k.is_empty()),
            _ => None,
        };
        Self::new(read(current)?, previous)
    }

    fn mac(key: &[u8], meta: &ResourceMeta) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
        mac.update(&VERSION.to_be_bytes());
        mac.update(&serde_json::to_vec(meta).expect("plain struct serializes"));
        mac
    }

    pub fn seal(&self, meta: &ResourceMeta) -> Vec<u8> {
        let sig = hex(&Self::mac(&self.current, meta).finalize().into_bytes());
        serde_json::to_vec(&Sealed { v: VERSION, meta: meta.clone(), sig }).expect("plain struct serializes")
    }

    /// The meta, if this deployment signed it with its current or previous key.
    pub fn open(&self, bytes: &[u8]) -> Result<ResourceMeta, Status> {
        if bytes.len() > MAX_BYTES {
            return Err(Status::invalid_argument(format!("resource_meta: {} bytes; this backend writes at most {MAX_BYTES}", bytes.len())));
        }
        let version = serde_json::from_slice::<serde_json::Value>(bytes)
            .ok()
            .and_then(|v| v.get("v").and_then(serde_json::Value::as_u64))
            .ok_or_else(|| Status::invalid_argument("resource_meta: not written by this backend"))?;
        if version != u64::from(VERSION) {
            return Err(Status::invalid_argument(format!("resource_meta: version {version} is not supported (this backend writes version {VERSION})")));
        }
        let sealed: Sealed = serde_json::from_slice(bytes).map_err(|e| Status::invalid_argument(format!("resource_meta: not written by this backend: {e}")))?;
        let sig = decode_hex(&sealed.sig).ok_or_else(|| Status::invalid_argument("resource_meta: not written by this backend: malformed signature"))?;
        let valid = std::iter::once(&self.current).chain(&self.previous).any(|key| Self::mac(key, &sealed.meta).verify_slice(&sig).is_ok());
        if !valid {
            return Err(Status::permission_denied("resource_meta: the signature does not match this deployment's keys (forged, altered, or from another deployment)"));
        }
        Ok(sealed.meta)
    }
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> ResourceMeta {
        ResourceMeta {
            ns: "flytesnacks-development".into(),
            name: "a".repeat(63),
            task_type: "sagemaker-k8s-hyperparameter-tuning".into(),
            target: "operator".into(),
            x: execution_digest("p/d/e/n0/t/0"),
        }
    }

    fn signer(key: u8) -> Signer {
        Signer::new(vec![key; 32], None).unwrap()
    }

    #[test]
    fn sealed_meta_is_small_json_and_opens_with_the_same_key_only() {
        let bytes = signer(1).seal(&meta());
        assert!(bytes.len() < 400, "{} bytes", bytes.len());
        assert_eq!(signer(1).open(&bytes).unwrap(), meta());
        assert_eq!(signer(2).open(&bytes).unwrap_err().code(), tonic::Code::PermissionDenied);
    }

    #[test]
    fn the_previous_key_is_accepted_during_a_rotation() {
        let old = signer(1).seal(&meta());
        let rotated = Signer::new(vec![2; 32], Some(vec![1; 32])).unwrap();
        assert_eq!(rotated.open(&old).unwrap(), meta());
        assert_eq!(signer(1).open(&rotated.seal(&meta())).unwrap_err().code(), tonic::Code::PermissionDenied, "new metas use the new key");
    }

    #[test]
    fn altered_unsigned_old_and_oversized_metas_are_refused() {
        let bytes = signer(1).seal(&meta());
        let altered = String::from_utf8(bytes).unwrap().replace("flytesnacks-development", "kube-system");
        assert_eq!(signer(1).open(altered.as_bytes()).unwrap_err().code(), tonic::Code::PermissionDenied);
        let v1 = br#"{"v":1,"ns":"team-b","name":"team-b-prod-job","type":"t","target":"ack"}"#;
        assert!(signer(1).open(v1).unwrap_err().message().contains("version 1 is not supported"));
        assert_eq!(signer(1).open(b"garbage").unwrap_err().code(), tonic::Code::InvalidArgument);
        assert_eq!(signer(1).open(&vec![b' '; 5000]).unwrap_err().code(), tonic::Code::InvalidArgument);
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(Signer::new(vec![1; 31], None).unwrap_err().contains("at least 32"));
        assert!(Signer::new(vec![1; 32], Some(vec![1; 3])).unwrap_err().contains("previous"));
    }
}
