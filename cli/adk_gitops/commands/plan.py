from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from adk_gitops.commands._common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    AllowRemoteOpt,
    RepoOpt,
    domain_errors,
    repo_root,
    say,
)


class PlanFormat(StrEnum):
    text = "text"
    json = "json"


def plan(
    path: Annotated[str, typer.Argument(help="Overlay directory, rendered YAML file, or - for stdin.")],
    output_format: Annotated[
        PlanFormat, typer.Option("--output", "-o", help="Output format.")
    ] = PlanFormat.text,
    create_namespace: Annotated[
        str | None,
        typer.Option(
            help="Namespace Argo CD creates first (CreateNamespace=true). Default: read from the "
            "overlay's Application under argocd/."
        ),
    ] = None,
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
) -> None:
    """Show the order Argo CD will sync in, and whether the first sync can complete.

    Exit 0 when the first sync can complete, 1 when it can deadlock, 2 on errors.
    """
    from dataclasses import replace
    from pathlib import Path

    from adk_gitops.applications import application_for
    from adk_gitops.inputs import read_rendered
    from adk_gitops.renderer import find_renderer
    from adk_gitops.reporters.plan import plan_json, plan_text
    from adk_gitops.syncplan import build_plan

    root = repo_root(repo)
    with domain_errors():
        renderer = replace(find_renderer(), allow_remote=allow_remote) if Path(path).is_dir() else None
        rendered = read_rendered(path, root, renderer)
    if create_namespace is None and path != "-" and Path(path).is_dir():
        found = application_for(Path(path))
        if found is not None and found.create_namespace:
            create_namespace = found.destination_namespace
            namespace = found.destination_namespace
            say(f"# CreateNamespace={namespace} from Application {found.name} ({found.file})")
    result = build_plan(rendered.resources, create_namespace=create_namespace)
    text = plan_json(result) if output_format is PlanFormat.json else plan_text(result, rendered.label)
    typer.echo(text, nl=False)
    raise typer.Exit(EXIT_CLEAN if result.first_sync_ok else EXIT_FINDINGS)
