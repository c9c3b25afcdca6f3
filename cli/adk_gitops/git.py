"""git, run one way everywhere: no fsmonitor, no system or global configuration, no
credential helper, never a prompt, https only (and nothing remote unless allowed).
Used to read a pull request's change and base (``check --changed-from``, ``diff``),
a file at a trusted ref (``adk-gitops.yaml``'s allow-list) and, through
``hardened_env``, by kustomize's own git for remote bases."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

from adk_gitops import bounded
from adk_gitops.errors import AdkGitopsError

GIT_TIMEOUT_S = 60.0
# A port nothing listens on: with remote references refused, any HTTP fetch that
# slipped through fails at once instead of reaching the network.
_NO_PROXY_ADDRESS = "http://127.0.0.1:9"


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


def show(root: Path, ref: str, name: str, *, what: str) -> str | None:
    """The text of the file ``name`` at the root of ``ref``'s tree; None if it has none.
    Read from git's object store (no working tree, checkout or filter runs); a
    failure is one line naming ``what`` (the option that gave the ref)."""
    if ref.startswith("-") or not ref.strip():
        raise AdkGitopsError(f"{what}: not a git revision")
    listed = run(root, "ls-tree", "--name-only", ref, "--", name, what=what)
    if not listed.strip():
        return None
    blob = run(root, "cat-file", "blob", f"{ref}:{name}", what=what)
    if len(blob) > bounded.MAX_CONFIG_BYTES:
        raise AdkGitopsError(f"{ref}:{name}: larger than {bounded.MAX_CONFIG_BYTES // 2**20} MiB")
    try:
        return blob.decode("utf-8")
    except UnicodeDecodeError:
        raise AdkGitopsError(f"{ref}:{name}: not UTF-8 text") from None


def run(root: Path, *args: str, what: str) -> bytes:
    """Run git in ``root`` with no fsmonitor and a hardened environment (system and
    global configuration ignored, no prompts); a failure is one line naming ``what``."""
    argv = ["git", "-c", "core.fsmonitor=false", *args]
    try:
        proc = subprocess.run(
            argv,
            cwd=root,
            capture_output=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            env=hardened_env(os.environ, allow_remote=False),
        )
    except FileNotFoundError:
        raise AdkGitopsError(f"{what}: needs git on PATH") from None
    except subprocess.TimeoutExpired:
        raise AdkGitopsError(f"{what}: git did not answer within {GIT_TIMEOUT_S:.0f}s") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise AdkGitopsError(f"{what}: {message[-1] if message else 'git failed'}")
    return proc.stdout
