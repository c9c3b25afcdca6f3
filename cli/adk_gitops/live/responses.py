"""One answer from an API server, bounded: the whole response within a time and a size
ceiling (urllib3's timeouts are per socket read, so a server that drips would hold the
run forever), and JSON no deeper than a limit.
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Mapping
from typing import Any

from adk_gitops.errors import ClusterUnreachable

REQUEST_TIMEOUT_S = 30.0  # for the whole answer, headers and body: a server that drips is cut off
# An answer larger than this is refused: a list of a namespace's Jobs, pods and events
# is kilobytes to a few megabytes; a hostile or broken server can send gigabytes.
MAX_RESPONSE_BYTES = 64 * 1024 * 1024
# Kubernetes objects nest a few dozen levels (a CRD's schema the deepest); a body
# nested deeper is refused before anything walks it.
MAX_JSON_DEPTH = 128


def bounded(
    pool: Any, server: str, method: str, url: str, body: bytes | None, headers: Mapping[str, str]
) -> tuple[int, bytes, list[str]]:
    """(status, body, Warning headers) of one request, within REQUEST_TIMEOUT_S for the
    whole answer and MAX_RESPONSE_BYTES of body. urllib3's timeouts are per socket read,
    so a server sending a byte every few seconds would hold the run forever: the
    request runs in a worker thread, and at the deadline its socket is shut down."""
    import urllib3

    result: list[tuple[int, bytes, list[str]]] = []
    failure: list[str] = []
    responses: list[Any] = []
    started = time.monotonic()

    def fetch() -> None:
        try:
            with warnings.catch_warnings():
                # The kubeconfig asked for it (insecure-skip-tls-verify); kubectl
                # does not warn on every request either.
                warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
                raw = pool.request(
                    method,
                    url,
                    body=body,
                    headers=dict(headers),
                    timeout=urllib3.Timeout(connect=REQUEST_TIMEOUT_S, read=REQUEST_TIMEOUT_S),
                    retries=False,
                    redirect=False,
                    preload_content=False,
                )
            responses.append(raw)
            length = raw.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > MAX_RESPONSE_BYTES:
                failure.append(f"{server}: answered {int(length)} bytes, more than {MAX_RESPONSE_BYTES}")
                return
            chunks: list[bytes] = []
            size = 0
            while chunk := raw.read1(65536):
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    failure.append(f"{server}: answered more than {MAX_RESPONSE_BYTES} bytes")
                    return
                chunks.append(chunk)
            result.append((raw.status, b"".join(chunks), list(raw.headers.getlist("Warning"))))
        except urllib3.exceptions.HTTPError as exc:  # refused, timed out, TLS, proxy, cut off
            failure.append(f"cannot reach {server}: {last_line(str(exc))}")
        except OSError as exc:  # the socket shut down at the deadline
            failure.append(f"cannot reach {server}: {exc.strerror or exc}")
        except Exception as exc:  # anything else the client raises: one line, never lost in the thread
            failure.append(f"cannot reach {server}: {type(exc).__name__}: {last_line(str(exc))}")
        finally:
            for raw in responses:
                if result:
                    raw.release_conn()
                else:
                    raw.close()  # never back to the pool half-read

    worker = threading.Thread(target=fetch, name="adk-gitops-request", daemon=True)
    worker.start()
    worker.join(REQUEST_TIMEOUT_S)
    if worker.is_alive():
        # Unblocks a read of the body (urllib3 >= 2.3). A server still dripping its
        # headers holds only the daemon worker, until its per-read timeout.
        for raw in responses:
            raw.shutdown()
        seconds = time.monotonic() - started
        raise ClusterUnreachable(f"{server}: no complete answer in {seconds:.0f} s") from None
    if failure:
        raise ClusterUnreachable(failure[0]) from None
    return result[0]


def within_depth(value: Any, limit: int) -> bool:
    """Whether decoded JSON nests at most ``limit`` levels (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return False
        stack.extend((child, depth + 1) for child in children)
    return True


def last_line(text: str | None) -> str:
    """The last non-empty line: where urllib3 and the kubeconfig loader say why."""
    lines = [line.strip() for line in str(text or "").splitlines() if line.strip()]
    return lines[-1] if lines else "no answer"
