//! The background runtime: a small tokio runtime on named threads. The UI
//! hands it futures; results come back by channel and wake the UI.

use std::future::Future;

/// Owns the tokio runtime that all network work runs on.
pub struct NetRuntime {
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for NetRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NetRuntime")
    }
}

impl NetRuntime {
    /// Two worker threads named `tokenscope-net`: enough for a handful of
    /// concurrent requests on a 2-core machine.
    pub fn new() -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("tokenscope-net")
            .enable_all()
            .build()?;
        Ok(Self { runtime })
    }

    /// Runs `future` in the background; abort it with the returned handle.
    pub fn spawn<F>(&self, future: F) -> tokio::task::JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.runtime.spawn(future)
    }

    /// A handle for work that must run on this runtime from elsewhere (the sandbox server).
    pub fn handle(&self) -> tokio::runtime::Handle {
        self.runtime.handle().clone()
    }

    /// Runs `future` to completion on this thread (headless commands).
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}
