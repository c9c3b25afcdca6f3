from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.commands._common import (
    AllowRemoteOpt,
    NoSandboxOpt,
    RepoOpt,
    TargetArg,
    domain_errors,
    renderer_for,
    repo_root,
    say,
)


def run_hook(
    path: TargetArg,
    secret_file: Annotated[
        list[Path] | None,
        typer.Option(help="YAML file of the Secret(s) the pod reads (keep it out of git). Repeatable."),
    ] = None,
    job: Annotated[str | None, typer.Option(help="Job name; default: the overlay's hook Job.")] = None,
    container: Annotated[
        str | None, typer.Option(help="Container name; default: the first app container.")
    ] = None,
    search_path: Annotated[
        str | None, typer.Option("--path", help="Where to find the command (stands in for the image's PATH).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds before the run is stopped.")] = 300.0,
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
) -> None:
    """Run the migration Job's container locally, with the env the kubelet would build.

    Secrets come from --secret-file, never from git; $(VAR) in command and args is
    expanded exactly as Kubernetes does. Exits with the container's exit code.
    """

    from adk_gitops.adk import podenv, runhook
    from adk_gitops.adk.migration import explain_failure
    from adk_gitops.targets.discover import STDIN, named
    from adk_gitops.targets.load import read_rendered

    root = repo_root(repo)
    with domain_errors():
        renderer = (
            renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox)
            if path != STDIN and named(path, root).is_dir()
            else None
        )
        rendered = read_rendered(path, root, renderer)
        hook = runhook.prepare(rendered.resources, secret_file or [], job, container)
        say(hook.announced())
        result = podenv.run(hook.process, search_path=search_path, timeout=timeout)
    typer.echo(hook.hidden(result.stdout), nl=False)
    typer.echo(hook.hidden(result.stderr), nl=False, err=True)
    hint = explain_failure(hook.process.argv, result.returncode, result.stderr)
    if hint:
        say(f"adk-gitops: {hint}")
    raise typer.Exit(result.returncode)
