"""The console script's entry: answers ``--version`` without importing Typer
(~150 ms), then hands everything else to the Typer app."""

from __future__ import annotations

import sys

from adk_gitops import __version__


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"adk-gitops {__version__}")
        return
    from adk_gitops.commands.app import main as run

    run()
