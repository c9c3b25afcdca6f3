"""Find and run the Kustomize renderer: the real one, never a re-implementation.

Order: ``$ADK_GITOPS_KUSTOMIZE`` (a path to a ``kustomize`` or ``kubectl``
executable), then ``kustomize build``, then ``kubectl kustomize`` from PATH,
then the same two next to the running interpreter (a virtualenv's bin folder,
where ``scripts/install-renderer.py`` puts a pinned kubectl). Builds use Argo
CD's defaults: no load-restrictor change, no plugins, no Helm.

Every build is guarded first (``guard``: no remote reference unless allowed, no
path outside the repository or into ``.git/``) and runs with an environment in
which git reads no system or global config, has no credential helper, never
prompts and may use https only; without ``allow_remote`` every protocol is off
and HTTP goes to a proxy that does not exist. Output is bounded, and a build
can be killed from another thread (Ctrl-C).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO

from adk_gitops import guard
from adk_gitops.errors import RendererNotFound, RenderError, RenderTimeout

ENV_VAR = "ADK_GITOPS_KUSTOMIZE"
BUILD_TIMEOUT_S = 120.0
MAX_OUTPUT_BYTES = 64 * 2**20  # a fleet of 1,000 environments renders to ~20 MB
# A port nothing listens on: with remote references refused, any HTTP fetch that
# slipped through fails at once instead of reaching the network.
_NO_PROXY_ADDRESS = "http://127.0.0.1:9"
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


def hardened_env(environ: Mapping[str, str], *, allow_remote: bool) -> dict[str, str]:
    """The renderer's environment: the caller's, minus git's own variables, plus
    a git that ignores system and global config, has no credential helper, never
    prompts, and may use https only (nothing at all unless remote is allowed)."""
    env = {k: v for k, v in environ.items() if not k.startswith("GIT_")}
    extra_config = {
        "credential.helper": "",
        "core.askPass": "",
        "core.sshCommand": "false",
        "protocol.file.allow": "never",
        "protocol.ext.allow": "never",
        "submodule.recurse": "false",
    }
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_TERMINAL_PROMPT="0",
        GIT_ASKPASS="false",
        SSH_ASKPASS="false",
        GIT_ALLOW_PROTOCOL="https" if allow_remote else "none",
        GIT_CONFIG_COUNT=str(len(extra_config)),
    )
    for i, (key, value) in enumerate(extra_config.items()):
        env[f"GIT_CONFIG_KEY_{i}"] = key
        env[f"GIT_CONFIG_VALUE_{i}"] = value
    if not allow_remote:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
            env[name] = _NO_PROXY_ADDRESS
        for name in ("NO_PROXY", "no_proxy"):
            env.pop(name, None)
    return env


@dataclass(frozen=True)
class Renderer:
    """One way to run Kustomize: ``kustomize build DIR`` or ``kubectl kustomize DIR``."""

    executable: str
    flavour: str  # "kustomize" or "kubectl"
    allow_remote: bool = False  # --allow-remote: remote references fetched, over https only
    processes: Processes = field(default_factory=Processes, compare=False)

    @property
    def argv_prefix(self) -> tuple[str, ...]:
        return (self.executable, "build") if self.flavour == "kustomize" else (self.executable, "kustomize")

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
                env=hardened_env(os.environ, allow_remote=False),
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
        if timeout <= 0:
            raise RenderError(f"{path}: not rendered: the run's render deadline had passed")
        found = guard.refusals(path, root or guard.find_root(path), allow_remote=self.allow_remote)
        if found:
            raise UnsafeInput(found)
        argv = [*self.argv_prefix, str(path)]
        env = hardened_env(os.environ, allow_remote=self.allow_remote)
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            try:
                proc = self.processes.start(argv, env, out, err)
            except OSError as exc:
                raise RenderError(f"{path}: cannot run {argv[0]}: {exc.strerror}") from None
            try:
                proc.wait(timeout=max(0.0, timeout))
            except subprocess.TimeoutExpired:
                kill_group(proc)
                proc.wait()
                raise RenderTimeout(f"{path}: kustomize did not finish within {timeout:.0f}s") from None
            finally:
                self.processes.done(proc)
            if self.processes.cancelled:
                raise RenderError(f"{path}: interrupted")
            if proc.returncode != 0:
                err.seek(0, os.SEEK_END)
                err.seek(max(0, err.tell() - 65536))
                message = err.read().decode("utf-8", errors="replace")
                raise RenderError(f"{path}: {summarize_kustomize_error(message)}")
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


# kubectl logs its failure through klog: E1125 03:05:29.9 4239 run.go:72] "command failed" err="..."
_KLOG_ERR = re.compile(r'^E\d{4} .*\] "command failed" err="(?P<msg>(?:[^"\\]|\\.)*)"')
_ERROR_PREFIX = re.compile(r"^error: ", re.IGNORECASE)


def summarize_kustomize_error(stderr: str) -> str:
    """kustomize's error as one line, the same whichever renderer printed it
    (``Error: …`` from kustomize, ``error: …`` or a klog line from kubectl)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        klog = _KLOG_ERR.match(line)
        if klog:
            return klog.group("msg").replace('\\"', '"')
    errors = [_ERROR_PREFIX.sub("", line) for line in lines if _ERROR_PREFIX.match(line)]
    chosen = errors or lines[-1:] or ["kustomize failed with no message"]
    return " ".join(chosen)


def _flavour_of(executable: str) -> str:
    return "kubectl" if Path(executable).name.startswith("kubectl") else "kustomize"


def path_of(env: Mapping[str, str]) -> str:
    return env.get("PATH", os.defpath)


def find_renderer(
    environ: Mapping[str, str] | None = None, fallback_dirs: Sequence[str] | None = None
) -> Renderer:
    """Pick the renderer as documented in the module docstring, or raise RendererNotFound.
    ``fallback_dirs`` defaults to the running interpreter's folder."""
    env = os.environ if environ is None else environ
    override = env.get(ENV_VAR, "").strip()
    if override:
        resolved = shutil.which(override, path=path_of(env))
        if resolved is None:
            raise RendererNotFound(f"${ENV_VAR}={override!r} is not an executable")
        return Renderer(resolved, _flavour_of(resolved))
    path = path_of(env)
    fallback = [str(Path(sys.executable).parent)] if fallback_dirs is None else list(fallback_dirs)
    for search_path in (path, *fallback):
        for name in ("kustomize", "kubectl"):
            found = shutil.which(name, path=search_path)
            if found:
                return Renderer(found, name)
    raise RendererNotFound(INSTALL_HINT)
