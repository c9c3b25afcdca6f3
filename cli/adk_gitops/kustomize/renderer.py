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
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO

from adk_gitops import git, usercache
from adk_gitops.errors import RendererNotFound, RenderError, RenderTimeout
from adk_gitops.kustomize import egress, guard
from adk_gitops.kustomize.failures import NO_MESSAGE, stopped, summarize_kustomize_error
from adk_gitops.kustomize.processes import Processes, kill_group, wait_exact
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


def kept_version_entry(executable: str, flavour: str) -> Path | None:
    """Where an executable's Kustomize version is kept: named by the binary's identity
    (its real path, device, inode, size, modification and change times), so a replaced or
    upgraded binary is asked again. None (ask every time) unless the executable is itself
    the renderer: a version manager's shim (asdf's script, mise's link to itself) chooses
    a version per folder, so its identity does not decide the answer."""
    real = Path(os.path.realpath(executable))
    if real.name not in (flavour, f"{flavour}.exe"):
        return None
    try:
        with real.open("rb") as binary:
            if binary.read(2) == b"#!":
                return None
        st = real.stat()
    except OSError:
        return None
    identity = f"{real}\0{st.st_dev}\0{st.st_ino}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}"
    name = hashlib.sha256(f"{flavour}\0{identity}".encode()).hexdigest()[:16]
    return usercache.home() / "renderer-version" / name


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
        """The embedded or standalone Kustomize version, e.g. ``v5.5.0``; ``unknown`` if
        unreadable. Kept between runs for a given executable (kept_version_entry): asking
        is a process of ~80 ms of CPU that, on a small machine, competes with the render."""
        entry = kept_version_entry(self.executable, self.flavour)
        kept = usercache.read(entry) if entry is not None else None
        if kept is not None:
            return kept.decode("utf-8", "replace")
        version = self._asked_version()
        if entry is not None and version != "unknown":
            usercache.store(entry, version.encode())
        return version

    def _asked_version(self) -> str:
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
            wait_exact(proc, max(0.0, self.deadline - time.monotonic()))
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
