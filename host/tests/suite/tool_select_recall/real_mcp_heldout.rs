//! The held-out sets of real MCP tool messages (`fixtures/mcp-tools/`
//! `heldout.toml`, `fresh*.toml`), each written blind before the session
//! that measured it: their floors, with what each gave blind and after,
//! and the check every set goes through. The corpus, the tuning set and
//! the measure are in [`super::real_mcp`].

use std::collections::BTreeSet;

use super::real_mcp::*;

/// Held-out messages (`heldout.toml`), written before the tuning for issue
/// 18 (its misses were development material in the third session): 0.956
/// (65 of 68) at 17.7 KB median (0.897 at 23.9 KB before any tuning);
/// 0.985 after the fourth session.
const HELDOUT_SENT_FLOOR: f64 = 0.98;
/// Fresh held-out messages (`fresh.toml`, 58 with 4 follow-ups), written
/// in the third session before its tuning and never tuned on. Measured
/// before that tuning: 0.845 (49 of 58) at 18.7 KB median; after it the
/// same 0.845 at 19.5 KB. Development material in the fourth session:
/// 0.948 (55 of 58) at 19.8 KB after it.
const FRESH_SENT_FLOOR: f64 = 0.94;
/// The fourth session's held-out messages (`fresh2.toml`, 86 over all 11
/// servers, 6 follow-ups), written by someone who had not seen the
/// selector, before that session's fixes: 0.802 (69 of 86) at 18.5 KB
/// median. The odd-numbered half was then development material: 0.872
/// (75 of 86) at 18.5 KB after the fixes; the untouched even half 0.814
/// (35 of 43) before, 0.860 (37 of 43) after. Development material in
/// the ninth session (its misses led to vocabulary): 0.884 (76 of 86).
const FRESH2_SENT_FLOOR: f64 = 0.88;
/// The fifth session's held-out messages (`fresh3.toml`, 90 over all 11
/// servers, 6 follow-ups), written blind like the fourth (by someone who
/// read only the servers' tool lists, not the selector or earlier sets),
/// measured before any change of that session: 0.856 (77 of 90) at
/// 21.3 KB median (MCP part 11.7 KB). Its median is over the issue's
/// 20 KB target (more of its messages rank several large schemas, the
/// GitHub and Notion ones, as clear matches). Development material in
/// the ninth session: 0.922 (83 of 90) at 20.6 KB; in the tenth, with
/// "sure" tools at 0.45 of the best instead of 0.4, 0.922 at 19.9 KB,
/// under the target.
const FRESH3_SENT_FLOOR: f64 = 0.91;
const FRESH3_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The sixth session's held-out messages (`fresh4.toml`, 90 over all 11
/// servers, 6 follow-ups), written blind as the fifth, measured before
/// anything was changed: 0.844 (76 of 90) at 21.0 KB median (MCP part
/// 11.5 KB), the fifth set's figures again. Development material in the
/// ninth session: 0.922 (83 of 90) at 20.3 KB; 0.922 at 19.8 KB in the
/// tenth.
const FRESH4_SENT_FLOOR: f64 = 0.91;
const FRESH4_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The sixth session's second held-out messages (`fresh5.toml`, 90 over
/// all 11 servers, 6 follow-ups), written blind by a second writer after
/// that session's changes, which did not move it: 0.900 (81 of 90) at
/// 19.3 KB median (MCP part 9.8 KB). Development material in the ninth
/// session: 0.933 (84 of 90) at 19.4 KB.
const FRESH5_SENT_FLOOR: f64 = 0.92;
const FRESH5_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The ninth session's held-out messages (`fresh6.toml`, 90 over all 11
/// servers, 8 follow-ups), written blind like the fifth to seventh.
/// Measured before that session's changes: 0.844 (76 of 90) at 18.4 KB
/// median; with its vocabulary (written before the set was read, from the
/// earlier sets' misses) 0.867 (78 of 90) at 18.4 KB. Then development
/// material: 0.911 (82 of 90) at 19.0 KB.
const FRESH6_SENT_FLOOR: f64 = 0.90;
const FRESH6_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The ninth session's second held-out messages (`fresh7.toml`, 90 over
/// all 11 servers, 8 follow-ups), written blind by a second writer in
/// varied voices while that session's vocabulary was written (from the
/// earlier sets' misses, without reading this set): 0.822 (74 of 90) at
/// 19.6 KB median before it, 0.867 (78 of 90) at 19.2 KB with it. Then
/// development material: 0.900 (81 of 90) at 19.2 KB.
const FRESH7_SENT_FLOOR: f64 = 0.89;
const FRESH7_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The tenth session's held-out messages (`fresh8.toml`, 90 over all 11
/// servers, 8 follow-ups), written blind at that session's start and
/// measured before anything was changed: 0.900 (81 of 90) at 21.0 KB
/// median (MCP part 11.5 KB). Then development material: 0.956 (86 of
/// 90) at 19.9 KB, with the ranked tools' budget at 10 KiB and "sure"
/// tools at 0.45 of the best (were 8 KiB and 0.4).
const FRESH8_SENT_FLOOR: f64 = 0.94;
const FRESH8_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The tenth session's second held-out messages (`fresh9.toml`, 90 over
/// all 11 servers, 8 follow-ups, terse and non-native voices), written
/// blind after that session's vocabulary and measured on it: 0.833 (75
/// of 90) at 18.7 KB with the ranked tools' budget at 9 KiB, 0.856 (77)
/// at 19.7 KB with 10 KiB (kept); the code of the session's start sent
/// 0.856 at 19.8 KB.
const FRESH9_SENT_FLOOR: f64 = 0.84;
const FRESH9_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The eleventh session's held-out messages (`fresh10.toml`, 90 over all
/// 11 servers, 8 follow-ups, hurried Slack-style voices), written blind at
/// that session's start and measured before anything was changed: 0.933
/// (84 of 90) at 19.8 KB median. Then development material: 0.967 (87)
/// at 19.8 KB.
const FRESH10_SENT_FLOOR: f64 = 0.95;
const FRESH10_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The eleventh session's second held-out messages (`fresh11.toml`, 90
/// over all 11 servers, polite questions from data scientists, frontend
/// developers and students), written blind and not tuned on: 0.933 (84
/// of 90) at 19.7 KB median; the code of the session's start sent 0.922
/// (83) at 19.7 KB.
const FRESH11_SENT_FLOOR: f64 = 0.92;
const FRESH11_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The twelfth session's held-out messages (`fresh12.toml`, 90 over all
/// 11 servers, terse operations engineers and second-language writers),
/// written blind at that session's start: 0.922 (83 of 90) at 19.8 KB
/// median. Then development material: 0.967 (87) at 19.8 KB.
const FRESH12_SENT_FLOOR: f64 = 0.95;
const FRESH12_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The thirteenth session's held-out messages (`fresh13.toml`, 90 over all
/// 11 servers, tech leads delegating whole tasks with repository context,
/// and one-line corrections), written blind at that session's start:
/// 0.967 (87 of 90) at 19.8 KB median. Then development material: 0.989
/// (89).
const FRESH13_SENT_FLOOR: f64 = 0.97;
const FRESH13_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The fourteenth session's held-out messages (`fresh14.toml`, 90 over all
/// 11 servers; developers describing symptoms and outcomes, newcomers,
/// second-language writers, analysts who code a little), written blind at
/// that session's start: 0.911 (82 of 90) at 19.7 KB median. Then
/// development material: 0.967 (87).
const FRESH14_SENT_FLOOR: f64 = 0.95;
const FRESH14_MEDIAN_BYTES_CEILING: usize = 20 * 1024;
/// The fifteenth session's held-out messages (`fresh15.toml`, 90 over all
/// 11 servers; issue titles, review comments, alert texts, and people whose
/// job is not mainly code), written blind at that session's start: 0.967
/// (87 of 90) at 19.7 KB median.
const FRESH15_SENT_FLOOR: f64 = 0.95;
const FRESH15_MEDIAN_BYTES_CEILING: usize = 20 * 1024;

/// The sixteenth session's held-out messages (`fresh16.toml`, 90 over all
/// 11 servers; people mid-task in a terminal: context from what they just
/// did, questions before acting, reactions to what they see, deliverables
/// for someone else), written blind at that session's start: 0.933 (84 of
/// 90) at 19.8 KB median. Then development material: 0.944 (85).
const FRESH16_SENT_FLOOR: f64 = 0.93;
const FRESH16_MEDIAN_BYTES_CEILING: usize = 20 * 1024;

#[test]
fn eighteenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh16.toml",
        &fresh16_cases(),
        85,
        FRESH16_SENT_FLOOR,
        FRESH16_MEDIAN_BYTES_CEILING,
    );
}

/// The twenty-first session's held-out messages (`fresh17.toml`, 90 over
/// 11 servers; team-chat and ticket-comment voice, terse, abbreviations,
/// pasted errors and file names, a quarter by non-native speakers),
/// written blind at that session's start: 0.944 (85 of 90) at 19.9 KB
/// median (20,359 B). The twenty-second session took vocabulary from its
/// misses (`mv`, "whats in", "dump it", "where are all", a change
/// "without re-applying" the yaml is a patch): 0.989 (89 of 90), no
/// longer a held-out figure.
const FRESH17_SENT_FLOOR: f64 = 0.98;
const FRESH17_MEDIAN_BYTES_CEILING: usize = 20 * 1024;

#[test]
fn nineteenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh17.toml",
        &fresh17_cases(),
        85,
        FRESH17_SENT_FLOOR,
        FRESH17_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "heldout.toml",
        &heldout_cases(),
        60,
        HELDOUT_SENT_FLOOR,
        MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn fresh_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh.toml",
        &fresh_cases(),
        50,
        FRESH_SENT_FLOOR,
        MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn fourth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh2.toml",
        &fresh2_cases(),
        80,
        FRESH2_SENT_FLOOR,
        MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn fifth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh3.toml",
        &fresh3_cases(),
        85,
        FRESH3_SENT_FLOOR,
        FRESH3_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn sixth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh4.toml",
        &fresh4_cases(),
        85,
        FRESH4_SENT_FLOOR,
        FRESH4_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn seventh_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh5.toml",
        &fresh5_cases(),
        85,
        FRESH5_SENT_FLOOR,
        FRESH5_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn eighth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh6.toml",
        &fresh6_cases(),
        85,
        FRESH6_SENT_FLOOR,
        FRESH6_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn ninth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh7.toml",
        &fresh7_cases(),
        85,
        FRESH7_SENT_FLOOR,
        FRESH7_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn tenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh8.toml",
        &fresh8_cases(),
        85,
        FRESH8_SENT_FLOOR,
        FRESH8_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn twelfth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh10.toml",
        &fresh10_cases(),
        85,
        FRESH10_SENT_FLOOR,
        FRESH10_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn thirteenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh11.toml",
        &fresh11_cases(),
        85,
        FRESH11_SENT_FLOOR,
        FRESH11_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn fourteenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh12.toml",
        &fresh12_cases(),
        85,
        FRESH12_SENT_FLOOR,
        FRESH12_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn fifteenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh13.toml",
        &fresh13_cases(),
        85,
        FRESH13_SENT_FLOOR,
        FRESH13_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn sixteenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh14.toml",
        &fresh14_cases(),
        85,
        FRESH14_SENT_FLOOR,
        FRESH14_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn seventeenth_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh15.toml",
        &fresh15_cases(),
        85,
        FRESH15_SENT_FLOOR,
        FRESH15_MEDIAN_BYTES_CEILING,
    );
}

#[test]
fn eleventh_heldout_the_needed_real_tool_is_sent_and_requests_stay_small() {
    check_heldout(
        "fresh9.toml",
        &fresh9_cases(),
        85,
        FRESH9_SENT_FLOOR,
        FRESH9_MEDIAN_BYTES_CEILING,
    );
}

/// Checks a held-out set's size and labels, then its floor and the median
/// bytes per request against `ceiling`.
fn check_heldout(file: &str, cases: &[Case], at_least: usize, floor: f64, ceiling: usize) {
    assert!(
        cases.len() >= at_least,
        "{} messages in {file}",
        cases.len()
    );
    let names: BTreeSet<String> = real_tools().into_iter().map(|t| t.name).collect();
    for c in cases {
        for e in &c.expect {
            assert!(
                names.contains(e),
                "{file}: {:?} expects unknown {e}",
                c.text
            );
        }
    }
    let m = measure(cases);
    assert!(
        m.share >= floor,
        "{file}: needed tool sent {:.3} < {floor}:\n{}",
        m.share,
        m.misses.join("\n")
    );
    assert!(
        m.median <= ceiling,
        "{file}: median tool bytes per request {} > {ceiling}",
        m.median
    );
}
