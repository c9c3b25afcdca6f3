"""The console script's entry: answers ``--version`` without importing Typer
(~150 ms), starts ``check OVERLAY``'s render before importing it (prestart.py),
then hands everything to the Typer app."""

from __future__ import annotations

import sys

from adk_gitops import __version__


def main() -> None:
    argv = sys.argv[1:]
    if argv == ["--version"]:
        print(f"adk-gitops {__version__}")
        return
    from adk_gitops.prestart import begin

    head_start = begin(argv)
    try:
        from adk_gitops.commands.app import main as run

        run(head_start)
    finally:
        if head_start is not None:
            head_start.discard()  # not taken (another render was asked for, or the run failed first)
