//! The skills of a new session: discovery (cached), the selection
//! extension and the `skill` tool, narrowed to a [`SkillsChoice`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::parts::SkillsChoice;
use crate::agent::{Event, EventSink, Extension};
use crate::config::Config;
use crate::skills::extension::{SkillsExtension, SkillsSetup};
use crate::skills::select::semantic::Semantic;
use crate::skills::{DiscoverOptions, loader::CachedDiscovery};
use crate::tools::Tool;

/// The `skill` tool and the extension, or `None` when skills are off.
pub fn parts(
    config: &Config,
    home: &Path,
    cwd: &Path,
    repo: Option<&Path>,
    choice: &SkillsChoice,
    semantic: Option<Arc<Semantic>>,
    events: &EventSink,
) -> Option<(Arc<dyn Tool>, Arc<dyn Extension>)> {
    if !config.skills.enabled || *choice == SkillsChoice::None {
        return None;
    }
    let opts = DiscoverOptions::new(
        cwd.to_path_buf(),
        repo.map(Path::to_path_buf),
        home.to_path_buf(),
        &config.skills,
    )
    .trusting(config.project_trusted);
    let discovery = Arc::new(CachedDiscovery::new(opts));
    for s in discovery.discover().skipped {
        events.send(Event::Warning {
            message: format!("skill skipped: {}: {}", s.path.display(), s.reason),
        });
    }
    let mut loader = discovery.loader();
    if let SkillsChoice::Only(names) = choice {
        let names = names.clone();
        let all = loader;
        loader = Arc::new(move || {
            let skills = all();
            let available: Vec<&str> = skills.iter().map(|s| s.name.as_str()).collect();
            let keep: Vec<bool> = available
                .iter()
                .map(|n| crate::skills::wanted::pick(&names, &available, n))
                .collect();
            skills
                .into_iter()
                .zip(keep)
                .filter_map(|(s, k)| k.then_some(s))
                .collect()
        });
    }
    let setup = SkillsSetup {
        config: config.skills.clone(),
        cache_dir: Some(crate::skills::select::cache::dir_in(home)),
        workspace: repo
            .map(Path::to_path_buf)
            .or_else(|| Some(cwd.to_path_buf())),
        home: std::env::var_os("HOME").map(PathBuf::from),
        output_limit: config.tool_output_limit,
        semantic,
        events: events.clone(),
    };
    let (tool, ext) = SkillsExtension::for_session(setup, loader);
    Some((Arc::new(tool), Arc::new(ext)))
}
