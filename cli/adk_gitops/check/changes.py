"""Which targets a change affects, for a pre-commit-fast ``check``.

An overlay is affected when a changed file is in its kustomization graph: its own
files, the bases and components it includes and every file they read (patches,
generator inputs, values). So a changed base re-checks every overlay that uses
it, and a changed values file only its environment. ``argocd/`` is affected when
a file under it changed. ``adk-gitops.yaml`` holds the check configuration: a
change to it affects everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adk_gitops import CONFIG_FILE, git
from adk_gitops.bounded import RealPaths
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kustomize import guard, kustomization
from adk_gitops.kustomize.batch import BatchRun
from adk_gitops.targets.discover import Target, TargetKind, discover, targets_from_args


def affected(targets: Sequence[Target], changed: Sequence[Path], root: Path) -> list[Target]:
    """The targets a change to the files ``changed`` affects, in order."""
    real_paths = RealPaths()  # the fleet's folders and links, each looked at once
    real_root = real_paths.resolve(root)
    paths = {real_paths.resolve(p if p.is_absolute() else root / p) for p in changed}
    if (real_root / CONFIG_FILE) in paths:
        return list(targets)
    argocd = real_root / "argocd"
    picked: list[Target] = []
    memo: dict[Path, frozenset[Path]] = {}  # the shared bases and components, walked once
    for target in targets:
        if target.path is None:
            continue
        if target.kind is TargetKind.KUSTOMIZATION:
            graph = kustomization.graph_files(
                target.path, is_remote=guard.is_remote, memo=memo, real_paths=real_paths
            )
            if graph & paths:
                picked.append(target)
        elif real_paths.resolve(target.path) == argocd and any(p.is_relative_to(argocd) for p in paths):
            picked.append(target)
    return picked


def changed_since(root: Path, ref: str) -> list[Path]:
    """Files that differ between ``ref`` and HEAD (``git diff REF...HEAD``: the
    change a pull request makes). Tree to tree: git reads no working tree, runs no
    fsmonitor, external diff or textconv; system and global config are ignored."""
    if ref.startswith("-") or not ref.strip():
        raise AdkGitopsError(f"--changed-from {ref!r}: not a git revision")
    args = ["diff", "--name-only", "--no-renames", "--no-ext-diff", "--no-textconv", f"{ref}...HEAD", "--"]
    names = git.run(root, *args, what=f"--changed-from {ref}").decode("utf-8", "surrogateescape").splitlines()
    return [root / name for name in names if name]


@dataclass(frozen=True)
class Selection:
    """What ``check`` checks: ``targets``, out of every target ``discovered`` in the
    repository, and what a change-based selection says about itself ("" otherwise).
    ``asked``: the question it answers (root, paths, changed, changed_from)."""

    targets: list[Target]
    discovered: list[Target]
    note: str = ""
    asked: tuple[object, ...] = ()


def select(
    root: Path,
    paths: Sequence[str],
    *,
    changed: bool = False,
    changed_from: str | None = None,
    known: Selection | None = None,
) -> Selection:
    """The named targets, those a change affects (``changed``: ``paths`` are the changed
    files, as pre-commit passes them; ``changed_from``: the change since that git ref),
    or every target of the repository. AdkGitopsError when there is nothing to check.
    ``known``: this very question answered moments ago in this process (kustomize's
    head start), taken instead of walking the repository again."""
    asked = (root.absolute(), tuple(paths), changed, changed_from)
    if known is not None and known.asked == asked:
        return known
    discovered = discover(root)
    if changed or changed_from:
        files = [Path(p) for p in paths] if changed else changed_since(root, str(changed_from))
        targets = affected(discovered, files, root)
        note = f"{len(files)} changed file(s) affect {len(targets)} of {len(discovered)} target(s)"
        return Selection(targets, discovered, note, asked)
    targets = targets_from_args(paths, root) if paths else discovered
    if not targets:
        raise AdkGitopsError(f"nothing to check: no overlays/ or argocd/ in {root} and no PATH given")
    return Selection(targets, discovered, "", asked)


@dataclass(frozen=True)
class HeadStart:
    """What started before the command line was parsed (prestart.py): the render of
    the one overlay checked, and the selection that found it."""

    run: BatchRun
    selection: Selection

    def discard(self) -> None:
        self.run.discard()
