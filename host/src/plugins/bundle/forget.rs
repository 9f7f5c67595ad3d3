//! What removing a plugin with the user's own command (`quire plugins
//! remove`, `quire share remove`) forgets: the approvals of its hooks
//! (`$QUIRE_HOME/trusted_hooks.json`) and the consent to its MCP servers
//! (`plugins-enabled.json`). Without this, the approved guards of a removed
//! repository plugin would count as guards the model removed
//! (`hooks::gone_guards`) and block what they matched in every later
//! session, and a plugin installed again under that name would start its
//! servers without being enabled again. A plugin's hook file deleted or
//! edited by other means keeps its approvals, so its guard still blocks.

use std::path::{Path, PathBuf};

use super::InstalledBundle;

/// What to forget of one installed plugin, read before its folder goes
/// (the folder's real path is needed to match what was recorded).
#[derive(Debug, Clone)]
pub struct Forget {
    plugin: String,
    /// The folder as loaded and by its real path.
    roots: Vec<PathBuf>,
    consent_root: String,
}

/// How much was forgotten.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub hook_approvals: usize,
    pub mcp_consents: usize,
}

impl Forget {
    pub fn of(installed: &InstalledBundle) -> Forget {
        let root = &installed.bundle.root;
        let mut roots = vec![root.clone()];
        if let Ok(real) = root.canonicalize()
            && real != *root
        {
            roots.push(real);
        }
        Forget {
            plugin: installed.bundle.name.clone(),
            roots,
            consent_root: super::mcp::root_text(&installed.bundle),
        }
    }

    /// Drops, from `home`'s records, every hook approval whose hook file
    /// was inside the plugin's folder and the consents to its servers in
    /// that folder (another copy of the name keeps its own).
    pub fn apply(&self, home: &Path) -> Result<Forgotten, String> {
        let mut store = crate::hooks::trust::TrustStore::load(home).map_err(|e| e.to_string())?;
        let before = store.trusted.len();
        store.trusted.retain(|_, a| {
            let source = Path::new(&a.source);
            !self.roots.iter().any(|r| source.starts_with(r))
        });
        let hook_approvals = before - store.trusted.len();
        if hook_approvals > 0 {
            store.save(home).map_err(|e| e.to_string())?;
        }
        let mcp_consents = super::mcp::withdraw(home, &self.plugin, &self.consent_root)
            .map_err(|e| format!("{}: {e}", home.join("plugins-enabled.json").display()))?;
        Ok(Forgotten {
            hook_approvals,
            mcp_consents,
        })
    }
}
