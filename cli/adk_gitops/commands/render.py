from __future__ import annotations

from typing import Annotated

import typer

from adk_gitops.commands._common import (
    AllowRemoteOpt,
    NoSandboxOpt,
    RepoOpt,
    domain_errors,
    fail,
    renderer_for,
    repo_root,
    say,
)


def render(
    target: Annotated[
        str,
        typer.Argument(
            metavar="PATH",
            help="Kustomization directory to render (or an environment's name), e.g. overlays/postgres.",
        ),
    ],
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
    no_sandbox: NoSandboxOpt = False,
) -> None:
    """Print the rendered manifests of an overlay, exactly as Argo CD would build them."""

    from adk_gitops.targets.discover import label_of, named
    from adk_gitops.targets.load import is_kustomization_dir, read_rendered

    root = repo_root(repo)
    path = named(target, root)
    shown = label_of(target, path, root)
    if not path.is_dir():
        fail(f"{target}: not a directory (a kustomization, or a directory of manifests)")
    if not is_kustomization_dir(path):
        import yaml

        with domain_errors():
            rendered = read_rendered(target, root)
        typer.echo(yaml.safe_dump_all([dict(r.body) for r in rendered.resources], sort_keys=False), nl=False)
        say(f"# read {shown} as a directory source ({len(rendered.resources)} objects), as Argo CD does")
        return
    from adk_gitops.errors import RenderError
    from adk_gitops.kustomize.failures import explain_failure
    from adk_gitops.kustomize.renderer import UnsafeInput

    with domain_errors():
        renderer = renderer_for(root, allow_remote=allow_remote, no_sandbox=no_sandbox)
        try:
            text = renderer.build(path, root=root)
        except UnsafeInput:
            raise
        except RenderError as exc:  # as check words it: the cause, repository-relative, and the fix
            fail(f"{shown}: {explain_failure(str(exc), path, root)}")
    typer.echo(text, nl=False)
    say(f"# rendered {shown} with {renderer.description}")
