"""``--allow-remote``'s filter: what a sandboxed kustomize may reach, decided on the host.

The sandbox keeps its empty network namespace even when remote references are
allowed. Inside it, ``egress_forwarder`` points kustomize's (and git's) proxy at a
loopback port and carries every connection to a Unix socket bound in from here,
where this filter admits exactly one thing: an HTTP ``CONNECT`` to port 443 of a host
named by a remote reference the guard saw (and, where the repository keeps an
allow-list, allowed by it). It then resolves the name itself and connects only to a
public address, so a name that resolves to loopback, a private network or a cloud
metadata address (169.254.169.254) reaches nothing. Plain HTTP (a proxy's absolute
``GET http://...``), other ports and other hosts get ``403`` and are remembered, so
the render's error can say what was refused.

The tunnel carries TLS end to end: the filter sees host names, never content. Each
run's tunnels together carry at most ``MAX_BYTES``.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shutil
import socket
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from adk_gitops.kustomize.egress_forwarder import relay

HTTPS_PORT = 443
MAX_BYTES = 512 * 2**20  # a remote base is kilobytes; a chart repository's index a few MiB
_HEAD_MAX = 8192
_HEAD_TIMEOUT_S = 10.0
_CONNECT_TIMEOUT_S = 15.0
_IDLE_TIMEOUT_S = 60.0

Connect = Callable[[str, int], socket.socket]


class Refused(Exception):
    """A tunnel the filter does not open; the message says why, in a few words."""


def remote_host(entry: str) -> str | None:
    """The host a remote reference is fetched from (``git::`` and scheme-less
    ``github.com/org/repo`` forms included), lower-case; None if it names none."""
    text = entry.strip().removeprefix("git::")
    if "://" not in text:
        text = "https://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None


def public_address(host: str, port: int) -> socket.socket:
    """A connection to ``host``'s first public address; Refused if it has none."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise Refused(f"{host} does not resolve") from None
    private = ""
    for family, kind, proto, _, address in infos:
        ip = ipaddress.ip_address(address[0])
        mapped = ip.ipv4_mapped if isinstance(ip, ipaddress.IPv6Address) else None
        if not (mapped or ip).is_global:
            private = str(ip)
            continue
        sock = socket.socket(family, kind, proto)
        sock.settimeout(_CONNECT_TIMEOUT_S)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            continue
        return sock
    if private:
        raise Refused(f"{host} resolves to {private}, not a public address")
    raise Refused(f"{host}: no address answered")


class Filter:
    """The host side of the sandbox's network, for one render (a context manager):
    ``socket_path`` is what the sandbox binds in; ``refused`` what it was denied."""

    def __init__(self, hosts: Iterable[str], *, connect: Connect = public_address) -> None:
        self.hosts = frozenset(h.lower().rstrip(".") for h in hosts)
        self._connect = connect
        self._lock = threading.Lock()
        self._budget = MAX_BYTES
        self.refused: list[str] = []
        self._folder = Path(tempfile.mkdtemp(prefix="adk-gitops-egress-"))  # mode 0700
        self.socket_path = self._folder / "egress.sock"
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(self.socket_path))
        self._listener.listen(64)
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def __enter__(self) -> Filter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)
        shutil.rmtree(self._folder, ignore_errors=True)

    def describe_refusals(self) -> str:
        """What was refused, for a render's error message ("" if nothing)."""
        with self._lock:
            seen = list(dict.fromkeys(self.refused))
        if not seen:
            return ""
        allowed = ", ".join(sorted(self.hosts)) or "none"
        return (
            f"kustomize could not fetch: the sandbox's network filter refused: {'; '.join(seen[:3])} "
            f"(--allow-remote admits https to the hosts of the remote references only: {allowed})"
        )

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._tunnel, args=(client,), daemon=True).start()

    def _tunnel(self, client: socket.socket) -> None:
        try:
            client.settimeout(_HEAD_TIMEOUT_S)
            target = self._admit(_read_head(client))
            upstream = self._connect(*target)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        except Refused as exc:
            with self._lock:
                self.refused.append(str(exc))
            _answer(client, b"403 Forbidden", str(exc))
            client.close()
            return
        except OSError:
            client.close()
            return
        upstream.settimeout(_IDLE_TIMEOUT_S)
        client.settimeout(_IDLE_TIMEOUT_S)
        relay(client, upstream, self._take)

    def _admit(self, head: bytes) -> tuple[str, int]:
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            raise Refused(f"a request that is not HTTP ({line[:60]!r})")
        method, target = parts[0], parts[1]
        if method != "CONNECT":
            shown = urlsplit(target)._replace(query="", fragment="").geturl() if "://" in target else target
            raise Refused(f"{method} {shown[:120]} (plain http)")
        host, _, port_text = target.rpartition(":")
        host = host.strip("[]").lower().rstrip(".")
        if not port_text.isdigit() or int(port_text) != HTTPS_PORT:
            raise Refused(f"{target[:120]} (only port {HTTPS_PORT}, https)")
        if host not in self.hosts:
            raise Refused(f"{host[:120]} (no remote reference names it)")
        return host, HTTPS_PORT

    def _take(self, size: int) -> bool:
        """Whether ``size`` more bytes fit the run's budget (egress_forwarder.pipe asks)."""
        with self._lock:
            self._budget -= size
            if self._budget >= 0:
                return True
            self.refused.append(f"more than {MAX_BYTES // 2**20} MiB from the network")
            return False


def _read_head(client: socket.socket) -> bytes:
    """The request line and headers (up to the blank line), bounded in size and time."""
    head = b""
    while b"\r\n\r\n" not in head:
        data = client.recv(_HEAD_MAX)
        if not data:
            raise Refused("a connection closed before its request")
        head += data
        if len(head) > _HEAD_MAX:
            raise Refused("a request head over 8 KiB")
    return head


def _answer(client: socket.socket, status: bytes, reason: str) -> None:
    body = f"adk-gitops: refused: {reason}\n".encode()
    with contextlib.suppress(OSError):
        client.sendall(
            b"HTTP/1.1 "
            + status
            + b"\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
