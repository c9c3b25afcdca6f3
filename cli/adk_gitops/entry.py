"""The console script's entry: answers ``--version``, and ``--help`` on a terminal
of the usual width, without importing Typer (~80 ms); starts ``check OVERLAY``'s
render before importing it (prestart.py); then hands everything to the Typer app."""

from __future__ import annotations

import gc
import signal
import sys
from pathlib import Path

from adk_gitops import __version__
from adk_gitops.errors import Terminated

HELP_WIDTH = 78  # click's width on a terminal of 80 columns or more, and off a terminal
# ``adk-gitops --help`` as Typer prints it at HELP_WIDTH, written by scripts/gen-docs.py
# (docgen.top_level_help); tests/docs/test_docs.py keeps the two equal.
HELP_FILE = Path(__file__).resolve().parent / "commands" / "help.txt"


def main() -> None:
    # A run allocates hundreds of thousands of objects that live until it ends (modules,
    # parsed manifests) and almost none in cycles; at Python's default first threshold
    # (700 allocations) the collector walks them again and again, and a full pass over a
    # 100-environment fleet's data is ~30 ms on the critical path. So collect ~70x less
    # often, as mypy does (mypy/main.py, gc.set_threshold).
    gc.set_threshold(50_000, 20, 20)
    signal.signal(signal.SIGTERM, _terminate)
    argv = sys.argv[1:]
    if argv == ["--version"]:
        print(f"adk-gitops {__version__}")
        return
    if argv in (["--help"], ["-h"]) and _print_help():
        return
    try:
        _run(argv)
    except Terminated:  # before Typer took over (which maps it to exit 130)
        print("adk-gitops: terminated", file=sys.stderr)
        sys.exit(143)


def _run(argv: list[str]) -> None:
    from adk_gitops.prestart import begin

    head_start = begin(argv)
    try:
        from adk_gitops.commands.app import main as run

        run(head_start)
    finally:
        if head_start is not None:
            head_start.discard()  # not taken (another render was asked for, or the run failed first)


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM stops a run as Ctrl-C does: whatever it started is stopped and removed
    (without this, Python would exit at once, leaving kustomize and its batch folders)."""
    raise Terminated


def _print_help() -> bool:
    """Print the stored top-level help when Typer would print that very text: invoked
    as ``adk-gitops``, at click's width (min(columns, 80) - 2, at least 50)."""
    import shutil

    if Path(sys.argv[0]).name != "adk-gitops":
        return False
    if max(min(shutil.get_terminal_size().columns, 80) - 2, 50) != HELP_WIDTH:
        return False
    try:
        text = HELP_FILE.read_text(encoding="utf-8")
    except OSError:
        return False
    sys.stdout.write(text)
    return True
