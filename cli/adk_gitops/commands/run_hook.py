from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adk_gitops import bounded
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

    from adk_gitops.adk import podenv
    from adk_gitops.adk.migration import explain_failure
    from adk_gitops.errors import PodEnvError
    from adk_gitops.kube.manifests import Resource, load_stream
    from adk_gitops.targets.discover import named
    from adk_gitops.targets.load import read_rendered

    root = repo_root(repo)
    with domain_errors():
        renderer = (
            renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox)
            if path != "-" and named(path, root).is_dir()
            else None
        )
        rendered = read_rendered(path, root, renderer)
        secrets: list[Resource] = []
        for file in secret_file or []:
            try:
                secrets.extend(
                    load_stream(bounded.read_text(file, bounded.MAX_CONFIG_BYTES), source=str(file))
                )
            except OSError as exc:
                raise PodEnvError(f"{file}: cannot read: {exc.strerror}") from None
            except UnicodeDecodeError as exc:
                raise PodEnvError(f"{file}: not UTF-8 text (byte {exc.start})") from None
        store = podenv.SecretStore.from_resources(secrets, rendered.resources)
        workload = podenv.find_workload(rendered.resources, "Job", job)
        process = podenv.prepare(workload, store, container)
        secret_values = {v for values in store.secrets.values() for v in values.values() if v}
        shown = [("<redacted>" if any(s in arg for s in secret_values) else arg) for arg in process.argv]
        say(f"running {workload.id} container {process.container}: {' '.join(shown)}")
        result = podenv.run(process, search_path=search_path, timeout=timeout)
    # The migration's own output, relayed: its Secret values, passwords and URL
    # userinfo masked (a driver error may quote the URL), controls shown (redact.py).
    typer.echo(_hidden(result.stdout, secret_values), nl=False)
    typer.echo(_hidden(result.stderr, secret_values), nl=False, err=True)
    hint = explain_failure(process.argv, result.returncode, result.stderr)
    if hint:
        say(f"adk-gitops: {hint}")
    raise typer.Exit(result.returncode)


def _hidden(text: str, secrets: set[str]) -> str:
    from adk_gitops.redact import MASK, safe

    for value in sorted(secrets, key=len, reverse=True):
        if len(value) >= 4:  # shorter values would mask ordinary words
            text = text.replace(value, MASK)
    return safe(text, newlines=True)
