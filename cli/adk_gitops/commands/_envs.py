"""Options and output shared by new-env, set-image and promote."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from adk_gitops.commands._common import EXIT_CLEAN, EXIT_FINDINGS, say

if TYPE_CHECKING:
    from adk_gitops.envgen.flow import Result

DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Write nothing: list the files and show the diff.")
]
NoValidateOpt = Annotated[
    bool, typer.Option("--no-validate", help="Skip rendering and checking the result before writing.")
]


def report(result: Result, what: str) -> None:
    """Print the outcome (diffs are data: stdout; messages: stderr) and exit."""
    from adk_gitops.envgen.flow import Outcome
    from adk_gitops.reporters import check_text

    if result.outcome is Outcome.UNCHANGED:
        say(f"{what}: already up to date, nothing to do")
        raise typer.Exit(EXIT_CLEAN)
    if result.outcome is Outcome.PREVIEW:
        say(f"{what}: would write (--dry-run, nothing written):\n{result.summary()}".rstrip())
        sys.stdout.write(result.diff)
        raise typer.Exit(EXIT_CLEAN)
    if result.outcome is Outcome.CONFLICT:
        sys.stdout.write(result.diff)
        say(f"adk-gitops: refused: {what}: existing files differ (diff above); --force overwrites them")
        raise typer.Exit(EXIT_FINDINGS)
    if result.outcome is Outcome.CHECK_FAILED:
        assert result.report is not None
        say(check_text.render(result.report).rstrip())
        say(f"adk-gitops: refused: {what} would not pass `adk-gitops check`; nothing written")
        raise typer.Exit(EXIT_FINDINGS)
    say(f"{what}: wrote\n{result.summary()}".rstrip())
