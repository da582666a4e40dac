//! Live output on stderr: one line per resource state change, a progress bar per stack on
//! a terminal, elapsed times; and the yes/no prompts.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use super::format::plan_text;
use super::style::Style;
use stackdef_deploy::{Confirm, Progress, Reporter};

/// Renders engine progress on stderr and asks on the terminal.
#[derive(Debug)]
pub struct TerminalReporter {
    style: Style,
    /// Redraw a progress bar under the event lines (stderr is a terminal).
    bar: bool,
    /// `--yes`, or standard input is not a terminal.
    assume_yes: bool,
    /// `--yes` was given explicitly.
    explicit_yes: bool,
    lock: Mutex<bool>,
}

impl TerminalReporter {
    /// A reporter; `yes` is the explicit `--yes`.
    pub fn new(style: Style, yes: bool) -> Self {
        TerminalReporter {
            style,
            bar: std::io::stderr().is_terminal(),
            assume_yes: yes || !std::io::stdin().is_terminal(),
            explicit_yes: yes,
            lock: Mutex::new(false),
        }
    }

    fn write(&self, bar_visible: &mut bool, text: &str) {
        let mut err = std::io::stderr().lock();
        if *bar_visible {
            let _ = write!(err, "\r\x1b[2K");
            *bar_visible = false;
        }
        let _ = writeln!(err, "{text}");
    }
}

fn elapsed(d: Duration) -> String {
    let s = d.as_secs();
    format!("{}:{:02}", s / 60, s % 60)
}

fn bar(done: usize, total: usize) -> String {
    let width = 24;
    let filled = (done * width).checked_div(total).unwrap_or(0).min(width);
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

impl Reporter for TerminalReporter {
    fn progress(&self, event: Progress<'_>) {
        let st = self.style;
        let mut visible = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Progress::StackStarted { stack, region } => {
                self.write(
                    &mut visible,
                    &format!("{} {}", st.bold(stack), st.dim(&format!("({region})"))),
                );
            }
            Progress::Step { stack, message } => {
                self.write(
                    &mut visible,
                    &format!("{}: {}", st.bold(stack), st.dim(message)),
                );
            }
            Progress::Planned { plan } => {
                self.write(&mut visible, plan_text(st, plan).trim_end());
            }
            Progress::Event {
                stack,
                event,
                done,
                total,
                elapsed: e,
            } => {
                let time = event.timestamp.get(11..19).unwrap_or(&event.timestamp);
                let what = match &event.construct_path {
                    Some(p) => format!("{p} {}", st.dim(&format!("({})", event.logical_id))),
                    None => event.logical_id.clone(),
                };
                let mut line = format!(
                    "{} | {time} | {} | {:<32} | {what}",
                    st.bold(stack),
                    st.status_padded(&event.status, 28),
                    event.type_name
                );
                if !self.bar {
                    line.push_str(&format!(
                        " {}",
                        st.dim(&format!("[{done}/{total} {}]", elapsed(e)))
                    ));
                }
                if let Some(r) = &event.reason
                    && (event.status.ends_with("_FAILED") || event.status.contains("ROLLBACK"))
                {
                    line.push_str(&format!("\n    {}", st.red(r)));
                }
                self.write(&mut visible, &line);
                if self.bar {
                    let mut err = std::io::stderr().lock();
                    let _ = write!(
                        err,
                        "{} {} {done}/{total}  {}",
                        st.bold(stack),
                        bar(done, total),
                        elapsed(e)
                    );
                    let _ = err.flush();
                    *visible = true;
                }
            }
            Progress::StackFinished {
                stack,
                status,
                elapsed: e,
            } => {
                self.write(
                    &mut visible,
                    &format!(
                        "{}: {} {}",
                        st.bold(stack),
                        st.status(status),
                        st.dim(&format!("({:.1}s)", e.as_secs_f64()))
                    ),
                );
            }
            // Progress this CLI does not know yet: nothing to show.
            _ => {}
        }
    }

    fn confirm(&self, question: Confirm<'_>) -> bool {
        let st = self.style;
        let mut visible = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        let prompt = match question {
            Confirm::Deploy { plan } => {
                if self.assume_yes {
                    return true;
                }
                format!("Deploy these changes to {}?", plan.stack)
            }
            Confirm::Destroy {
                stack,
                resources,
                stateful,
            } => {
                let mut text = format!("Destroy stack {stack} ({resources} resources)?");
                if !stateful.is_empty() {
                    text = format!(
                        "{} These resources hold data and will be deleted with it (DeletionPolicy: Delete):",
                        st.yellow(&format!("Stack {stack} holds data."))
                    );
                    for (id, t, path) in stateful {
                        text.push_str(&format!(
                            "\n  - {} ({id}, {t})",
                            path.as_deref().unwrap_or(id)
                        ));
                    }
                    if self.assume_yes && !self.explicit_yes {
                        self.write(
                            &mut visible,
                            &format!("{text}\nNot deleting without confirmation: standard input is not a terminal; pass --yes to confirm."),
                        );
                        return false;
                    }
                    text.push_str(&format!("\nDestroy {stack} and delete this data?"));
                }
                if self.assume_yes {
                    self.write(&mut visible, text.lines().next().unwrap_or_default());
                    return true;
                }
                text
            }
            // A question this CLI does not know: not a yes.
            _ => return false,
        };
        let mut err = std::io::stderr().lock();
        if *visible {
            let _ = write!(err, "\r\x1b[2K");
            *visible = false;
        }
        let _ = write!(err, "{prompt} [y/N] ");
        let _ = err.flush();
        let mut answer = String::new();
        if std::io::stdin().lock().read_line(&mut answer).is_err() {
            return false;
        }
        matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
    }
}
