"""kustomize's sandbox on Linux (bubblewrap, under util-linux's prlimit): its own
empty network namespace (with ``egress``, the network filter's socket, its one way
out under ``--allow-remote``), a read-only view of the repository with ``.git``
hidden, the system's programs and libraries read-only, a private /tmp, nothing else
of the file system, a minimal environment, and ceilings on memory (address space)
and CPU time; every process of it dies with it. ``find_sandbox`` tries it once and
fails closed (``SandboxUnavailable``) where it cannot be set up. docs/security.md
states what it holds; tests/security/test_sandbox.py and test_egress.py prove it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from adk_gitops.errors import SandboxUnavailable
from adk_gitops.kustomize import egress_forwarder

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
