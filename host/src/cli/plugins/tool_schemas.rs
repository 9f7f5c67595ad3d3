//! `quire plugins validate`: the tools of a bundle's WASM components. Each
//! component is loaded (its `list-tools` runs with no grants) and a tool
//! sessions would leave out (an input schema that is not JSON or not an
//! object schema: providers refuse the request; a hidden character in its
//! name, description or schema text) is a problem of its plugin.toml.

use std::path::{Path, PathBuf};

use quire::plugins::bundle::Problem;
use quire::plugins::manifest::{self, MANIFEST_FILE};
use quire::plugins::session::load_one;
use quire::plugins::{Found, Scope, tool_offered};

/// The problems of the components in `components` (their folders) that
/// only loading them shows; a manifest or component file already refused
/// by the bundle's validation is skipped.
pub(super) async fn problems(
    home: &Path,
    workspace: &Path,
    components: Vec<PathBuf>,
) -> Vec<Problem> {
    let mut out = Vec::new();
    for dir in &components {
        let file = dir.join(MANIFEST_FILE);
        let Ok(m) = manifest::load(&file) else {
            continue;
        };
        if m.component_problem().is_some() {
            continue;
        }
        let name = m.name.clone();
        let found = Found {
            manifest: m,
            scope: Scope::Configured,
        };
        let plugin = match load_one(&found, home, workspace.to_path_buf()).await {
            Ok(p) => p,
            Err(e) => {
                out.push(Problem {
                    file,
                    message: format!("plugin '{name}' does not load: {e}"),
                });
                continue;
            }
        };
        for t in &plugin.tools {
            if let Err(why) = tool_offered(t) {
                out.push(Problem {
                    file: file.clone(),
                    message: format!(
                        "plugin '{name}': tool '{}' {why}; sessions leave it out",
                        t.name
                    ),
                });
            }
        }
    }
    out
}
