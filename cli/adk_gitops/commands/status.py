from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adk_gitops.commands._cluster import ContextOpt, EnvArg, FormatOpt, KubeconfigOpt, LiveFormat
from adk_gitops.commands._common import (
    AllowRemoteOpt,
    NoSandboxOpt,
    RepoOpt,
    domain_errors,
    renderer_for,
    repo_root,
    write_output,
)

if TYPE_CHECKING:
    from adk_gitops.live.status import StatusReport

EXIT_PROGRESSING = 3
WATCH_INTERVAL_S = 2.0
CLEAR = "\x1b[H\x1b[2J"  # cursor home, clear screen: the live view on a terminal


def status(
    env: EnvArg,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    output_format: FormatOpt = LiveFormat.text,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", "-w", help="Follow until the hook and the sync finish (JSON: one line per change)."
        ),
    ] = False,
    logs: Annotated[
        int,
        typer.Option(
            "--logs", min=0, help="Show the last N log lines of each failed container (0: none).", metavar="N"
        ),
    ] = 20,
    output: Annotated[Path | None, typer.Option(help="Write the result to FILE instead of stdout.")] = None,
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
) -> None:
    """Where the sync stands and why it waits: the Argo CD Application (sync,
    health, operation, hook results), the migration Job, its pods and events, the
    logs of a failed migration, and one diagnosis per problem with its fix.

    Exit 0 synced and healthy, 1 failed, degraded or stuck, 2 cannot connect or
    bad usage, 3 still in progress.
    """
    from adk_gitops.errors import AdkGitopsError
    from adk_gitops.live import api, environment
    from adk_gitops.live.status import Phase, collect
    from adk_gitops.reporters.status import status_json, status_text

    root = repo_root(repo)
    with domain_errors():
        where = environment.load(
            root, env, renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox)
        )
        if where.application is None and not where.hook_jobs:
            raise AdkGitopsError(
                f"{env}: nothing to report on: no Argo CD Application in argocd/ syncs this overlay "
                "and it renders no hook Job"
            )
        cluster = api.connect(kubeconfig, context)
        report = collect(cluster, where, log_lines=logs)
        if watch:
            report = _follow(
                report, lambda: collect(cluster, where, log_lines=logs), output_format, stream=output is None
            )
        if not watch or output is not None:  # with --watch --output, only the final state, to FILE
            text = status_json(report) if output_format is LiveFormat.json else status_text(report)
            write_output(text, output)
    codes = {Phase.SYNCED: 0, Phase.FAILED: 1, Phase.PROGRESSING: EXIT_PROGRESSING}
    raise typer.Exit(codes[report.phase])


def _follow(
    report: StatusReport, refresh: Callable[[], StatusReport], output_format: LiveFormat, *, stream: bool
) -> StatusReport:
    """--watch: read again every few seconds until the hook and the sync settle;
    show each change (redrawn on a terminal, one JSON line per change otherwise)."""
    from adk_gitops.reporters.status import status_json, status_text

    live = stream and sys.stdout.isatty() and output_format is LiveFormat.text
    shown = ""
    while True:
        text = status_json(report, compact=True) if output_format is LiveFormat.json else status_text(report)
        if stream and text != shown:
            if live:
                sys.stdout.write(CLEAR)
            elif output_format is LiveFormat.text and shown:
                sys.stdout.write("\n")
            sys.stdout.write(text)
            sys.stdout.flush()
            shown = text
        if report.settled:
            return report
        time.sleep(WATCH_INTERVAL_S)
        report = refresh()
