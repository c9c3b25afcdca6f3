from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

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


class DiffFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"
    github = "github"


class ImpactChoice(StrEnum):
    any = "any"
    migration = "migration"
    rollout = "rollout"
    sync_error = "sync-error"


def diff(
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Overlays or environment names (or argocd) to diff; default: every one the change affects."
        ),
    ] = None,
    from_ref: Annotated[
        str | None,
        typer.Option(
            "--changed-from",
            "--from",
            metavar="REF",
            help="Diff the change since git REF (its merge base with HEAD), as check --changed-from "
            "reads it (default: the default branch).",
        ),
    ] = None,
    output_format: Annotated[
        DiffFormat,
        typer.Option("--format", "-o", help="text, markdown (a PR comment), json, github (job summary)."),
    ] = DiffFormat.text,
    output: Annotated[Path | None, typer.Option(help="Write the report to FILE instead of stdout.")] = None,
    fail_on_impact: Annotated[
        ImpactChoice,
        typer.Option(help="Exit 1 only when some environment has this impact (any: every change)."),
    ] = ImpactChoice.any,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Parallel kustomize processes (default: CPUs).")
    ] = None,
    timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds rendering may take in all; a hung kustomize is killed then."),
    ] = 120.0,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
    repo: RepoOpt = None,
) -> None:
    """What the change since the default branch does to each environment, as Argo CD will apply it.

    Both sides render exactly as `check` renders (sandboxed, no network). Hooks are
    shown like every object; Secret values are masked. Exit 0: no change; 1: a
    change (with --fail-on-impact, only that impact); 2: error.
    """
    from adk_gitops.diff.impacts import Impact
    from adk_gitops.diff.preview import diff_repository
    from adk_gitops.diff.revisions import default_base
    from adk_gitops.reporters.diff import diff_json, diff_markdown, diff_text

    root = repo_root(repo)
    with domain_errors():
        trusted = from_ref or default_base(root)
        renderer = renderer_for(
            root, allow_remote=allow_remote, no_sandbox=no_sandbox, trusted_ref=trusted, ref_option="--from"
        )
        report = diff_repository(root, from_ref, paths or [], renderer, jobs=jobs, render_timeout=timeout)
    if output_format is DiffFormat.json:
        text = diff_json(report)
    elif output_format in (DiffFormat.markdown, DiffFormat.github):
        text = diff_markdown(report)
    else:
        text = diff_text(report, colour=output is None and sys.stdout.isatty())
    write_output(text, output)
    if fail_on_impact is ImpactChoice.any:
        failed = report.changed
    else:
        failed = report.has(Impact(fail_on_impact.value))
    raise typer.Exit(EXIT_FINDINGS if failed else EXIT_CLEAN)
