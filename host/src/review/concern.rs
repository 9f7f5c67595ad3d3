//! What each concern asks a deep pass to look for, and the role prompt of
//! the subagent that reviews it. A concern of `[review] concerns` not
//! listed here gets a generic role built from its name.

/// The checklist of one concern.
pub fn guidance(concern: &str) -> String {
    let known = match concern {
        "correctness" => {
            "Logic errors, wrong conditions and off-by-one mistakes, unhandled errors and edge cases (empty, zero, missing, huge), wrong results, behaviour that contradicts the surrounding code."
        }
        "security" => {
            "Injection (SQL, shell, paths), missing authorisation or validation of untrusted input, secrets in code or logs, unsafe deserialisation, path traversal, weakened checks."
        }
        "concurrency" => {
            "Data races, locks held across await points or I/O, lock ordering and deadlocks, check-then-act races, unbounded spawning, cancellation that leaves state half-done."
        }
        "tests" => {
            "Changed behaviour without a test, tests that cannot fail or assert nothing that matters, tests that depend on timing or the network, removed assertions."
        }
        "api" => {
            "Breaking changes to public functions, types, flags, file formats or wire formats; missing documentation or migration of callers; inconsistent naming with the rest of the API."
        }
        _ => "",
    };
    if known.is_empty() {
        format!("Problems of the kind \"{concern}\" as the team means it.")
    } else {
        known.to_string()
    }
}

/// The subagent's name for a concern: `review-security`.
pub fn agent_name(concern: &str) -> String {
    let word: String = concern
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("review-{word}")
}

/// The role prompt of the subagent that reviews `concern` (its system
/// prompt, the same for every request it makes).
pub fn role(concern: &str) -> String {
    format!(
        "You review one area of a change for {concern} problems only; other reviewers cover the other concerns. Look for: {} You can read the repository but not change it. Answer with JSON only, in the shape the task asks for.",
        guidance(concern)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_concern_has_its_own_checklist() {
        for c in super::super::config::DEFAULT_CONCERNS {
            assert!(!guidance(c).contains("as the team means it"), "{c}");
        }
        assert!(guidance("i18n").contains("i18n"));
        assert_eq!(agent_name("api design"), "review-api-design");
    }
}
