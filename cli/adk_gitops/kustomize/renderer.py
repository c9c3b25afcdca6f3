"""Find and run the Kustomize renderer: the real one, never a re-implementation.

Order: ``$ADK_GITOPS_KUSTOMIZE`` (a path to a ``kustomize`` or ``kubectl``
executable), then ``kustomize build``, then ``kubectl kustomize`` from PATH,
then the same two next to the running interpreter (a virtualenv's bin folder,
where ``scripts/install-renderer.py`` puts a pinned kubectl). Builds use Argo
CD's defaults unless the repository mirrors its ``kustomize.buildOptions``
(buildoptions.py): no load-restrictor change, no plugins, no Helm.

On Linux every build runs in kustomize's sandbox (sandbox.py: no network but the
https filter of egress.py under ``allow_remote``, the repository read-only without
``.git``, memory and CPU ceilings). Where the sandbox cannot be set up,
``find_renderer`` fails closed (``SandboxUnavailable``) unless the caller asked for none.

Every build is also guarded first (``guard``, defence in depth: no remote
reference unless allowed, no path outside the repository or into ``.git/``) and
runs with an environment in which git reads no system or global config, has no
credential helper, never prompts and may use https only; without
``allow_remote`` every protocol is off and HTTP goes to a proxy that does not
exist. Output is bounded, and a build can be killed from another thread (Ctrl-C).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO

from adk_gitops import git
from adk_gitops.errors import RendererNotFound, RenderError, RenderTimeout
from adk_gitops.kustomize import egress, guard
from adk_gitops.kustomize.failures import NO_MESSAGE, stopped, summarize_kustomize_error
from adk_gitops.kustomize.remotebases import RemoteBases
from adk_gitops.kustomize.sandbox import (
    SANDBOX_MEMORY_BYTES,
    Sandbox,
    find_sandbox,
    sandbox_argv,
    sandbox_env,
)

ENV_VAR = "ADK_GITOPS_KUSTOMIZE"
BUILD_TIMEOUT_S = 120.0
MAX_OUTPUT_BYTES = 64 * 2**20  # a fleet of 1,000 environments renders to ~20 MB
VERSION_TIMEOUT_S = 20.0
INSTALL_HINT = (
    "no Kustomize renderer found: install kustomize or kubectl, set $ADK_GITOPS_KUSTOMIZE to one, "
    "or run `python scripts/install-renderer.py` from an adk-gitops checkout"
)


class UnsafeInput(RenderError):
    """The kustomization names something kustomize must not fetch or read."""

    def __init__(self, refusals: Sequence[guard.Refusal]) -> None:
        self.refusals = tuple(refusals)
        super().__init__("; ".join(str(r) for r in self.refusals))


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


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process started by ``Processes.start`` and everything in its group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


@dataclass(frozen=True)
class Renderer:
    """One way to run Kustomize: ``kustomize build DIR`` or ``kubectl kustomize DIR``."""

    executable: str
    flavour: str  # "kustomize" or "kubectl"
    allow_remote: bool = False  # --allow-remote: remote references fetched, over https only
    sandbox: Sandbox | None = None  # None: unconfined (--no-sandbox), the guard alone
    processes: Processes = field(default_factory=Processes, compare=False)
    build_options: tuple[str, ...] = ()  # Argo CD's kustomize.buildOptions (buildoptions.py)
    # Remote bases fetched without allow_remote (remotebases.py).
    remote_bases: RemoteBases = field(default_factory=RemoteBases)
    helm: str | None = None  # with --enable-helm: the helm kustomize runs (an absolute path)

    @property
    def argv_prefix(self) -> tuple[str, ...]:
        command = (
            (self.executable, "build") if self.flavour == "kustomize" else (self.executable, "kustomize")
        )
        helm = ("--helm-command", self.helm) if self.helm else ()
        return (*command, *self.build_options, *helm)

    @property
    def description(self) -> str:
        return f"{' '.join(self.argv_prefix)} (kustomize {self.version})"

    @cached_property
    def version(self) -> str:
        """The embedded or standalone Kustomize version, e.g. ``v5.5.0``; ``unknown`` if unreadable."""
        if self.flavour == "kustomize":
            argv = [self.executable, "version"]
        else:
            argv = [self.executable, "version", "--client", "-o", "json"]
        try:
            out = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=VERSION_TIMEOUT_S,
                check=False,
                env=git.hardened_env(os.environ, allow_remote=False),
            )
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        if self.flavour == "kubectl":
            try:
                return str(json.loads(out.stdout).get("kustomizeVersion", "unknown"))
            except (json.JSONDecodeError, AttributeError):
                return "unknown"
        text = out.stdout.strip()
        # kustomize prints "v5.6.0" (or a verbose "{Version:kustomize/v5.6.0 ...}" on old builds).
        return text.split("/")[-1].split()[0] if text else "unknown"

    def build(self, path: Path, *, root: Path | None = None, timeout: float = BUILD_TIMEOUT_S) -> str:
        """Render a kustomization directory; raise UnsafeInput when the guard
        refuses it, RenderError with kustomize's own message when it fails.
        ``root``: the repository (default: the one around ``path``)."""
        return self.start(path, root=root, timeout=timeout).result()

    def start(self, path: Path, *, root: Path | None = None, timeout: float = BUILD_TIMEOUT_S) -> Running:
        """``build``'s first half: guard, then start kustomize and return at once
        (``Running.result`` waits for it). Raises as ``build`` does."""
        if timeout <= 0:
            raise RenderError(f"{path}: not rendered: the run's render deadline had passed")
        repository = root or guard.find_root(path)
        seen = guard.inspect(
            path,
            repository,
            allow_remote=self.allow_remote,
            remote_bases=self.remote_bases,
            helm=self.helm is not None,
        )
        if seen.refusals:
            raise UnsafeInput(seen.refusals)
        env = git.hardened_env(os.environ, allow_remote=bool(seen.remotes))
        if self.sandbox is None:
            return self._start([*self.argv_prefix, str(path)], env, path, timeout, None)
        # The real path: inside the sandbox only the repository's real path exists.
        command = [*self.argv_prefix, str(path.resolve())]
        sandbox = self.sandbox

        def confined(way_out: Path | None) -> list[str]:
            return sandbox_argv(
                command,
                repository,
                cpu_seconds=int(timeout) + 1,
                bwrap=sandbox.bwrap,
                prlimit=sandbox.prlimit,
                egress=way_out,
                programs=(self.helm,) if self.helm else (),
            )

        if not seen.remotes:  # nothing to fetch: no way out of the sandbox at all
            return self._start(confined(None), sandbox_env(env), path, timeout, None)
        gate = egress.Filter(h for h in map(egress.remote_host, seen.remotes) if h)
        try:
            return self._start(confined(gate.socket_path), sandbox_env(env), path, timeout, gate)
        except BaseException:
            gate.close()
            raise

    def _start(
        self,
        argv: Sequence[str],
        env: Mapping[str, str],
        path: Path,
        timeout: float,
        gate: egress.Filter | None,
    ) -> Running:
        with contextlib.ExitStack() as files:
            out = files.enter_context(tempfile.TemporaryFile())
            err = files.enter_context(tempfile.TemporaryFile())
            try:
                proc = self.processes.start(argv, env, out, err)
            except OSError as exc:
                raise RenderError(f"{path}: cannot run {argv[0]}: {exc.strerror}") from None
            held = files.pop_all()  # from here on, Running releases them
        deadline = time.monotonic() + max(0.0, timeout)
        return Running(self, path, proc, out, err, timeout, deadline, gate, held)


@dataclass
class Running:
    """A kustomize build under way (``Renderer.start``): ``result`` waits for it, at
    most until the deadline it started with; ``discard`` stops it. Either releases
    everything it holds (its output files, the network filter)."""

    renderer: Renderer
    path: Path
    proc: subprocess.Popen[bytes]
    out: IO[bytes]
    err: IO[bytes]
    timeout: float
    deadline: float
    gate: egress.Filter | None
    held: contextlib.ExitStack  # the output files

    def discard(self) -> None:
        kill_group(self.proc)
        self.proc.wait()
        self._release()

    def _release(self) -> None:
        self.renderer.processes.done(self.proc)
        self.held.close()
        if self.gate is not None:
            self.gate.close()

    def result(self) -> str:
        try:
            return self._wait()
        finally:
            self._release()

    def _wait(self) -> str:
        path, proc, out, err, timeout = self.path, self.proc, self.out, self.err, self.timeout
        try:
            proc.wait(timeout=max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            kill_group(proc)
            proc.wait()
            raise RenderTimeout(f"{path}: kustomize did not finish within {timeout:.0f}s") from None
        if self.renderer.processes.cancelled:
            raise RenderError(f"{path}: interrupted")
        if proc.returncode != 0:
            err.seek(0, os.SEEK_END)
            err.seek(max(0, err.tell() - 65536))
            message = summarize_kustomize_error(err.read().decode("utf-8", errors="replace"))
            if message == NO_MESSAGE:
                message = stopped(proc.returncode, int(timeout) + 1)
            if self.renderer.sandbox is not None and "out of memory" in message:
                limit = SANDBOX_MEMORY_BYTES // 2**30
                message += f" (the sandbox allows kustomize {limit} GiB: does it read a file that large?)"
            # What the filter refused is the cause; kustomize's message is its echo.
            refused = self.gate.describe_refusals() if self.gate is not None else ""
            raise RenderError(f"{path}: {refused or message}")
        size = out.tell()
        if size > MAX_OUTPUT_BYTES:
            raise RenderError(
                f"{path}: kustomize printed {size / 2**20:.0f} MiB, more than the 64 MiB allowed"
            )
        out.seek(0)
        try:
            return out.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RenderError(f"{path}: kustomize output is not UTF-8 (byte {exc.start})") from None


def _flavour_of(executable: str) -> str:
    return "kubectl" if Path(executable).name.startswith("kubectl") else "kustomize"


def path_of(env: Mapping[str, str]) -> str:
    return env.get("PATH", os.defpath)


def find_renderer(
    environ: Mapping[str, str] | None = None,
    fallback_dirs: Sequence[str] | None = None,
    *,
    allow_remote: bool = False,
    sandbox: bool = True,
) -> Renderer:
    """Pick the renderer as documented in the module docstring, or raise RendererNotFound
    (SandboxUnavailable when ``sandbox`` is asked for and cannot be set up).
    ``fallback_dirs`` defaults to the running interpreter's folder."""
    env = os.environ if environ is None else environ
    confined = find_sandbox() if sandbox else None
    override = env.get(ENV_VAR, "").strip()
    if override:
        resolved = shutil.which(override, path=path_of(env))
        if resolved is None:
            raise RendererNotFound(f"${ENV_VAR}={override!r} is not an executable")
        return Renderer(resolved, _flavour_of(resolved), allow_remote, confined)
    path = path_of(env)
    fallback = [str(Path(sys.executable).parent)] if fallback_dirs is None else list(fallback_dirs)
    for search_path in (path, *fallback):
        for name in ("kustomize", "kubectl"):
            found = shutil.which(name, path=search_path)
            if found:
                return Renderer(found, name, allow_remote, confined)
    raise RendererNotFound(INSTALL_HINT)
