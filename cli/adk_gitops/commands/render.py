from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.commands._common import domain_errors, fail, say


def render(
    path: Annotated[Path, typer.Argument(help="Kustomization directory to render, e.g. overlays/postgres.")],
) -> None:
    """Print the rendered manifests of an overlay, exactly as Argo CD would build them."""
    from adk_gitops.inputs import is_kustomization_dir
    from adk_gitops.renderer import find_renderer

    if not is_kustomization_dir(path):
        fail(f"{path}: not a kustomization directory (no kustomization.yaml)")
    with domain_errors():
        renderer = find_renderer()
        text = renderer.build(path)
    typer.echo(text, nl=False)
    say(f"# rendered {path} with {renderer.description}")
