from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.check.model import Severity
from adk_gitops.commands._common import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    AllowRemoteOpt,
    NoSandboxOpt,
    RepoOpt,
    TargetArg,
    domain_errors,
    renderer_for,
    repo_root,
    say,
    write_output,
)


class PlanFormat(StrEnum):
    text = "text"
    json = "json"


def plan(
    path: TargetArg,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", "-o", help="Output format.")
    ] = PlanFormat.text,
    output: Annotated[Path | None, typer.Option(help="Write the plan to FILE instead of stdout.")] = None,
    create_namespace: Annotated[
        str | None,
        typer.Option(
            help="Namespace Argo CD creates first (CreateNamespace=true). Default: read from the "
            "overlay's Application under argocd/."
        ),
    ] = None,
    fail_on: Annotated[
        Severity, typer.Option(help="Lowest severity that fails the plan (exit 1), as for check.")
    ] = Severity.ERROR,
    config: Annotated[
        Path | None,
        typer.Option(help="Read the check: configuration from FILE instead of the repo's adk-gitops.yaml."),
    ] = None,
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
) -> None:
    """Show the order Argo CD will sync in, what each step waits for, and whether
    the first sync can complete; report the sync rules' findings as check does
    (same ids, severities and suppressions).

    Exit 0 when no sync finding at or above --fail-on (default error) remains, 1 when
    one does, 2 on errors.
    """

    from adk_gitops.check import checkconfig
    from adk_gitops.check.rules._context import repo_index
    from adk_gitops.check.syncfindings import sync_findings
    from adk_gitops.reporters.plan import plan_json, plan_text
    from adk_gitops.targets.discover import STDIN, named
    from adk_gitops.targets.load import read_rendered

    root = repo_root(repo)
    folder = None if path == STDIN else named(path, root)
    if folder is not None and not folder.is_dir():
        folder = None  # a rendered file: nothing to render, no Application of its own
    with domain_errors():
        renderer = (
            renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox, config=config)
            if folder is not None
            else None
        )
        rendered = read_rendered(path, root, renderer)
        settings = checkconfig.load(root, config)
    judged = sync_findings(
        rendered.label,
        rendered.resources,
        folder=folder,
        index=repo_index(root, settings.repo_url),
        config=settings,
        create_namespace=create_namespace,
    )
    found = judged.application
    if create_namespace is None and judged.create_namespace and found is not None:
        say(f"# CreateNamespace={judged.create_namespace} from Application {found.name} ({found.file})")
    findings = judged.findings
    result = judged.plan
    text = (
        plan_json(result, findings)
        if output_format is PlanFormat.json
        else plan_text(result, rendered.label, findings)
    )
    write_output(text, output)
    failed = any(f.severity.rank >= fail_on.rank and not f.suppressed for f in findings)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
