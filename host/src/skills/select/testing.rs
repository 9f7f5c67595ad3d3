//! Building [`Skill`] values and skill folders for tests and benchmarks
//! (not part of quire's behaviour).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::skills::{Scope, Skill};

/// A skill with just a name and description, in `/skills/NAME`.
pub fn skill(name: &str, description: &str) -> Skill {
    let dir = PathBuf::from("/skills").join(name);
    Skill {
        name: name.to_string(),
        description: description.to_string(),
        when_to_use: None,
        keywords: Vec::new(),
        license: None,
        compatibility: None,
        allowed_tools: Vec::new(),
        metadata: BTreeMap::new(),
        disable_model_invocation: false,
        user_invocable: true,
        extra: BTreeMap::new(),
        body: format!("# {name}\n\nSteps for {name}.\n"),
        headings: vec![name.to_string()],
        file: dir.join("SKILL.md"),
        dir,
        scope: Scope::Project,
        root: PathBuf::from("/skills"),
        warnings: Vec::new(),
        drift: None,
    }
}

/// Writes `skill` as `ROOT/NAME/SKILL.md` (frontmatter with name and
/// description, then the body) and returns it with its paths set there.
pub fn write(root: &Path, mut skill: Skill) -> std::io::Result<Skill> {
    let dir = root.join(&skill.name);
    std::fs::create_dir_all(&dir)?;
    let file = dir.join("SKILL.md");
    let text = format!(
        "---\nname: {}\ndescription: {}\n---\n{}",
        skill.name,
        skill.description.replace('\n', " "),
        skill.body
    );
    std::fs::write(&file, text)?;
    skill.dir = dir;
    skill.file = file;
    skill.root = root.to_path_buf();
    Ok(skill)
}

/// The `#` headings of a Markdown body.
pub fn headings(body: &str) -> Vec<String> {
    body.lines()
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Reads `DIR/SKILL.md` with a minimal frontmatter reader (`name`,
/// `description`, `when_to_use`, `disable-model-invocation`, one per line).
/// `None` when the file or either required field is missing.
pub fn read_skill(dir: &Path, root: &Path) -> Option<Skill> {
    let file = dir.join("SKILL.md");
    let text = std::fs::read_to_string(&file).ok()?;
    let (front, body) = text.strip_prefix("---\n")?.split_once("\n---\n")?;
    let field = |k: &str| {
        front.lines().find_map(|l| {
            l.strip_prefix(k)
                .and_then(|v| v.strip_prefix(':'))
                .map(|v| v.trim().trim_matches('"').to_string())
        })
    };
    let mut s = skill(&field("name")?, &field("description")?);
    s.when_to_use = field("when_to_use");
    s.disable_model_invocation = field("disable-model-invocation").as_deref() == Some("true");
    s.body = body.to_string();
    s.headings = headings(body);
    s.file = file;
    s.dir = dir.to_path_buf();
    s.root = root.to_path_buf();
    Some(s)
}

/// Every `ROOT/*/SKILL.md` [`read_skill`] accepts, sorted by folder.
pub fn load_root(root: &Path) -> Vec<Skill> {
    let Ok(rd) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    dirs.sort();
    dirs.iter().filter_map(|d| read_skill(d, root)).collect()
}
