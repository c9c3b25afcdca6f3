"""Find and run the Kustomize renderer: the real one, never a re-implementation.

Order: ``$ADK_GITOPS_KUSTOMIZE`` (a path to a ``kustomize`` or ``kubectl``
executable), then ``kustomize build``, then ``kubectl kustomize`` from PATH,
then the same two next to the running interpreter (a virtualenv's bin folder,
where ``scripts/install-renderer.py`` puts a pinned kubectl). Builds use Argo
CD's defaults: no load-restrictor change, no plugins, no Helm.

On Linux every build runs in a sandbox (bubblewrap, ``sandbox_argv``): its own
empty network namespace (with ``allow_remote`` and remote references to fetch, its
one way out is ``egress``'s https filter on the host), a read-only
view of the repository with ``.git`` hidden, the system's programs and libraries
read-only, a private /tmp, nothing else of the file system, a minimal
environment, and ceilings on memory (address space) and CPU time; every process
of it dies with it. Where the sandbox cannot be set up, ``find_renderer`` fails
closed (``SandboxUnavailable``) unless the caller asked for none.

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
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import IO

from adk_gitops import egress, egress_forwarder, guard
from adk_gitops.errors import RendererNotFound, RenderError, RenderTimeout, SandboxUnavailable
from adk_gitops.remotebases import RemoteBases

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


# The sandbox's ceilings: a build's address space (a normal render needs ~200 MiB; a
# 2 GiB file named by a generator must not take the machine) and its CPU time
# (RLIMIT_CPU, seconds, on top of the wall-clock deadline).
SANDBOX_MEMORY_BYTES = 3 * 2**30
SANDBOX_HINT = (
    "kustomize runs in a sandbox, which needs Linux with bubblewrap and prlimit "
    "(Debian/Ubuntu: apt-get install bubblewrap util-linux); "
    "or pass --no-sandbox to rely on the guard alone"
)
# Read-only, for a renderer that is a script or dynamically linked: programs and
# libraries, no configuration and no data (/etc, /home, /root, /var stay out).
_SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# With remote references allowed: what TLS needs (names are resolved by the filter on
# the host, so no resolver configuration), nothing more of /etc.
_TLS_FILES = ("/etc/ssl", "/etc/ca-certificates", "/etc/pki")
# Where the network filter's socket and the forwarder appear inside the sandbox.
_EGRESS_DIR = "/run/adk-gitops"


def sandbox_argv(
    command: Sequence[str],
    root: Path,
    *,
    cpu_seconds: int,
    bwrap: str,
    prlimit: str,
    egress: Path | None = None,
    programs: Sequence[str] = (),
) -> list[str]:
    """``command`` wrapped in the sandbox; ``root`` (resolved) is the only data it sees.
    ``egress``: the network filter's Unix socket (``egress.Filter``), the one way out of
    the sandbox's empty network namespace (``--allow-remote``); None: no way out.
    ``programs``: other executables the command runs (helm), bound in read-only."""
    real_root = root.resolve()
    argv = [
        prlimit,
        f"--as={SANDBOX_MEMORY_BYTES}",
        f"--cpu={max(1, cpu_seconds)}",
        "--",
        bwrap,
        "--die-with-parent",
        "--new-session",
        "--unshare-all",  # user, ipc, pid, net (a loopback device only), uts, cgroup
        "--clearenv",
    ]
    # First the private /tmp: a repository under /tmp is then mounted into it, not hidden by it.
    argv += ["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    for name in _SYSTEM_DIRS:
        directory = Path(name)
        if directory.is_symlink():  # a merged-/usr system's /bin: keep it a link
            argv += ["--symlink", str(directory.readlink()), name]
        elif directory.is_dir():
            argv += ["--ro-bind", name, name]
    argv += ["--ro-bind", str(real_root), str(real_root)]
    git = real_root / ".git"
    if git.is_dir() and not git.is_symlink():
        argv += ["--tmpfs", str(git)]  # the repository's history, config and hooks: not there
    elif git.exists() or git.is_symlink():
        argv += ["--ro-bind", "/dev/null", str(git)]
    executable = Path(command[0]).resolve()
    for program in (executable, *(Path(p) for p in programs)):
        if not program.is_relative_to(real_root):
            argv += ["--ro-bind", str(program), str(program)]
    inner = [str(executable), *command[1:]]
    if egress is not None:
        argv += [arg for name in _TLS_FILES if Path(name).exists() for arg in ("--ro-bind", name, name)]
        python, python_home = _forwarder_python()
        if python_home is not None:
            argv += ["--ro-bind", str(python_home), str(python_home)]
        forwarder = f"{_EGRESS_DIR}/forwarder.py"
        socket_path = f"{_EGRESS_DIR}/egress.sock"
        argv += ["--ro-bind", egress_forwarder.__file__, forwarder, "--ro-bind", str(egress), socket_path]
        inner = [str(python), "-I", "-S", forwarder, socket_path, "--", *inner]
    argv += ["--chdir", str(real_root), "--"]
    return [*argv, *inner]


def _forwarder_python() -> tuple[Path, Path | None]:
    """The interpreter that runs the forwarder in the sandbox (this one's base, not a
    virtualenv's), and its installation when the system folders do not hold it."""
    home = Path(sys.base_prefix).resolve()
    python = home / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    if not python.exists():
        python = Path(sys.executable).resolve()
    inside = any(home.is_relative_to(name) for name in _SYSTEM_DIRS if Path(name).is_dir())
    return python, None if inside else home


def sandbox_env(env: Mapping[str, str]) -> dict[str, str]:
    """What a sandboxed build sees: the hardened git and proxy settings, a PATH of
    system programs and a private HOME; none of the caller's other variables
    (a CI token in the environment stays outside)."""
    kept = {k: v for k, v in env.items() if k.startswith("GIT_") or k.lower().endswith("_proxy")}
    return {
        **kept,
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
    }


@dataclass(frozen=True)
class Sandbox:
    """The tools that confine a build (found and tried once by ``find_sandbox``)."""

    bwrap: str
    prlimit: str


_PROBE_TIMEOUT_S = 20.0


def find_sandbox() -> Sandbox:
    """The sandbox, tried once with a build that does nothing; SandboxUnavailable when
    this system cannot set it up (not Linux, no bubblewrap, namespaces refused)."""
    bwrap, prlimit = shutil.which("bwrap"), shutil.which("prlimit")
    if not sys.platform.startswith("linux") or bwrap is None or prlimit is None:
        raise SandboxUnavailable(SANDBOX_HINT)
    return _tried(bwrap, prlimit)


@cache
def _tried(bwrap: str, prlimit: str) -> Sandbox:
    true = shutil.which("true", path="/usr/bin:/bin")
    if true is None:
        raise SandboxUnavailable(SANDBOX_HINT)
    with tempfile.TemporaryDirectory() as empty:
        argv = sandbox_argv([true], Path(empty), cpu_seconds=5, bwrap=bwrap, prlimit=prlimit)
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=_PROBE_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise SandboxUnavailable(f"{SANDBOX_HINT} (the sandbox did not start: {exc})") from None
    if done.returncode != 0:
        why = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        raise SandboxUnavailable(f"{SANDBOX_HINT} (the sandbox did not start: {why[0]})")
    return Sandbox(bwrap, prlimit)


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
        env = hardened_env(os.environ, allow_remote=bool(seen.remotes))
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
                message = _stopped(proc.returncode, int(timeout) + 1)
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


# kubectl logs its failure through klog: E1125 03:05:29.9 4239 run.go:72] "command failed" err="..."
_KLOG_ERR = re.compile(r'^E\d{4} .*\] "command failed" err="(?P<msg>(?:[^"\\]|\\.)*)"')
NO_MESSAGE = "kustomize failed with no message"


def _stopped(code: int, cpu_seconds: int) -> str:
    """Why kustomize ended silently: a signal (negative when it ran directly; 128 + N
    as bwrap and shells report a child killed by signal N)."""
    number = -code if code < 0 else code - 128 if code > 128 else 0
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"{NO_MESSAGE} (exit {code})"
    if name == "SIGXCPU":
        return f"kustomize used up its CPU time ({cpu_seconds} s, from --timeout): raise --timeout"
    if name == "SIGKILL":
        return "kustomize was killed (SIGKILL): out of memory or of CPU time; raise --timeout, or render less"
    return f"kustomize was stopped by {name}"


_KLOG_ERR_BLOCK = re.compile(r'^E\d{4} .*\] "command failed" err=<$')
_ERROR_PREFIX = re.compile(r"^error: ", re.IGNORECASE)


def explain_failure(message: str, built: Path, root: Path, overlays: Sequence[Path] = ()) -> str:
    """kustomize's failure as a reader of the repository wants it: without the
    folder that was built when it is a wrapper (the batch, its per-overlay entries),
    with repository-relative paths, the innermost cause first, and what to do for
    the failures that have a known fix."""
    text = message.removeprefix(f"{built}: ")
    # Drop the wrappers' levels: what follows the last "recursed accumulation of path
    # '<overlay>': " is the overlay's own failure.
    for overlay in overlays:
        marker = f"recursed accumulation of path '{overlay.resolve()}': "
        if marker in text:
            text = text.rsplit(marker, 1)[1]
    missing = _MISSING.search(text)
    restricted = _RESTRICTED.search(text)
    entry = _ENTRY.findall(text)
    named = f"resources entry {entry[-1]!r}: " if entry else ""
    if missing:
        text = f"{named}{missing['path']} does not exist"
    elif restricted:
        text = (
            f"{named}{restricted['file']} is not in or below {restricted['folder']}, and kustomize reads "
            "nowhere else (as Argo CD's default --load-restrictor LoadRestrictionsRootOnly): use a "
            "kustomization in that folder as a resource, or a component; if your Argo CD sets "
            "kustomize.buildOptions to --load-restrictor LoadRestrictionsNone, say so in adk-gitops.yaml "
            "(check.kustomize.buildOptions)"
        )
    elif entry:
        text = f"resources entry {entry[-1]!r}: {text.rsplit(chr(39) + ': ', 1)[-1]}"
    base = str(root.resolve())
    text = text.replace(base + "/", "").replace(base, ".")
    for hint_when, hint in _HINTS:
        if hint_when in text:
            text += f" ({hint})"
    return " ".join(text.split())


# kustomize's file-or-directory attempt ends in lstat's error for a missing entry.
_MISSING = re.compile(r"lstat (?P<path>\S+): no such file or directory")
_ENTRY = re.compile(r"accumulating resources from '([^']*)'")
_RESTRICTED = re.compile(r"security; file '(?P<file>[^']*)' is not in or below '(?P<folder>[^']*)'")
_HINTS = (
    (
        "--enable-helm",
        "kustomize inflates helmCharts only with `--enable-helm`: if your Argo CD sets it in "
        "kustomize.buildOptions, say so in adk-gitops.yaml (check.kustomize.buildOptions: --enable-helm)",
    ),
)


def summarize_kustomize_error(stderr: str) -> str:
    """kustomize's error as one line, the same whichever renderer printed it
    (``Error: …`` from kustomize, ``error: …`` or a klog line from kubectl)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        # Go's runtime: "fatal error: runtime: out of memory", then goroutine dumps.
        if line.startswith(("fatal error: ", "panic: ")):
            return line
    for i, line in enumerate(lines):
        klog = _KLOG_ERR.match(line)
        if klog:
            return klog.group("msg").replace('\\"', '"')
        if _KLOG_ERR_BLOCK.match(line):
            # A multi-line value: `err=<`, its lines indented, then `>` (klog's text format).
            block = []
            for rest in lines[i + 1 :]:
                if rest == ">":
                    break
                block.append(rest)
            return " ".join(block) or NO_MESSAGE
    errors = [i for i, line in enumerate(lines) if _ERROR_PREFIX.match(line)]
    if len(errors) == 1:  # one error, maybe over several lines (a generator's config quoted in it)
        return " ".join([_ERROR_PREFIX.sub("", lines[errors[0]]), *lines[errors[0] + 1 :]])
    chosen = [_ERROR_PREFIX.sub("", lines[i]) for i in errors] or lines[-1:] or [NO_MESSAGE]
    return " ".join(chosen)


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
