"""Find and run the Kustomize renderer: the real one, never a re-implementation.

Order: ``$ADK_GITOPS_KUSTOMIZE`` (a path to a ``kustomize`` or ``kubectl``
executable), then ``kustomize build``, then ``kubectl kustomize`` from PATH,
then the same two next to the running interpreter (a virtualenv's bin folder,
where ``scripts/install-renderer.py`` puts a pinned kubectl). Builds use Argo
CD's defaults: no load-restrictor change, no plugins, no Helm.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from adk_gitops.errors import RendererNotFound, RenderError

ENV_VAR = "ADK_GITOPS_KUSTOMIZE"
BUILD_TIMEOUT_S = 120.0
VERSION_TIMEOUT_S = 20.0
INSTALL_HINT = (
    "no Kustomize renderer found: install kustomize or kubectl, set $ADK_GITOPS_KUSTOMIZE to one, "
    "or run `python scripts/install-renderer.py` from an adk-gitops checkout"
)


@dataclass(frozen=True)
class Renderer:
    """One way to run Kustomize: ``kustomize build DIR`` or ``kubectl kustomize DIR``."""

    executable: str
    flavour: str  # "kustomize" or "kubectl"

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
            out = subprocess.run(argv, capture_output=True, text=True, timeout=VERSION_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired):
            return "unknown"
        if self.flavour == "kubectl":
            try:
                return str(json.loads(out.stdout).get("kustomizeVersion", "unknown"))
            except json.JSONDecodeError:
                return "unknown"
        text = out.stdout.strip()
        # kustomize prints "v5.6.0" (or a verbose "{Version:kustomize/v5.6.0 ...}" on old builds).
        return text.split("/")[-1].split()[0] if text else "unknown"

    def build(self, path: Path, *, timeout: float = BUILD_TIMEOUT_S) -> str:
        """Render a kustomization directory; raise RenderError with kustomize's own message."""
        argv = [*self.argv_prefix, str(path)]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise RenderError(f"{path}: kustomize did not finish within {timeout:g}s") from None
        except OSError as exc:
            raise RenderError(f"{path}: cannot run {argv[0]}: {exc.strerror}") from None
        if proc.returncode != 0:
            raise RenderError(f"{path}: {summarize_kustomize_error(proc.stderr)}")
        return proc.stdout


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
