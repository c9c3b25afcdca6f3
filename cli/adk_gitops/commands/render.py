from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.commands._common import (
    AllowRemoteOpt,
    RepoOpt,
    domain_errors,
    fail,
    repo_root,
    say,
)


def render(
    path: Annotated[Path, typer.Argument(help="Kustomization directory to render, e.g. overlays/postgres.")],
    repo: RepoOpt = None,
    allow_remote: AllowRemoteOpt = False,
) -> None:
    """Print the rendered manifests of an overlay, exactly as Argo CD would build them."""
    from dataclasses import replace

    from adk_gitops.inputs import is_kustomization_dir
    from adk_gitops.renderer import find_renderer

    if not is_kustomization_dir(path):
        fail(f"{path}: not a kustomization directory (no kustomization.yaml)")
    root = repo_root(repo)
    with domain_errors():
        renderer = replace(find_renderer(), allow_remote=allow_remote)
        text = renderer.build(path, root=root)
    typer.echo(text, nl=False)
    say(f"# rendered {path} with {renderer.description}")
