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
    path: Annotated[str, typer.Argument(help="Overlay directory, rendered YAML file, or - for stdin.")],
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
    from adk_gitops.check.engine import run_rules
    from adk_gitops.check.rules import SYNC_RULES, get
    from adk_gitops.check.rules._context import Context, repo_index
    from adk_gitops.reporters.plan import plan_json, plan_text
    from adk_gitops.targets.load import read_rendered

    root = repo_root(repo)
    with domain_errors():
        renderer = (
            renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox, config=config)
            if Path(path).is_dir()
            else None
        )
        rendered = read_rendered(path, root, renderer)
        settings = checkconfig.load(root, config)
    index = repo_index(root, settings.repo_url)
    created, destination, found = index.deployment(
        Path(path) if path != "-" and Path(path).is_dir() else None
    )
    if found is not None and create_namespace is None and created:
        create_namespace = created
        say(f"# CreateNamespace={create_namespace} from Application {found.name} ({found.file})")
    ctx = Context(
        rendered.label,
        rendered.resources,
        default_file=rendered.label,
        settings=settings.for_target(rendered.label),
        adk_selector=settings.adk_selector,
        create_namespace=create_namespace,
        # CreateNamespace=true creates the destination's namespace: --create-namespace names it.
        destination_namespace=destination or create_namespace,
        repo=index,
        application=found,
    )
    findings = run_rules(ctx, SYNC_RULES)
    if found is not None and not found.generated:
        # What the AppProject refuses of the Application itself ends the sync too.
        app_ctx = Context(found.file, (found.resource,), repo=index, default_file=found.file)
        findings += run_rules(app_ctx, [get("appproject-permits-application")])
    findings.sort()
    result = ctx.plan
    text = (
        plan_json(result, findings)
        if output_format is PlanFormat.json
        else plan_text(result, rendered.label, findings)
    )
    write_output(text, output)
    failed = any(f.severity.rank >= fail_on.rank and not f.suppressed for f in findings)
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
