"""``adk-gitops.yaml``, read one way for every command: bounded, strict YAML, a mapping
at the top, one line when it is none of those. Each stage interprets its own block:
the render settings (``check.kustomize``: kustomize/buildoptions.py), the check
configuration (``check:``, check/checkconfig.py), this repository's URL
(``argocd.repoURL``, argocd/applications.py) and new-env's defaults (envgen/config.py).

A file is parsed once per run however many stages read it (keyed by its path, size
and modification time)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from adk_gitops import CONFIG_FILE, bounded, git, yamlread
from adk_gitops.errors import AdkGitopsError


class RepoConfigError(AdkGitopsError):
    """The configuration file cannot be read, is not YAML, or is not a mapping."""


@dataclass(frozen=True)
class ConfigFile:
    """One configuration as read: ``data`` is None when there is no file (or it is
    empty); ``explicit`` when it came from ``--config FILE``, which may hold the
    ``check:`` block itself."""

    label: str  # how messages name it: adk-gitops.yaml, the --config path, or REF:adk-gitops.yaml
    data: Mapping[str, Any] | None = None
    explicit: bool = False

    def section(self, name: str) -> Any:
        """A top-level block (``argocd``, ``check``), None when absent."""
        return self.data.get(name) if self.data is not None else None

    def check_block(self) -> Any:
        """The ``check:`` block; a --config file without one is that block itself."""
        if self.data is None:
            return None
        return self.data.get("check", self.data if self.explicit else None)


def read(root: Path, explicit: Path | None = None) -> ConfigFile:
    """``--config FILE`` when given, else the repository's ``adk-gitops.yaml`` at
    ``root`` (absent: a ConfigFile without data). RepoConfigError when it cannot be read,
    leaves the repository through a link, or is not a YAML mapping."""
    path = explicit if explicit is not None else root / CONFIG_FILE
    label = str(path) if explicit is not None else CONFIG_FILE
    if explicit is None and not path.is_file():
        return ConfigFile(label)
    # The repository's own file is the repository's: a committed link out of it is not
    # followed (its target's words could reach a CI log through a YAML error). A file
    # given with --config is the user's own choice, wherever it is.
    why = bounded.outside_reason(path, root.resolve()) if explicit is None else None
    if why:
        raise RepoConfigError(f"{label}: {why}")
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise RepoConfigError(f"--config {path}: no such file") from None
    except OSError as exc:
        raise RepoConfigError(f"{label}: cannot read: {exc}") from None
    return _read(str(path), label, explicit is not None, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=16)
def _read(path: str, label: str, explicit: bool, size: int, mtime_ns: int) -> ConfigFile:
    try:
        text = bounded.read_text(Path(path), bounded.MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise RepoConfigError(
            f"--config {path}: no such file" if explicit else f"{label}: no such file"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RepoConfigError(f"{label}: cannot read: {exc}") from None
    return parse(text, label, explicit=explicit)


def parse(text: str, label: str, *, explicit: bool = False) -> ConfigFile:
    """A configuration's text, as ``read`` judges a file's."""
    try:
        doc = yamlread.load(text, label, keep=True)
    except yamlread.YamlError as exc:
        raise RepoConfigError(str(exc)) from None
    if doc is None:
        return ConfigFile(label, None, explicit)
    if not isinstance(doc, dict):
        raise RepoConfigError(f"{label}: must be a mapping")
    return ConfigFile(label, doc, explicit)


def at_ref(root: Path, ref: str, *, what: str) -> ConfigFile:
    """The repository's configuration as committed at ``ref`` (git's object store: no
    checkout, no filter), for what a pull request must not change for itself. ``what``
    names the option that gave the ref, in a failure's one line."""
    text = git.show(root, ref, CONFIG_FILE, what=what)
    return parse(text or "", f"{ref}:{CONFIG_FILE}")
