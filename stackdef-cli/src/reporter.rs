//! Live output on stderr: one line per resource state change, a progress bar per stack on
//! a terminal, elapsed times; and the yes/no prompts.

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;
use std::time::Duration;

use std::sync::mpsc::RecvTimeoutError;

use super::format::plan_text;
use super::style::Style;
use stackdef_deploy::analysis::plan::RequireApproval;
use stackdef_deploy::{Confirm, Interrupt, Progress, Reporter};

/// Renders engine progress on stderr and asks on the terminal.
#[derive(Debug)]
pub struct TerminalReporter {
    style: Style,
    /// Redraw a progress bar under the event lines (stderr is a terminal).
    bar: bool,
    /// Standard input is a terminal: questions can be asked.
    interactive: bool,
    /// `--yes` was given: the explicit approval.
    yes: bool,
    /// Which deploys need approval.
    approval: RequireApproval,
    /// Set by Ctrl-C: a pending question is abandoned.
    interrupt: Interrupt,
    lock: Mutex<bool>,
}

impl TerminalReporter {
    /// A reporter; `yes` is the explicit `--yes`, `approval` the deploy approval level.
    pub fn new(style: Style, yes: bool, approval: RequireApproval, interrupt: Interrupt) -> Self {
        TerminalReporter {
            style,
            bar: std::io::stderr().is_terminal(),
            interactive: std::io::stdin().is_terminal(),
            yes,
            approval,
            interrupt,
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

    /// Asks `prompt` on the terminal: what was typed before the question is discarded, and
    /// Ctrl-C abandons the question at once (the answer is then "no" and the engine, seeing
    /// the interrupt, reports the stack as interrupted).
    fn ask(&self, bar_visible: &mut bool, prompt: &str) -> bool {
        discard_type_ahead();
        {
            let mut err = std::io::stderr().lock();
            if *bar_visible {
                let _ = write!(err, "\r\x1b[2K");
                *bar_visible = false;
            }
            let _ = write!(err, "{prompt} [y/N] ");
            let _ = err.flush();
        }
        let (tx, rx) = std::sync::mpsc::channel();
        // The read blocks until Enter; it runs aside so that Ctrl-C need not wait for it.
        std::thread::spawn(move || {
            let mut answer = String::new();
            let read = std::io::stdin().lock().read_line(&mut answer);
            let _ = tx.send(read.map(|_| answer));
        });
        loop {
            if self.interrupt.is_set() {
                self.write(bar_visible, "");
                return false;
            }
            match rx.recv_timeout(Duration::from_millis(50)) {
                Ok(Ok(answer)) => {
                    return matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes");
                }
                Ok(Err(_)) | Err(RecvTimeoutError::Disconnected) => return false,
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

/// Drops whatever was typed before a question (a stray "y" must not answer it).
#[cfg(unix)]
fn discard_type_ahead() {
    let _ = nix::sys::termios::tcflush(std::io::stdin(), nix::sys::termios::FlushArg::TCIFLUSH);
}

#[cfg(not(unix))]
fn discard_type_ahead() {}

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
            Progress::Waiting {
                stack,
                in_progress,
                quiet,
                elapsed: e,
            } => {
                let what = if in_progress.is_empty() {
                    "CloudFormation has not started any resource yet".to_owned()
                } else {
                    format!("still in progress: {}", in_progress.join(", "))
                };
                self.write(
                    &mut visible,
                    &format!(
                        "{}: no news for {}s; {what} {}",
                        st.bold(stack),
                        quiet.as_secs(),
                        st.dim(&format!("[{}]", elapsed(e)))
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
        match question {
            Confirm::Deploy { plan } => {
                if self.yes || !plan.needs_approval(self.approval) {
                    return true;
                }
                if !self.interactive {
                    let why = match self.approval {
                        RequireApproval::Broadening => {
                            "the change broadens access (the security changes marked + above)"
                        }
                        _ => "--require-approval any-change asks before any change",
                    };
                    self.write(
                        &mut visible,
                        &format!(
                            "{} {why}, and standard input is not a terminal to ask; pass --yes to approve it (or --require-approval never)",
                            st.yellow(&format!("Not deploying {} without approval:", plan.stack))
                        ),
                    );
                    return false;
                }
                self.ask(
                    &mut visible,
                    &format!("Deploy these changes to {}?", plan.stack),
                )
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
                    text.push_str(&format!("\nDestroy {stack} and delete this data?"));
                }
                if self.yes {
                    self.write(&mut visible, text.lines().next().unwrap_or_default());
                    return true;
                }
                if !self.interactive {
                    let shown = text.rsplit_once('\n').map_or("", |(head, _)| head);
                    if !shown.is_empty() {
                        self.write(&mut visible, shown);
                    }
                    self.write(
                        &mut visible,
                        &format!("Not destroying {stack} without confirmation: standard input is not a terminal; pass --yes to confirm."),
                    );
                    return false;
                }
                self.ask(&mut visible, &text)
            }
            // A question this CLI does not know: not a yes.
            _ => false,
        }
    }
}
