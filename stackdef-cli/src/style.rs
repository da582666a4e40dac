//! Colours (ANSI), off under `NO_COLOR`, `--no-color`, or when the stream is not a terminal.

/// Whether and how to colour text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Emit ANSI colour codes.
    pub color: bool,
}

impl Style {
    /// Colours when `NO_COLOR` is unset (or empty), `no_color` is false and `tty` is true.
    pub fn detect(no_color: bool, tty: bool) -> Style {
        let env_off = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            color: tty && !no_color && !env_off,
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Green.
    pub fn green(self, t: &str) -> String {
        self.paint("32", t)
    }
    /// Red.
    pub fn red(self, t: &str) -> String {
        self.paint("31", t)
    }
    /// Yellow.
    pub fn yellow(self, t: &str) -> String {
        self.paint("33", t)
    }
    /// Bold.
    pub fn bold(self, t: &str) -> String {
        self.paint("1", t)
    }
    /// Dim.
    pub fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }

    /// A stack or resource status coloured by outcome.
    pub fn status(self, status: &str) -> String {
        self.status_padded(status, 0)
    }

    /// [`Style::status`], padded to `width` columns (padding outside the colour codes).
    pub fn status_padded(self, status: &str, width: usize) -> String {
        let text = format!("{status:<width$}");
        if status.contains("FAILED") || status.contains("ROLLBACK") {
            self.red(&text)
        } else if status.ends_with("_COMPLETE") || status == "NO_CHANGES" {
            self.green(&text)
        } else {
            self.yellow(&text)
        }
    }
}
