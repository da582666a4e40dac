//! Interruption (Ctrl-C): stop following and starting stacks, leave AWS running.

use tokio::sync::watch;

/// The sending side: call [`InterruptHandle::interrupt`] (e.g. from a Ctrl-C handler).
#[derive(Debug, Clone)]
pub struct InterruptHandle(std::sync::Arc<watch::Sender<bool>>);

/// The receiving side, held by the engine.
#[derive(Debug, Clone)]
pub struct Interrupt(watch::Receiver<bool>);

/// A connected handle and receiver.
pub fn interrupt_pair() -> (InterruptHandle, Interrupt) {
    let (tx, rx) = watch::channel(false);
    (InterruptHandle(std::sync::Arc::new(tx)), Interrupt(rx))
}

impl InterruptHandle {
    /// Asks the engine to stop following (operations already started in AWS go on).
    pub fn interrupt(&self) {
        self.0.send_replace(true);
    }
}

impl Interrupt {
    /// An interrupt that never fires.
    pub fn never() -> Self {
        let (tx, rx) = watch::channel(false);
        // Keep the channel open for the life of the program.
        std::mem::forget(tx);
        Interrupt(rx)
    }

    /// Whether an interrupt was requested.
    pub fn is_set(&self) -> bool {
        *self.0.borrow()
    }

    /// Resolves when an interrupt is requested.
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        // An error means the sender is gone: no interrupt can come any more.
        if rx.wait_for(|v| *v).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
