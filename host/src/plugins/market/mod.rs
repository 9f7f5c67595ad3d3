//! Marketplaces: catalogs of plugin bundles. Claude Code's
//! `.claude-plugin/marketplace.json` and Codex's
//! `.agents/plugins/marketplace.json` are read as they are ([`catalog`]);
//! added marketplaces are copied into `~/.quire/marketplaces/NAME` with
//! where they came from ([`store`]); [`search`] ranks their plugins with
//! the BM25 index tool selection uses.

pub(crate) mod catalog;
pub mod search;
pub mod store;

pub use catalog::{Catalog, CatalogEntry, EntrySource, read_catalog};
pub use store::{AddedMarketplace, MarketError, add_marketplace, list_marketplaces};
