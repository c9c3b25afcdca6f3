from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from adk_gitops.check.checkconfig import CheckConfig

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

PROGRESS_MIN_TARGETS = 4


class CheckFormat(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"
    junit = "junit"
    github = "github"


def check(
    ctx: typer.Context,
    paths: Annotated[
        list[str] | None,
        typer.Argument(
            help="Overlay directories or environment names (overlays/NAME), rendered YAML files or - for "
            "stdin. Default: every overlay "
            "under overlays/ and the Argo CD manifests under argocd/."
        ),
    ] = None,
    kubernetes_version: Annotated[
        list[str] | None,
        typer.Option(
            "--kubernetes-version",
            "-k",
            help="Kubernetes minor to validate for (repeatable).",
            show_default="1.34",
        ),
    ] = None,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-o", help="Report format.")
    ] = CheckFormat.text,
    output: Annotated[Path | None, typer.Option(help="Write the report to FILE instead of stdout.")] = None,
    fail_on: Annotated[
        Severity, typer.Option(help="Lowest severity that fails the check (exit 1).")
    ] = Severity.ERROR,
    jobs: Annotated[
        int | None, typer.Option(min=1, help="Parallel kustomize processes (default: CPUs).")
    ] = None,
    batch: Annotated[
        bool,
        typer.Option(
            help="Render several overlays per kustomize process (falls back per overlay on failure)."
        ),
    ] = True,
    timeout: Annotated[
        float,
        typer.Option(min=1, help="Seconds rendering may take in all; a hung kustomize is killed then."),
    ] = 120.0,
    changed: Annotated[
        bool,
        typer.Option(
            "--changed",
            help="PATHs are changed files (as pre-commit passes them): check only the overlays "
            "whose kustomization graph reads one, and argocd/ when a file under it changed.",
        ),
    ] = False,
    changed_from: Annotated[
        str | None,
        typer.Option(
            "--changed-from",
            metavar="REF",
            help="Check only what the change since git REF affects (git diff REF...HEAD).",
        ),
    ] = None,
    config: Annotated[
        Path | None,
        typer.Option(help="Read the check: configuration from FILE instead of the repo's adk-gitops.yaml."),
    ] = None,
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
) -> None:
    """Render every overlay with real kustomize and prove it right.

    Exit 0: nothing at or above --fail-on; 1: findings; 2: usage error or no renderer.
    """

    from adk_gitops.check import changes, pipeline
    from adk_gitops.kube import schemas

    root = repo_root(repo)
    with domain_errors():
        wanted = kubernetes_version or [schemas.DEFAULT_VERSION]
        versions = tuple(dict.fromkeys(schemas.normalize_version(v) for v in wanted))
        head = ctx.obj if isinstance(ctx.obj, changes.HeadStart) else None
        selection = changes.select(
            root,
            paths or [],
            changed=changed,
            changed_from=changed_from,
            known=head.selection if head is not None else None,
        )
        if selection.note:
            say(f"adk-gitops: {selection.note}")
        targets = selection.targets
        renderer = None
        if any(t.kind == "kustomization" for t in targets):
            renderer = renderer_for(
                root,
                allow_remote=allow_remote,
                no_sandbox=no_sandbox,
                config=config,
                trusted_ref=changed_from,
            )
        with _progress(len(targets)) as advance:
            report = pipeline.check(
                targets,
                kubernetes_versions=versions,
                fail_on=fail_on,
                repo_root=root,
                discovered=selection.discovered,
                renderer=renderer,
                jobs=jobs,
                batch=batch,
                render_timeout=timeout,
                config=lambda: _load_config(root, config),  # loaded while kustomize runs
                on_progress=advance,
                head_start=head.run if head is not None else None,
                while_rendering=_import_reporters,  # ~25 ms (rich), off the critical path
            )
    from adk_gitops.check.rules import ALL_RULES
    from adk_gitops.reporters import check_github, check_json, check_junit, check_sarif, check_text

    color = (
        output is None
        and output_format is CheckFormat.text
        and sys.stdout.isatty()
        and not os.environ.get("NO_COLOR")
    )
    text = {
        CheckFormat.text: lambda: check_text.render(report, color=color),
        CheckFormat.json: lambda: check_json.render(report),
        CheckFormat.sarif: lambda: check_sarif.render(report, ALL_RULES),
        CheckFormat.junit: lambda: check_junit.render(report),
        CheckFormat.github: lambda: check_github.render(report),
    }[output_format]()
    write_output(text, output)
    raise typer.Exit(EXIT_FINDINGS if report.failed else EXIT_CLEAN)


def _import_reporters() -> None:
    """Import what the report needs, the text reporter's rich above all."""
    from adk_gitops.reporters import check_github, check_json, check_junit, check_sarif, check_text

    check_text.prepare()
    del check_github, check_json, check_junit, check_sarif


def _load_config(root: Path, explicit: Path | None) -> CheckConfig:
    from adk_gitops.check import checkconfig

    return checkconfig.load(root, explicit)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[str], None]]:
    """A transient progress bar on stderr when checking several overlays on a terminal."""
    if total < PROGRESS_MIN_TARGETS or not sys.stderr.isatty():
        yield lambda label: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("rendering overlays", total=total)
        yield lambda label: progress.advance(task)
