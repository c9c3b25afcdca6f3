"""kustomize's head start: ``check OVERLAY`` (what a pre-commit hook and an editor
run) recognised from the command line before Typer, the rule catalogue or the
schemas are imported, and its render started at once, so those imports overlap it
instead of preceding it.

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
    from adk_gitops.batch import BatchRun

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
}


def overlay_of(argv: list[str]) -> str | None:
    """The one overlay ``check`` is asked for, if the command line is a plain
    ``check PATH`` with options that do not change rendering; else None."""
    if not argv or argv[0] != "check":
        return None
    positional: list[str] = []
    words = iter(argv[1:])
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
            continue
        positional.append(word)
    return positional[0] if len(positional) == 1 else None


def begin(argv: list[str]) -> BatchRun | None:
    """Start the render of ``check OVERLAY``'s overlay; None when the command line
    is not one, or the render cannot start here (the command will say why)."""
    raw = overlay_of(argv)
    if raw is None:
        return None
    from adk_gitops import guard, kustomization
    from adk_gitops.batch import start_batch
    from adk_gitops.buildoptions import configure
    from adk_gitops.renderer import BUILD_TIMEOUT_S

    try:
        path = Path(raw)
        if not path.is_dir() or kustomization.kustomization_file(path) is None:
            return None
        root = guard.find_root(Path.cwd())
        if guard.outside_reason(path, root.resolve()) or kustomization.is_component(path):
            return None
        renderer, _ = configure(root)
        return start_batch(renderer, [path], root, timeout=BUILD_TIMEOUT_S)
    except Exception:  # no head start: the command reports whatever this was
        return None
