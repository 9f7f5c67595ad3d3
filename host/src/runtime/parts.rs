//! What a builder may narrow: which skills a session gets (the tool
//! filter is [`crate::tools::ToolFilter`]).

/// Which skills a session sees.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum SkillsChoice {
    /// Per-turn selection over every discovered skill (`[skills]` decides).
    #[default]
    All,
    /// No skills (no catalog, no `skill` tool).
    None,
    /// Only these skills by name.
    Only(Vec<String>),
}
