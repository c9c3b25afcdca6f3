"""What kustomize may read, decided before it runs.

``check`` runs on untrusted pull requests, so a kustomization must not make it
execute code, reach the network or read outside the repository:

- **Remote references** (``https://…``, ``github.com/org/repo``, ``git::…``,
  ``…?ref=…``) make kustomize run ``git`` or fetch over HTTP. A ref such as
  ``?ref=--upload-pack=CMD`` becomes a git option, i.e. a shell command. They are
  refused unless the user passes ``--allow-remote``; a ref beginning with ``-`` is
  refused always.
- **Paths leaving the repository** (``../../../etc``, a symlink to ``$HOME``) or
  reaching into ``.git/`` (where ``actions/checkout`` persists its token) are
  refused always. Kustomize's own load restrictor keeps files under each
  kustomization's root, but a symlinked overlay moves that root; so every path is
  resolved as kustomize resolves it (symlinks followed) and judged here.

Only fields that name files or kustomizations are read; inline patches and values
are data, never paths. https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from adk_gitops import CONFIG_FILE
from adk_gitops.bounded import RealPaths, outside_reason
from adk_gitops.kustomize import kustomization
from adk_gitops.kustomize.remotebases import RemoteBases


class Why(StrEnum):
    REMOTE = "remote"  # kustomize would fetch it (git or HTTP)
    OUTSIDE = "outside"  # resolves outside the repository, or into .git/
    UNREADABLE = "unreadable"  # we cannot read it safely, so kustomize may not either


@dataclass(frozen=True)
class Refusal:
    file: Path  # the kustomization file that names the entry
    entry: str
    why: Why
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry!r}: {self.detail}"


# kustomize's own remote forms: api/internal/git/repospec.go and api/loader/fileloader.go.
_REMOTE_PREFIXES = ("git@", "git::", "gh:", "ssh:", "https:", "http:", "file:")
_REMOTE_QUERY = re.compile(r"\?(ref|version|timeout|submodules)=")
_HOST = re.compile(r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:\d+)?")
_DANGEROUS_REF = re.compile(r"[?&](ref|version)=-")


def find_root(start: Path) -> Path:
    """The repository around ``start``: the nearest folder holding ``.git`` or
    ``adk-gitops.yaml``; ``start`` itself when none does. No ``git`` is run: a
    repository's own config can make git execute commands."""
    here = start.absolute()
    for folder in (here, *here.parents):
        if (folder / ".git").exists() or (folder / CONFIG_FILE).is_file():
            return folder
    return here


def is_remote(entry: str) -> bool:
    """Whether kustomize would fetch ``entry`` rather than read a local path."""
    return remote_reason(entry) is not None


def remote_reason(entry: str, base: Path | None = None) -> str | None:
    """Why kustomize would fetch ``entry`` rather than read a local path, or None.
    ``base``: the kustomization's folder, where a local file of that name wins."""
    text = entry.strip()
    if "://" in text or text.lower().startswith(_REMOTE_PREFIXES):
        return "a remote reference: kustomize would fetch it"
    if _REMOTE_QUERY.search(text) or "_git/" in text or ".git//" in text:
        return "a remote reference: kustomize would fetch it with git"
    first = text.split("/", 1)[0]
    # kustomize reads a local *file* first, but tries a host-like directory as a
    # git repository before the local folder (api/loader/fileloader.go, New).
    host_like = "/" in text and first not in (".", "..") and _HOST.fullmatch(first)
    if host_like and (base is None or not (base / text).is_file()):
        return f"a remote reference ({first} is a host): kustomize would fetch it with git"
    return None


def _https(entry: str) -> bool:
    """Whether kustomize would fetch ``entry`` over https (a bare host path means https)."""
    text = entry.strip().lower().removeprefix("git::")
    return text.startswith("https://") or ("://" not in text and not text.startswith(("git@", "gh:", "ssh:")))


@dataclass(frozen=True)
class Inspection:
    """What the kustomization at a folder (and every local one it includes) would
    make kustomize fetch or read: what is refused, and the remote references allowed."""

    refusals: tuple[Refusal, ...]
    remotes: tuple[str, ...]  # allowed remote references, for the sandbox's network filter


def refusals(directory: Path, root: Path, *, allow_remote: bool = False) -> list[Refusal]:
    """Everything the kustomization at ``directory`` (and every local one it
    includes) would make kustomize fetch or read that is not allowed."""
    return list(inspect(directory, root, allow_remote=allow_remote).refusals)


def inspect(
    directory: Path,
    root: Path,
    *,
    allow_remote: bool = False,
    remote_bases: RemoteBases | None = None,
    helm: bool = False,
) -> Inspection:
    """The guard's walk: refusals, and the remote references it lets through (every
    https one with ``allow_remote``; else those ``remote_bases`` admits). ``helm``:
    kustomize inflates helmCharts (--enable-helm), reading their values files and
    chart folders, which must be in the repository (a chart is never pulled)."""
    # One resolver for the walk: a batch's overlays share their bases and components.
    real_paths = RealPaths()
    root = real_paths.resolve(root)
    found: list[Refusal] = []
    remotes: list[str] = []
    start = directory.absolute()
    why = outside_reason(start, root, real_paths)
    if why:
        return Inspection((Refusal(start, str(directory), Why.OUTSIDE, why),), ())
    seen: set[Path] = set()
    stack = [real_paths.resolve(start)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        file = kustomization.kustomization_file(current)
        if file is None:
            continue
        why = outside_reason(file, root, real_paths)
        if why:
            found.append(Refusal(file, file.name, Why.OUTSIDE, why))
            continue
        doc, problem = kustomization.read(current, real_paths)
        if problem:  # fail closed: what we cannot read, kustomize may read differently
            found.append(Refusal(file, file.name, Why.UNREADABLE, problem))
            continue
        for entry, may_be_dir in kustomization.path_entries(doc):
            remote = remote_reason(entry, current)
            if remote:
                if _DANGEROUS_REF.search(entry):
                    found.append(Refusal(file, entry, Why.REMOTE, "a ref beginning with '-' is a git option"))
                elif not allow_remote and not remote_bases:
                    found.append(Refusal(file, entry, Why.REMOTE, f"{remote} (--allow-remote permits it)"))
                elif not allow_remote and remote_bases and (listed := remote_bases.refusal(entry)):
                    detail = f"{remote}: {listed} (--allow-remote permits it)"
                    found.append(Refusal(file, entry, Why.REMOTE, detail))
                elif not _https(entry):
                    found.append(Refusal(file, entry, Why.REMOTE, "--allow-remote fetches over https only"))
                else:
                    remotes.append(entry)
                continue
            target = kustomization.entry_path(current, entry)
            why = outside_reason(target, root, real_paths)
            if why:
                found.append(Refusal(file, entry, Why.OUTSIDE, why))
            elif may_be_dir and target.is_dir():
                stack.append(real_paths.resolve(target))
        if helm:
            found += _helm_refusals(file, current, root, real_paths)
    return Inspection(tuple(found), tuple(dict.fromkeys(remotes)))


def _helm_refusals(file: Path, current: Path, root: Path, real_paths: RealPaths) -> list[Refusal]:
    """What inflating the kustomization's helmCharts would read or fetch that is not
    allowed. A chart missing from its chartHome would be pulled by ``helm pull
    --untardir`` into the repository, which the sandbox mounts read-only (as Argo CD
    would pull it into its own checkout): the chart must be vendored."""
    found = []
    for entry, repo in kustomization.helm_entries(kustomization.load(current)):
        if remote_reason(entry):
            found.append(Refusal(file, entry, Why.REMOTE, "a remote values file: vendor it"))
            continue
        target = kustomization.entry_path(current, entry)
        why = outside_reason(target, root, real_paths)
        if why:
            found.append(Refusal(file, entry, Why.OUTSIDE, why))
        elif repo is not None and not target.is_dir():
            found.append(
                Refusal(
                    file,
                    repo,
                    Why.REMOTE,
                    f"a Helm chart repository, and {entry} is not in the repository: check renders "
                    f"charts vendored into chartHome, never pulled (helm pull --repo {repo} NAME "
                    f"--version V --untar --untardir {entry.rsplit('/', 1)[0]})",
                )
            )
    return found
