//! The log on stderr (`QUIRE_LOG`): coloured only on a terminal without
//! `NO_COLOR`, a filter that does not parse said once, and the values put
//! into an MCP server's settings hidden.

use std::io::{IsTerminal, Write};

/// What is logged when `QUIRE_LOG` is unset, empty or not understood.
const DEFAULT_FILTER: &str = "error,rmcp=off";

pub(super) fn init() {
    let filter = match std::env::var("QUIRE_LOG") {
        Ok(v) if !v.trim().is_empty() => match tracing_subscriber::EnvFilter::try_new(&v) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{}", not_understood(&v, &e.to_string()));
                tracing_subscriber::EnvFilter::new(DEFAULT_FILTER)
            }
        },
        // Not Unicode: not understood either.
        Err(std::env::VarError::NotUnicode(v)) => {
            eprintln!(
                "{}",
                not_understood(&v.to_string_lossy(), "not valid UTF-8")
            );
            tracing_subscriber::EnvFilter::new(DEFAULT_FILTER)
        }
        _ => tracing_subscriber::EnvFilter::new(DEFAULT_FILTER),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(|| LogWriter)
        .with_target(false)
        .with_ansi(coloured())
        .try_init();
}

/// Colour only a terminal, and not under `NO_COLOR` (set and not empty).
fn coloured() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The warning for a `QUIRE_LOG` value the filter parser refused.
fn not_understood(value: &str, reason: &str) -> String {
    format!(
        "warning: QUIRE_LOG={value:?} is not understood ({reason}); only errors are logged, as without it. Write a level (QUIRE_LOG=debug) or comma-separated TARGET=LEVEL pairs (QUIRE_LOG=warn,quire=debug)"
    )
}

/// stderr for the log, with the values `${VAR}` put into an MCP server's
/// settings hidden (rmcp and reqwest log the URL they connect to).
struct LogWriter;

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut err = std::io::stderr().lock();
        if quire::mcp::env_refs::anything_hidden() {
            let line = quire::mcp::env_refs::hide_in_log(&String::from_utf8_lossy(buf));
            err.write_all(line.as_bytes())?;
        } else {
            err.write_all(buf)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_warning_names_the_value_and_what_is_used() {
        let w = not_understood("garbage[[[", "invalid filter directive");
        assert!(
            w.starts_with("warning: QUIRE_LOG=\"garbage[[[\" is not understood (invalid filter directive); only errors are logged"),
            "{w}"
        );
    }
}
