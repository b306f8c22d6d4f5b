//! The server's accept loop (hyper, not `axum::serve`, which exposes no timeouts): at most
//! `max_connections` at once, each with hyper's header-read timeout, which closes a
//! connection whose request headers (or, kept alive, whose next request) do not arrive in
//! time, so half-sent requests cannot hold the server's connections.

use std::collections::HashMap;
use std::io;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use super::limits::client_network;
use super::{PeerAddr, ServeOptions};

/// Connections open per client network.
#[derive(Default)]
struct OpenConnections(Mutex<HashMap<IpAddr, usize>>);

impl OpenConnections {
    /// Counts one more for `ip` unless it already has `max`.
    fn open(&self, ip: IpAddr, max: usize) -> bool {
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let n = open.entry(ip).or_default();
        if *n >= max {
            return false;
        }
        *n += 1;
        true
    }

    fn close(&self, ip: IpAddr) {
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = open.get_mut(&ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&ip);
            }
        }
    }
}

/// One connection of a client network, counted while it is open.
struct Counted {
    open: Arc<OpenConnections>,
    client: IpAddr,
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.open.close(self.client);
    }
}

/// A client's socket with its count. Fields drop in order: the count is released before
/// the socket closes, so a client that has seen the server close a connection may open
/// another at once.
struct CountedStream {
    _counted: Counted,
    stream: TcpStream,
}

impl AsyncRead for CountedStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[io::IoSlice<'_>]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

pub async fn run(listener: tokio::net::TcpListener, routes: Router, options: &ServeOptions) -> anyhow::Result<()> {
    let slots = Arc::new(Semaphore::new(options.max_connections.max(1)));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(options.header_timeout).max_buf_size(64 * 1024);
    let http = Arc::new(http);
    let per_client = Arc::new(OpenConnections::default());
    let max_per_client = options.max_connections_per_address.max(1);
    let stop = tokio::signal::ctrl_c();
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = &mut stop => return Ok(()),
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a moment rather than spin.
                Err(e) => {
                    eprintln!("warning: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stop => return Ok(()),
        };
        let client = client_network(peer.ip());
        if !per_client.open(client, max_per_client) {
            // One client may not take every connection: this one is closed at once.
            drop(stream);
            continue;
        }
        let _ = stream.set_nodelay(true);
        let stream = CountedStream { _counted: Counted { open: per_client.clone(), client }, stream };
        let routes = routes.clone();
        let http = http.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(PeerAddr(peer));
                routes.clone().oneshot(request)
            });
            // A connection that times out or breaks off only ends itself.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
            drop(slot);
        });
    }
}
