//! Evidence on S3-compatible object storage: a table path `s3://BUCKET/KEY`
//! (a glob in the key chooses several objects). The store is built from the
//! standard `AWS_*` environment variables (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_REGION`,
//! `AWS_ENDPOINT_URL` for another S3-compatible service, `AWS_ALLOW_HTTP`
//! for one on loopback without TLS); the objects are listed, each hashed
//! (SHA-256 of its bytes, streamed) for the provenance, and read by
//! DataFusion through its object store as the query runs.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::execution::object_store::ObjectStoreUrl;
use futures::StreamExt;
use object_store::aws::AmazonS3Builder;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt};
use sha2::{Digest, Sha256};

use crate::error::Failure;
use crate::provenance::FileRead;

/// An object store for one bucket and the URL DataFusion knows it by.
pub(super) struct Bucket {
    pub url: reqwest::Url,
    pub store: Arc<dyn ObjectStore>,
}

/// `s3://BUCKET/KEY-PATTERN` split into its bucket and key pattern.
pub(super) fn split(pattern: &str) -> Result<(&str, &str), Failure> {
    let rest = pattern
        .strip_prefix("s3://")
        .ok_or_else(|| Failure::Files(format!("`{pattern}` is not an s3:// path")))?;
    match rest.split_once('/') {
        Some((bucket, key)) if !bucket.is_empty() && !key.is_empty() => Ok((bucket, key)),
        _ => Err(Failure::Files(format!(
            "`{pattern}`: write s3://BUCKET/KEY (a glob such as s3://evidence/scans/*.parquet chooses several objects)"
        ))),
    }
}

/// The store of `bucket`, configured from the environment (the caller's
/// values first, then the process's).
pub(super) fn bucket(name: &str, env: &HashMap<String, String>) -> Result<Bucket, Failure> {
    let mut builder = AmazonS3Builder::from_env().with_bucket_name(name);
    for (k, v) in env {
        if k.starts_with("AWS_")
            && let Ok(key) = k.to_ascii_lowercase().parse()
        {
            builder = builder.with_config(key, v);
        }
    }
    let store = builder.build().map_err(|e| {
        Failure::Files(format!(
            "bucket `{name}`: cannot set up S3 access from the AWS_* environment variables: {e}"
        ))
    })?;
    let url =
        ObjectStoreUrl::parse(format!("s3://{name}")).map_err(|e| Failure::Files(e.to_string()))?;
    let url: &reqwest::Url = url.as_ref();
    Ok(Bucket {
        url: url.clone(),
        store: Arc::new(store),
    })
}

/// The keys of `bucket` matching `key_pattern`, sorted, with their sizes.
pub(super) async fn expand(
    b: &Bucket,
    bucket: &str,
    key_pattern: &str,
) -> Result<Vec<(String, u64)>, Failure> {
    let failed =
        |e: object_store::Error| Failure::Files(format!("s3://{bucket}/{key_pattern}: {e}"));
    let mut out = Vec::new();
    if !key_pattern.contains(['*', '?', '[']) {
        let meta = b
            .store
            .head(&ObjectPath::from(key_pattern))
            .await
            .map_err(failed)?;
        out.push((meta.location.to_string(), meta.size));
    } else {
        let glob = glob::Pattern::new(key_pattern)
            .map_err(|e| Failure::Files(format!("`{key_pattern}` is not a valid glob: {e}")))?;
        let literal = &key_pattern[..key_pattern.find(['*', '?', '[']).unwrap_or(0)];
        let prefix = literal.rsplit_once('/').map(|(p, _)| p).unwrap_or("");
        let prefix = (!prefix.is_empty()).then(|| ObjectPath::from(prefix));
        let options = glob::MatchOptions {
            require_literal_separator: true,
            ..Default::default()
        };
        let mut listing = b.store.list(prefix.as_ref());
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(failed)?;
            let key = meta.location.to_string();
            if glob.matches_with(&key, options) {
                out.push((key, meta.size));
            }
        }
    }
    if out.is_empty() {
        return Err(Failure::Files(format!(
            "no object matches `s3://{bucket}/{key_pattern}`"
        )));
    }
    out.sort();
    Ok(out)
}

/// SHA-256 and size of an object, read as a stream.
pub(super) async fn hash(b: &Bucket, bucket: &str, key: &str) -> Result<FileRead, Failure> {
    let failed = |e: object_store::Error| Failure::Files(format!("s3://{bucket}/{key}: {e}"));
    let mut stream = b
        .store
        .get(&ObjectPath::from(key))
        .await
        .map_err(failed)?
        .into_stream();
    let mut h = Sha256::new();
    let mut size = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(failed)?;
        size += chunk.len() as u64;
        h.update(&chunk);
    }
    Ok(FileRead {
        path: format!("s3://{bucket}/{key}"),
        sha256: hex::encode(h.finalize()),
        size,
    })
}

/// The first bytes of an object (for the CSV delimiter).
pub(super) async fn head(
    b: &Bucket,
    bucket: &str,
    key: &str,
    size: u64,
) -> Result<Vec<u8>, Failure> {
    let end = size.min(64 * 1024);
    if end == 0 {
        return Ok(Vec::new());
    }
    b.store
        .get_range(&ObjectPath::from(key), 0..end)
        .await
        .map(|bytes| bytes.to_vec())
        .map_err(|e| Failure::Files(format!("s3://{bucket}/{key}: {e}")))
}
