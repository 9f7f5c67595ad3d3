//! `quire plugins marketplace add|list|remove` and `quire plugins search`.

use std::path::Path;

use clap::Subcommand;
use quire::config::shown_url::shown_url;
use quire::plugins::market;
use quire::printable::one_line;
use serde_json::json;

use crate::cli::{EXIT_FAILED, EXIT_OK, EXIT_USAGE};

#[derive(Debug, Subcommand)]
pub enum MarketplaceCommand {
    /// Add a marketplace: a folder, a git URL (with --ref) or github:OWNER/REPO.
    Add {
        /// A marketplace folder, a git URL or github:OWNER/REPO.
        source: String,
        /// A branch, tag or commit (git).
        #[arg(long = "ref", value_name = "REF")]
        reference: Option<String>,
        /// Replace an added marketplace of the same name that came from another source.
        #[arg(long)]
        replace: bool,
    },
    /// The added marketplaces and their plugins.
    List,
    /// Forget an added marketplace (plugins installed from it stay installed).
    Remove {
        /// The marketplace's name, as `quire plugins marketplace list` shows it.
        name: String,
    },
}

pub fn marketplace(home: &Path, cwd: &Path, command: &MarketplaceCommand) -> i32 {
    match command {
        MarketplaceCommand::Add {
            source,
            reference,
            replace,
        } => match market::add_marketplace(home, cwd, source, reference.as_deref(), *replace) {
            Ok((added, catalog)) => {
                for p in &catalog.problems {
                    elistln!("warning: {p}");
                }
                println!(
                    "added marketplace {} ({} plugin(s)) from {}",
                    added.name,
                    catalog.plugins.len(),
                    shown_url(&added.source)
                );
                // Every entry refused: nothing can be installed from it.
                if catalog.plugins.is_empty() && !catalog.problems.is_empty() {
                    eprintln!(
                        "warning: marketplace {} lists {}, and none can be installed (why is above each)",
                        added.name,
                        quire::plural::counted(catalog.problems.len(), "plugin"),
                    );
                }
                EXIT_OK
            }
            Err(e @ market::MarketError::NameTaken { .. }) => {
                eprintln!("error: {}", shown_url(&e.to_string()));
                EXIT_USAGE
            }
            Err(e) => {
                eprintln!("error: {}", shown_url(&e.to_string()));
                EXIT_FAILED
            }
        },
        MarketplaceCommand::Remove { name } => {
            match market::store::remove_marketplace(home, name) {
                Ok(m) => {
                    println!("removed marketplace {} ({})", m.name, shown_url(&m.source));
                    EXIT_OK
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    EXIT_FAILED
                }
            }
        }
        MarketplaceCommand::List => {
            for m in market::list_marketplaces(home) {
                listln!("{}  {}", m.name, shown_url(&m.source));
                if let Ok(cat) = market::read_catalog(&market::store::market_dir(home, &m.name)) {
                    for p in &cat.problems {
                        elistln!("warning: {p}");
                    }
                    for e in cat.plugins {
                        listln!("  {:<24} {}", one_line(&e.name), one_line(&e.description));
                    }
                }
            }
            EXIT_OK
        }
    }
}

pub fn search(home: &Path, text: &str, json: bool) -> i32 {
    let hits = market::search::search(home, text, 20);
    if hits.is_empty() && !json {
        elistln!("no plugin matches \"{text}\" in the added marketplaces");
    }
    for (m, e) in hits {
        if json {
            println!(
                "{}",
                json!({"name": e.name, "marketplace": m, "description": e.description, "version": e.version})
            );
        } else {
            listln!(
                "{}@{}  {}",
                one_line(&e.name),
                one_line(&m),
                one_line(&e.description)
            );
        }
    }
    EXIT_OK
}

/// The name the plugin of marketplace entry `name` is installed under
/// when that differs (its plugin.json names it otherwise: entry `kit-v1`
/// installs plugin `kit`), found in the repository's lock or the user's
/// by the entry's source, ref and folder.
pub fn installed_as(home: &Path, cwd: &Path, name: &str) -> Option<String> {
    let (m, entry) = market::store::find_plugin(home, name).ok()?;
    let opts = market::store::install_options(&m, &entry, false);
    let git = matches!(entry.source, market::EntrySource::Git { .. });
    let repo = quire::agent::prompt::repo_root(cwd).unwrap_or_else(|| cwd.to_path_buf());
    [repo.as_path(), home]
        .iter()
        .filter_map(|root| quire::share::LockFile::load(root).ok())
        .flat_map(|lock| lock.entries)
        .find(|e| {
            e.kind == quire::share::Kind::Bundle
                && e.name != name
                && e.marketplace.as_deref() == Some(m.name.as_str())
                && e.reference == opts.reference
                && e.subdir == opts.subdir
                && e.manifest == opts.manifest
                && (!git || e.source == opts.source)
        })
        .map(|e| e.name)
}
