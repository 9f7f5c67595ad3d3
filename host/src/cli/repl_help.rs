//! The line mode's `/help`.

/// What `/help` prints in the line mode.
pub(super) const HELP: &str = "Commands:
  /help          this help
  /new           start a new conversation (a new session file)
  /compact       summarise the conversation now to free context
  /model NAME    switch the model for the next turns (a name the
                 provider does not list is refused as a typo; --force:
                 switch anyway, for servers that serve more than they list)
  /review [--uncommitted|--staged|--base REF|--commit SHA|--range A..B] [--run-tests] [TEXT]
                 review a change (uncommitted by default)
  /status        session, tokens, cost estimate, config
  /diff          the working tree against HEAD, untracked files too,
                 and the files this session patched that git ignores
                 (outside a git repository: this session's patches)
  /undo          revert the last turn's patches
  /rewind [N]    go back to message N: it and all after it leave the
                 conversation, its text comes back in the input line to
                 edit (files stay as they are); without N, the messages
                 listed, numbered (the full-screen view: Esc Esc)
  /skills        skills, with the active ones marked
  /mcp           MCP servers and their state
  /approvals [read-only|auto|full-access --yes|never|on-request|untrusted]
                 show the sandbox and approval policy with the presets;
                 a preset sets both (Full Access, no sandbox: with
                 --yes), a policy the approval alone (/permissions too)
  /init [TEXT]   have the model write AGENTS.md (with TEXT: improve
                 the one that exists; /init alone never replaces it)
  /agents [show ID|merge ID|discard ID]
                 subagents of this session; a worktree child's branch
  /quit          leave (Ctrl-D works too)
  /NAME [TEXT]   call a custom command, or a skill (`/skills` lists them)
  !COMMAND       run COMMAND in your shell here (no sandbox, no approval;
                 Ctrl-C stops it): its output goes with your next message
                 (a message starting with `!` or `/`: start it with a space)
/resume (a picker of past sessions) works in the full-screen view (quire on
a terminal that reports the cursor position); here, leave and run
`quire resume ID` or `quire resume last` (the line mode continues it).
Ctrl-C interrupts a running turn, or clears the line; a second Ctrl-C exits.";
