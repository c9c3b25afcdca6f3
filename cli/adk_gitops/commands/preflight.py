from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.commands._cluster import ContextOpt, EnvArg, FormatOpt, KubeconfigOpt, LiveFormat
from adk_gitops.commands._common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    AllowRemoteOpt,
    NoSandboxOpt,
    RepoOpt,
    domain_errors,
    renderer_for,
    repo_root,
    write_output,
)


def preflight(
    env: EnvArg,
    kubeconfig: KubeconfigOpt = None,
    context: ContextOpt = None,
    output_format: FormatOpt = LiveFormat.text,
    output: Annotated[Path | None, typer.Option(help="Write the result to FILE instead of stdout.")] = None,
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
) -> None:
    """Before the first sync: ask the cluster whether it will work.

    Renders the overlay, then checks the server version (native sidecars need
    1.29+), Argo CD, the destination namespace, every Secret and key the pods read
    (key names only, never values), and server-side dry-runs every object (strict
    field validation, Pod Security warnings). Writes nothing to the cluster.

    Exit 0 ready, 1 not ready (each reason on one line with its fix), 2 cannot
    connect or bad usage.
    """
    from adk_gitops.live import api, environment
    from adk_gitops.live.preflight import run
    from adk_gitops.reporters.preflight import preflight_json, preflight_text

    root = repo_root(repo)
    with domain_errors():
        where = environment.load(
            root, env, renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox)
        )
        report = run(api.connect(kubeconfig, context), where)
    text = preflight_json(report) if output_format is LiveFormat.json else preflight_text(report)
    write_output(text, output)
    raise typer.Exit(EXIT_CLEAN if report.ready else EXIT_FINDINGS)
