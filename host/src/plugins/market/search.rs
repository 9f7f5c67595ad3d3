//! `quire plugins search TEXT`: the plugins of the added marketplaces
//! ranked by the BM25 index of tool selection (name, description,
//! keywords).

use std::path::Path;

use super::catalog::{CatalogEntry, read_catalog};
use super::store::{list_marketplaces, market_dir};
use crate::tools::ToolSpec;
use crate::tools::select::index::ToolIndex;

/// The best matches (marketplace, entry), best first.
pub fn search(home: &Path, text: &str, limit: usize) -> Vec<(String, CatalogEntry)> {
    let mut all: Vec<(String, CatalogEntry)> = Vec::new();
    for m in list_marketplaces(home) {
        if let Ok(cat) = read_catalog(&market_dir(home, &m.name)) {
            all.extend(cat.plugins.into_iter().map(|e| (m.name.clone(), e)));
        }
    }
    let specs: Vec<ToolSpec> = all
        .iter()
        .map(|(_, e)| ToolSpec {
            name: e.name.clone(),
            description: format!("{} {}", e.description, e.keywords.join(" ")),
            parameters: serde_json::json!({"type": "object"}),
            read_only: true,
            destructive: false,
        })
        .collect();
    let index = ToolIndex::build(specs, 0);
    let mut out = Vec::new();
    for (i, score) in index.rank(text, None) {
        if score <= 0.0 || out.len() >= limit {
            continue;
        }
        if let Some(hit) = all.get(i) {
            out.push(hit.clone());
        }
    }
    out
}
