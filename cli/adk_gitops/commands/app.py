"""``adk-gitops``: the command-line entry point. Start-up stays light: command
bodies import what they need, so ``--help`` and ``--version`` are fast."""

from __future__ import annotations

from typing import Annotated

import typer

from adk_gitops import __version__
from adk_gitops.commands.plan import plan
from adk_gitops.commands.render import render
from adk_gitops.commands.run_hook import run_hook

app = typer.Typer(
    name="adk-gitops",
    help="Run Google ADK agents on Kubernetes with Argo CD: render, plan and check GitOps overlays.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=True,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"adk-gitops {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Run Google ADK agents on Kubernetes with Argo CD: render, plan and check GitOps overlays."""


app.command()(render)
app.command()(plan)
app.command(name="run-hook")(run_hook)


def main() -> None:
    app()
