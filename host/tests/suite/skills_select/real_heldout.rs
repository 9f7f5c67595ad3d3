//! The held-out sets over the real skills (`real-fresh*.json`): messages
//! written blind by someone who had not seen the selector, one set per
//! session in a new voice, each with the figures measured when it was
//! written and floors at what the selector reaches now. See
//! [`super::real`] for the skills and the checks.

use super::real::check_heldout;

/// Fresh held-out messages (`real-fresh.json`: 118 messages, 34 with
/// `any` labels, 6 follow-ups, 9 that should select nothing), written in
/// the third session before its tuning, labelled by reading the skills,
/// and not tuned on in that session. Measured before that tuning: 0.83
/// and 0.94, after it 0.85 and 0.94, no false activation. Its misses were
/// development material in the fourth session: 0.89 and 0.98 after it.
const FRESH_RECALL_AT_1_FLOOR: f64 = 0.88;
const FRESH_RECALL_AT_5_FLOOR: f64 = 0.97;

#[test]
fn fresh_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh.json",
        include_str!("real-fresh.json"),
        FRESH_RECALL_AT_1_FLOOR,
        FRESH_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 80, "{} fresh messages", cases.len());
}

/// The fourth session's held-out messages (`real-fresh2.json`: 156
/// messages over 180 skills of all 13 collections, 42 with `any` labels,
/// 8 follow-ups, 12 that should select nothing), written by someone who
/// had not seen the selector, before that session's fixes, labelled by
/// reading the skills. Before that session's fixes: 0.75 and 0.88, with
/// 2 of the 12 messages about nothing activating a skill. The odd-numbered
/// half (second, fourth, …) was then development material, the even half
/// never looked at: after the fixes 0.77 and 0.92 overall, the untouched
/// half 0.75 and 0.86 (0.75 and 0.88 before), no false activation.
const FRESH2_RECALL_AT_1_FLOOR: f64 = 0.76;
const FRESH2_RECALL_AT_5_FLOOR: f64 = 0.91;

#[test]
fn fourth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh2.json",
        include_str!("real-fresh2.json"),
        FRESH2_RECALL_AT_1_FLOOR,
        FRESH2_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} fourth-set messages", cases.len());
}

/// The fifth session's held-out messages (`real-fresh3.json`: 160
/// messages over 136 skills of all 13 collections, 36 with `any` labels,
/// 10 follow-ups, 12 that should select nothing), written blind like the
/// fourth: by someone who read only the skills, not the selector, its
/// figures or the earlier sets. Measured before any change of that
/// session: 0.885 and 0.953, no false activation.
const FRESH3_RECALL_AT_1_FLOOR: f64 = 0.88;
const FRESH3_RECALL_AT_5_FLOOR: f64 = 0.95;

#[test]
fn fifth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh3.json",
        include_str!("real-fresh3.json"),
        FRESH3_RECALL_AT_1_FLOOR,
        FRESH3_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} fifth-set messages", cases.len());
}

/// The sixth session's held-out messages (`real-fresh4.json`: 160
/// messages, 35 with `any` labels, 10 follow-ups, 12 that should select
/// nothing), written blind as the fifth by someone who read only the
/// skills, with skills drawn by a new seed. Measured before any change of
/// that session: 0.858 and 0.973, no false activation. In the eighth
/// session, with expected skills hidden from the model
/// (`disable-model-invocation`) no longer counted: 0.857 and 0.980.
const FRESH4_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH4_RECALL_AT_5_FLOOR: f64 = 0.97;

#[test]
fn sixth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh4.json",
        include_str!("real-fresh4.json"),
        FRESH4_RECALL_AT_1_FLOOR,
        FRESH4_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} sixth-set messages", cases.len());
}

/// The sixth session's second held-out messages (`real-fresh5.json`: 160
/// messages, 35 with `any` labels, 10 follow-ups, 12 that should select
/// nothing), written blind by a second writer with another seed, after
/// that session's changes (which it did not move: the same figures
/// before and after): 0.851 and 0.946, one false activation in 160 (a
/// message that names the expo-ui skill to report on it activates it).
/// In the eighth session, with expected skills hidden from the model
/// (`disable-model-invocation`: git-cleanup, github-triage,
/// firebase-apk-scanner) no longer counted: 0.869 and 0.966.
const FRESH5_RECALL_AT_1_FLOOR: f64 = 0.86;
const FRESH5_RECALL_AT_5_FLOOR: f64 = 0.96;

#[test]
fn seventh_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh5.json",
        include_str!("real-fresh5.json"),
        FRESH5_RECALL_AT_1_FLOOR,
        FRESH5_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} seventh-set messages", cases.len());
}

/// The ninth session's held-out messages (`real-fresh6.json`: 160
/// messages, 35 with `any` labels, 10 follow-ups, 15 that should select
/// nothing), written blind by a writer who read only the skills (not the
/// selector, its code or the earlier sets): 0.890 and 0.979, no false
/// activation, measured before anything of that session was tuned on it.
/// Then development material: 0.910 and 0.986.
const FRESH6_RECALL_AT_1_FLOOR: f64 = 0.90;
const FRESH6_RECALL_AT_5_FLOOR: f64 = 0.98;

#[test]
fn eighth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh6.json",
        include_str!("real-fresh6.json"),
        FRESH6_RECALL_AT_1_FLOOR,
        FRESH6_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} eighth-set messages", cases.len());
}

/// The ninth session's second held-out messages (`real-fresh7.json`: 160
/// messages, 36 with `any` labels, 10 follow-ups, 15 that should select
/// nothing), written blind by a second writer in deliberately varied
/// voices (symptoms without the technology's name, pasted errors) while
/// that session's vocabulary was written: 0.738 and 0.910 before it,
/// 0.752 and 0.910 with it; two false activations in 160. Then
/// development material: 0.779 and 0.952, one false activation.
const FRESH7_RECALL_AT_1_FLOOR: f64 = 0.77;
const FRESH7_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn ninth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh7.json",
        include_str!("real-fresh7.json"),
        FRESH7_RECALL_AT_1_FLOOR,
        FRESH7_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} ninth-set messages", cases.len());
}

/// The tenth session's held-out messages (`real-fresh8.json`: 160
/// messages, 10 with `any` labels, 12 follow-ups, 15 that should select
/// nothing), written blind at that session's start: 0.840 and 0.951
/// before anything was changed, no false activation. Then development
/// material: 0.861 and 0.979.
const FRESH8_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH8_RECALL_AT_5_FLOOR: f64 = 0.97;

#[test]
fn tenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh8.json",
        include_str!("real-fresh8.json"),
        FRESH8_RECALL_AT_1_FLOOR,
        FRESH8_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} tenth-set messages", cases.len());
}

/// The tenth session's second held-out messages (`real-fresh9.json`: 160
/// messages, 13 with `any` labels, 12 follow-ups, 15 that should select
/// nothing; terse and non-native voices, pasted traces, goals instead of
/// techniques), written blind after that session's vocabulary and not
/// tuned on: 0.769 and 0.930, one false activation (0.76 and 0.91 with
/// the code of the session's start).
const FRESH9_RECALL_AT_1_FLOOR: f64 = 0.76;
const FRESH9_RECALL_AT_5_FLOOR: f64 = 0.92;

#[test]
fn eleventh_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh9.json",
        include_str!("real-fresh9.json"),
        FRESH9_RECALL_AT_1_FLOOR,
        FRESH9_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} eleventh-set messages", cases.len());
}

/// The eleventh session's held-out messages (`real-fresh10.json`: 160
/// messages, 12 with `any` labels, 12 follow-ups, 15 that should select
/// nothing; hurried Slack-style voices, symptoms and goals rather than
/// techniques), written blind at that session's start: 0.759 and 0.924.
/// Then development material: 0.814 and 0.959.
const FRESH10_RECALL_AT_1_FLOOR: f64 = 0.80;
const FRESH10_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn twelfth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh10.json",
        include_str!("real-fresh10.json"),
        FRESH10_RECALL_AT_1_FLOOR,
        FRESH10_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} twelfth-set messages", cases.len());
}

/// The eleventh session's second held-out messages (`real-fresh11.json`:
/// 160 messages; polite, wordy questions from data scientists, frontend
/// developers and students), written blind by another writer and not
/// tuned on: 0.821 and 0.966 (0.828 and 0.966 with the code of the
/// session's start).
const FRESH11_RECALL_AT_1_FLOOR: f64 = 0.81;
const FRESH11_RECALL_AT_5_FLOOR: f64 = 0.95;

#[test]
fn thirteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh11.json",
        include_str!("real-fresh11.json"),
        FRESH11_RECALL_AT_1_FLOOR,
        FRESH11_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} thirteenth-set messages",
        cases.len()
    );
}

/// The twelfth session's held-out messages (`real-fresh12.json`: 160
/// messages; terse operations engineers, backend developers and
/// second-language writers, pasted log lines), written blind at that
/// session's start: 0.752 and 0.924 (with all-MiniLM-L6-v2 fused: 0.821
/// and 0.924). Then development material: 0.786 and 0.952.
const FRESH12_RECALL_AT_1_FLOOR: f64 = 0.77;
const FRESH12_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn fourteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh12.json",
        include_str!("real-fresh12.json"),
        FRESH12_RECALL_AT_1_FLOOR,
        FRESH12_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} fourteenth-set messages",
        cases.len()
    );
}

/// The thirteenth session's held-out messages (`real-fresh13.json`: 160
/// messages; tech leads delegating whole tasks with repository context,
/// and one-line corrections mid-session), written blind at that session's
/// start: 0.814 and 0.959, no false activation. Then development
/// material: 0.869 and 0.972.
const FRESH13_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH13_RECALL_AT_5_FLOOR: f64 = 0.96;

#[test]
fn fifteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh13.json",
        include_str!("real-fresh13.json"),
        FRESH13_RECALL_AT_1_FLOOR,
        FRESH13_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} fifteenth-set messages", cases.len());
}

/// The fourteenth session's held-out messages (`real-fresh14.json`: 160
/// messages; developers describing what they see and what they want,
/// newcomers, second-language writers, analysts and designers who code a
/// little), written blind at that session's start: 0.655 and 0.883, no false
/// activation. Then development material: 0.703 and 0.910.
const FRESH14_RECALL_AT_1_FLOOR: f64 = 0.68;
const FRESH14_RECALL_AT_5_FLOOR: f64 = 0.89;

#[test]
fn sixteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh14.json",
        include_str!("real-fresh14.json"),
        FRESH14_RECALL_AT_1_FLOOR,
        FRESH14_RECALL_AT_5_FLOOR,
    );
    assert!(cases.len() >= 150, "{} sixteenth-set messages", cases.len());
}

/// The fifteenth session's held-out messages (`real-fresh15.json`: 160
/// messages; issue titles, review comments, alert texts, and scientists,
/// finance, legal and teaching staff asking in their own field's words),
/// written blind at that session's start: 0.833 and 0.951, no false
/// activation. Then development material: 0.868 and 0.958.
const FRESH15_RECALL_AT_1_FLOOR: f64 = 0.85;
const FRESH15_RECALL_AT_5_FLOOR: f64 = 0.94;

#[test]
fn seventeenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh15.json",
        include_str!("real-fresh15.json"),
        FRESH15_RECALL_AT_1_FLOOR,
        FRESH15_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} seventeenth-set messages",
        cases.len()
    );
}

/// The sixteenth session's held-out messages (`real-fresh16.json`: 160
/// messages; people mid-task in a terminal: context from what they just
/// did, questions before acting, reactions to what they see, deliverables
/// for someone else; hobbyists, agency developers, maintainers, students),
/// written blind at that session's start: 0.594 and 0.832, one false
/// activation. Then ranking by coverage and development material: 0.650
/// and 0.909.
const FRESH16_RECALL_AT_1_FLOOR: f64 = 0.63;
const FRESH16_RECALL_AT_5_FLOOR: f64 = 0.89;

#[test]
fn eighteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh16.json",
        include_str!("real-fresh16.json"),
        FRESH16_RECALL_AT_1_FLOOR,
        FRESH16_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} eighteenth-set messages",
        cases.len()
    );
}

/// The twenty-first session's held-out messages (`real-fresh17.json`: 160
/// messages, 18 with `any` labels, 10 follow-ups, 12 that should select
/// nothing; developers writing in a team chat or a ticket comment: terse,
/// abbreviations, pasted errors and file names, a quarter by non-native
/// speakers), written blind at that session's start: 0.84 and 0.94 here
/// (`quire skills eval` over the 13 folders: 0.831 and 0.939), no
/// false activation. Not tuned on.
const FRESH17_RECALL_AT_1_FLOOR: f64 = 0.83;
const FRESH17_RECALL_AT_5_FLOOR: f64 = 0.93;

#[test]
fn nineteenth_heldout_real_skills_recall_and_false_activation_floors() {
    let cases = check_heldout(
        "real-fresh17.json",
        include_str!("real-fresh17.json"),
        FRESH17_RECALL_AT_1_FLOOR,
        FRESH17_RECALL_AT_5_FLOOR,
    );
    assert!(
        cases.len() >= 150,
        "{} nineteenth-set messages",
        cases.len()
    );
}
