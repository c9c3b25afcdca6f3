"""kustomize's head start: ``check OVERLAY``, and ``check --changed FILE...`` when
the change reaches one overlay (what an editor and a pre-commit hook run), recognised
from the command line before Typer, the rule catalogue or the schemas are imported,
and its render started at once, so those imports overlap it instead of preceding it.

The render is exactly the one ``check`` would start (``buildoptions.configure``
with the command's defaults, ``batch.start_batch`` on the same overlay, the same
guard first), and ``check`` adopts it only when its own arguments ask for that very
render (``BatchRun.matches``); otherwise it is discarded and ``check`` renders as
always. Any other command line, or anything unexpected here, means no head start
and nothing said: the command itself then reports what is wrong. Argument errors
still come from Typer.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the module loads with the standard library alone
    from adk_gitops.check.changes import HeadStart, Selection

# check's options that do not change what is rendered, and whether each takes a value.
_NEUTRAL = {
    "-o": True,
    "--format": True,
    "--output": True,
    "--fail-on": True,
    "-k": True,
    "--kubernetes-version": True,
    "--jobs": True,
    "--batch": False,
    "--changed": False,  # the words are changed files, not overlays
}


def planned(argv: list[str]) -> tuple[list[str], bool] | None:
    """A plain ``check`` command line's words and whether ``--changed`` was given, when
    its options do not change rendering; else None."""
    if not argv or argv[0] != "check":
        return None
    positional: list[str] = []
    words = iter(argv[1:])
    changed = False
    for word in words:
        if word == "--":
            positional.extend(words)
            break
        if word.startswith("-") and word != "-":
            name = word.split("=", 1)[0]
            if name not in _NEUTRAL:
                return None
            if _NEUTRAL[name] and "=" not in word and next(words, None) is None:
                return None
            changed = changed or name == "--changed"
            continue
        positional.append(word)
    return positional, changed


def overlay_of(argv: list[str]) -> str | None:
    """The one overlay a plain ``check PATH`` is asked for; else None."""
    found = planned(argv)
    if found is None or found[1] or len(found[0]) != 1:
        return None
    return found[0][0]


def begin(argv: list[str]) -> HeadStart | None:
    """Start the render ``check`` will ask for; None when the command line is not one
    this recognises, or the render cannot start here (the command will say why)."""
    found = planned(argv)
    if found is None or not found[0] or (not found[1] and len(found[0]) != 1):
        return None
    from adk_gitops.check import changes
    from adk_gitops.kustomize import guard
    from adk_gitops.kustomize.batch import start_batch
    from adk_gitops.kustomize.buildoptions import configure
    from adk_gitops.kustomize.renderer import BUILD_TIMEOUT_S

    try:
        words, changed = found
        root = guard.find_root(Path.cwd())
        # What check will check, selected as check selects it (the named overlay, or what
        # the changed files affect) and handed to it, so the repository is walked once.
        selection = changes.select(root, words, changed=changed)
        path = _the_overlay(selection)
        if path is None:
            return None
        renderer, _ = configure(root)
        return changes.HeadStart(start_batch(renderer, [path], root, timeout=BUILD_TIMEOUT_S), selection)
    except Exception:  # no head start: the command reports whatever this was
        return None


def _the_overlay(selection: Selection) -> Path | None:
    """The one overlay a selection holds, or None."""
    from adk_gitops.targets.discover import TargetKind

    picked = selection.targets
    overlays = [t.path for t in picked if t.kind is TargetKind.KUSTOMIZATION and t.path is not None]
    return overlays[0] if len(overlays) == 1 else None
