"""The one way every environment edit lands: no-op, preview, refusal, or a
checked, atomic write."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from adk_gitops import txn
from adk_gitops.check.model import Report
from adk_gitops.envgen.apply import ChangeStatus, FileChange, unified_diff, validate, write
from adk_gitops.kustomize.renderer import Renderer


class Outcome(StrEnum):
    UNCHANGED = "unchanged"  # identical re-run: nothing to do
    PREVIEW = "preview"  # --dry-run: nothing written
    CONFLICT = "conflict"  # existing files differ and --force was not given
    CHECK_FAILED = "check-failed"  # the result would not pass check: nothing written
    WRITTEN = "written"


@dataclass(frozen=True)
class Result:
    outcome: Outcome
    changes: tuple[FileChange, ...]
    diff: str
    report: Report | None = None

    def summary(self) -> str:
        return "".join(f"  {c.status:<9} {c.path}\n" for c in self.changes)


P = TypeVar("P")


def planned(root: Path, plan: Callable[[Path], P]) -> P:
    """A plan made under the repository's shared lock, writing nothing (a preview)."""
    with txn.locked(root, readonly=True):
        return plan(root)


def edit(
    root: Path,
    plan: Callable[[Path], P],
    changes_of: Callable[[P], tuple[Sequence[FileChange], Sequence[FileChange]]],
    overlay: str,
    *,
    force: bool = False,
    dry_run: bool = False,
    check_first: bool = True,
    renderer: Callable[[], Renderer],
) -> tuple[P, Result]:
    """Plan an edit and land it under the repository lock (shared for a dry run), so
    nothing changes between reading the repository and writing it. ``changes_of``
    gives the plan's changes and the ones that need --force."""
    with txn.locked(root, readonly=dry_run):
        made = plan(root)
        changes, conflicts = changes_of(made)
        result = land(
            root,
            changes,
            overlay,
            conflicts=conflicts,
            force=force,
            dry_run=dry_run,
            check_first=check_first,
            renderer=renderer,
        )
    return made, result


def land(
    root: Path,
    changes: Sequence[FileChange],
    overlay: str,
    *,
    conflicts: Sequence[FileChange] = (),
    force: bool = False,
    dry_run: bool = False,
    check_first: bool = True,
    renderer: Callable[[], Renderer],
) -> Result:
    changes = tuple(changes)
    diff = unified_diff(changes)
    if all(c.status is ChangeStatus.UNCHANGED for c in changes):
        return Result(Outcome.UNCHANGED, changes, diff)
    if dry_run:
        return Result(Outcome.PREVIEW, changes, diff)
    if conflicts and not force:
        return Result(Outcome.CONFLICT, changes, unified_diff(conflicts))
    # A target behind a link, outside the repository or not writable: refused before
    # anything, the temporary copy included, is written.
    txn.preflight(root, [c.path for c in changes if c.status is not ChangeStatus.UNCHANGED])
    report = validate(root, changes, overlay, renderer()) if check_first else None
    if report is not None and report.failed:
        return Result(Outcome.CHECK_FAILED, changes, diff, report)
    write(root, changes)
    return Result(Outcome.WRITTEN, changes, diff, report)
