//! Binding the backend's listeners. The defaults are `[::]`, as flytekit's connector listens:
//! one socket for IPv6 and IPv4 (IPv4 clients arrive as IPv4-mapped addresses), so a cluster
//! whose pods or Services are IPv6-only, dual-stack or IPv4-only all reach it.

use std::io;
use std::net::{Ipv4Addr, SocketAddr};

use socket2::{Domain, Protocol, Socket, Type};
use tokio::net::TcpListener;

/// Pending connections the kernel queues before the server accepts them (tokio's own default).
const BACKLOG: i32 = 1024;

/// Binds `addr`. An unspecified IPv6 address (`[::]`) is bound dual-stack explicitly, whatever
/// the host's `net.ipv6.bindv6only` says; on a host without IPv6 it falls back to `0.0.0.0` on the
/// same port, so the default works there too. Any other address is bound as given.
pub async fn bind(addr: SocketAddr) -> io::Result<TcpListener> {
    if !(addr.is_ipv6() && addr.ip().is_unspecified()) {
        return TcpListener::bind(addr).await;
    }
    match bind_dual_stack(addr) {
        Ok(listener) => Ok(listener),
        // No IPv6 in this kernel or network namespace: serve IPv4 rather than nothing.
        Err(Unavailable(e)) => {
            let v4 = SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), addr.port());
            tracing::warn!(%addr, fallback = %v4, error = %e, "IPv6 is unavailable; listening on IPv4 only");
            TcpListener::bind(v4).await
        }
        Err(Failed(e)) => Err(e),
    }
}

/// Why a dual-stack bind did not happen: the host has no IPv6, or a real failure (port in use,
/// no permission) that a fallback would only hide.
enum DualStackError {
    Unavailable(io::Error),
    Failed(io::Error),
}
use DualStackError::{Failed, Unavailable};

fn bind_dual_stack(addr: SocketAddr) -> Result<TcpListener, DualStackError> {
    // A kernel without IPv6 refuses the socket itself (EAFNOSUPPORT).
    let socket = Socket::new(Domain::IPV6, Type::STREAM, Some(Protocol::TCP)).map_err(Unavailable)?;
    let setup = || -> io::Result<()> {
        socket.set_only_v6(false)?;
        // As tokio's own bind does: a restarted backend may rebind while old connections linger
        // in TIME_WAIT.
        socket.set_reuse_address(true)?;
        socket.set_nonblocking(true)
    };
    setup().map_err(Failed)?;
    // IPv6 disabled on every interface (`disable_ipv6`) leaves the socket but not the address.
    socket.bind(&addr.into()).map_err(|e| if e.kind() == io::ErrorKind::AddrNotAvailable { Unavailable(e) } else { Failed(e) })?;
    socket.listen(BACKLOG).map_err(Failed)?;
    TcpListener::from_std(socket.into()).map_err(Failed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{IpAddr, Ipv6Addr};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Whether this host can use the IPv6 loopback at all (some containers have no `::1`).
    fn has_ipv6_loopback() -> bool {
        std::net::TcpListener::bind((Ipv6Addr::LOCALHOST, 0)).is_ok()
    }

    /// Connects to `port` on `ip` and reads back one byte the server writes.
    async fn round_trip(listener: &TcpListener, ip: IpAddr) -> SocketAddr {
        let port = listener.local_addr().unwrap().port();
        let (client, accepted) = tokio::join!(tokio::net::TcpStream::connect((ip, port)), listener.accept());
        let mut client = client.unwrap_or_else(|e| panic!("connect to {ip}:{port}: {e}"));
        let (mut server_side, peer) = accepted.unwrap();
        server_side.write_all(b"k").await.unwrap();
        let mut byte = [0u8; 1];
        client.read_exact(&mut byte).await.unwrap();
        assert_eq!(&byte, b"k");
        peer
    }

    #[tokio::test]
    async fn the_unspecified_ipv6_address_accepts_ipv4_and_ipv6_clients() {
        let listener = bind("[::]:0".parse().unwrap()).await.unwrap();
        let peer = round_trip(&listener, Ipv4Addr::LOCALHOST.into()).await;
        if has_ipv6_loopback() {
            assert!(listener.local_addr().unwrap().is_ipv6(), "bound dual-stack, not the IPv4 fallback");
            // IPv4 reached the IPv6 socket as an IPv4-mapped address: one socket, both families.
            assert_eq!(peer.ip(), IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped()));
            let peer = round_trip(&listener, Ipv6Addr::LOCALHOST.into()).await;
            assert_eq!(peer.ip(), IpAddr::V6(Ipv6Addr::LOCALHOST));
        }
    }

    #[tokio::test]
    async fn a_specific_address_is_bound_as_given() {
        let listener = bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
        assert_eq!(listener.local_addr().unwrap().ip(), IpAddr::V4(Ipv4Addr::LOCALHOST));
        round_trip(&listener, Ipv4Addr::LOCALHOST.into()).await;
    }

    #[tokio::test]
    async fn a_port_in_use_is_an_error_not_a_fallback() {
        let first = bind("[::]:0".parse().unwrap()).await.unwrap();
        let port = first.local_addr().unwrap().port();
        let again = bind(SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), port)).await;
        assert_eq!(again.unwrap_err().kind(), io::ErrorKind::AddrInUse);
    }
}
