//! A test hook, only in debug builds: with `QUIRE_TEST_PATCH_PAUSE=DIR`
//! the commit can be held at named points (`put-N`: before the Nth file
//! takes its place; `done`: after the last). A point is held when `DIR/hold-POINT` exists:
//! quire writes `DIR/at-POINT` (holding its process id) and waits until
//! `DIR/go-POINT` exists or the patch is stopped. End-to-end tests stop
//! quire at an exact point of a write this way, without timing.

#[cfg(debug_assertions)]
pub fn at(point: &str, stop: &dyn Fn() -> bool) {
    let Some(dir) = std::env::var_os("QUIRE_TEST_PATCH_PAUSE") else {
        return;
    };
    let dir = std::path::PathBuf::from(dir);
    if !dir.join(format!("hold-{point}")).exists() {
        return;
    }
    let pid = std::process::id().to_string();
    if let Err(e) = std::fs::write(dir.join(format!("at-{point}")), pid) {
        tracing::warn!(error = %e, "QUIRE_TEST_PATCH_PAUSE: cannot write the marker");
        return;
    }
    let go = dir.join(format!("go-{point}"));
    while !go.exists() && !stop() {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[cfg(not(debug_assertions))]
pub fn at(_: &str, _: &dyn Fn() -> bool) {}
