"""The kustomize processes a run starts: each in its own process group, so Ctrl-C (or a
deadline) stops it and the git it may have started at once; and waited for exactly."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import threading
from collections.abc import Mapping, Sequence
from typing import IO, TYPE_CHECKING

from adk_gitops.errors import RenderError

if TYPE_CHECKING:
    from adk_gitops.kustomize.renderer import Running


class Processes:
    """The kustomize processes a run has started, so Ctrl-C can stop them at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: set[subprocess.Popen[bytes]] = set()
        self.cancelled = False

    def start(
        self, argv: Sequence[str], env: Mapping[str, str], out: IO[bytes], err: IO[bytes]
    ) -> subprocess.Popen[bytes]:
        with self._lock:
            if self.cancelled:
                raise RenderError("interrupted")
            # Its own process group, so a kill also takes the git it may have started.
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=dict(env),
                start_new_session=True,
            )
            self._live.add(proc)
            return proc

    def adopt(self, running: Running) -> None:
        """Take over a build another renderer started (a head start): this run's Ctrl-C
        then stops it too."""
        with self._lock:
            running.renderer.processes.done(running.proc)
            self._live.add(running.proc)
            if self.cancelled:
                kill_group(running.proc)

    def done(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._live.discard(proc)

    def kill_all(self) -> None:
        with self._lock:
            self.cancelled = True
            for proc in self._live:
                kill_group(proc)


def wait_exact(proc: subprocess.Popen[bytes], timeout: float) -> None:
    """``proc.wait(timeout)``, woken the moment the process exits. Python's own wait with
    a timeout polls, sleeping up to 50 ms between looks (``Popen._wait``), which is a
    quarter of a small overlay's render; a pidfd (Linux 5.3+) becomes readable at exit."""
    if proc.returncode is not None:
        return
    try:
        pidfd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):  # not Linux, or already reaped
        proc.wait(timeout=timeout)
        return
    try:
        if not select.select([pidfd], [], [], timeout)[0]:
            raise subprocess.TimeoutExpired(proc.args, timeout)
    finally:
        os.close(pidfd)
    proc.wait()


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process started by ``Processes.start`` and everything in its group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
