"""``adk-gitops``: the command-line entry point. Start-up stays light: command
bodies import what they need, so ``--help`` and ``--version`` are fast."""

from __future__ import annotations

import errno
import os
import sys
from typing import Annotated

# Plain click help and errors: Typer's rich formatting imports ~200 ms of
# markdown and layout code on every start, and --help must stay fast. A user's
# explicit TYPER_USE_RICH still wins.
os.environ.setdefault("TYPER_USE_RICH", "0")

import typer

from adk_gitops import __version__
from adk_gitops.commands.check import check
from adk_gitops.commands.diff import diff
from adk_gitops.commands.init import init
from adk_gitops.commands.new_env import new_env
from adk_gitops.commands.plan import plan
from adk_gitops.commands.preflight import preflight
from adk_gitops.commands.render import render
from adk_gitops.commands.rules import rules_app
from adk_gitops.commands.run_hook import run_hook
from adk_gitops.commands.set_image import promote, set_app_secret, set_image, set_migration
from adk_gitops.commands.status import status

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


app.command()(init)
app.command()(check)
app.command()(render)
app.command()(plan)
app.command()(diff)
app.command()(preflight)
app.command()(status)
app.command(name="run-hook")(run_hook)
app.command(name="new-env")(new_env)
app.command(name="set-image")(set_image)
app.command(name="set-migration")(set_migration)
app.command(name="set-app-secret")(set_app_secret)
app.command()(promote)
app.add_typer(rules_app, name="rules")


def main(head_start: object = None) -> None:
    """Entry point. A bug surfaces as one line and exit 2, never a traceback,
    unless ADK_GITOPS_DEBUG is set. ``head_start``: a render started before Typer
    loaded (prestart.py), handed to the command as its context object."""
    try:
        try:
            app(standalone_mode=True, obj=head_start)
        finally:
            sys.stdout.flush()  # a full disk or closed pipe surfaces here, not at exit
    except SystemExit:
        raise
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRNOS:
            _internal_error(exc)
        # Nothing more can be written to stdout: what is still buffered goes to
        # /dev/null (the interpreter flushes again at exit); say it on stderr, once.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"adk-gitops: error: cannot write the output: {exc.strerror}", file=sys.stderr)
        sys.exit(2)
    except Exception as exc:
        _internal_error(exc)


# A full disk, a closed pipe (`| head`), an I/O error on the terminal.
_OUTPUT_ERRNOS = frozenset({errno.ENOSPC, errno.EPIPE, errno.EIO, errno.EBADF})


def _internal_error(exc: Exception) -> None:
    if os.environ.get("ADK_GITOPS_DEBUG"):
        raise exc
    from adk_gitops.redact import safe

    print(
        f"adk-gitops: internal error: {type(exc).__name__}: {safe(str(exc))} "
        "(a bug: please report it; ADK_GITOPS_DEBUG=1 shows the traceback)",
        file=sys.stderr,
    )
    sys.exit(2)
