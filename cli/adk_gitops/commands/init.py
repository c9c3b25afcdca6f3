from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.commands._common import domain_errors, say


def init(
    directory: Annotated[
        Path, typer.Argument(help="The new repository's folder (created if missing).")
    ] = Path(),
    app: Annotated[
        str, typer.Option(help="The agent's name: prefix of namespaces and Applications.")
    ] = "adk-agent",
    image: Annotated[
        str, typer.Option(help="The agent's image repository, without tag.")
    ] = "us-docker.pkg.dev/my-project/adk/adk-agent",
    repo_url: Annotated[
        str | None, typer.Option(help="Git URL Argo CD reads the repository from (default: git origin).")
    ] = None,
    revision: Annotated[str, typer.Option(help="Git revision Argo CD tracks.")] = "main",
    dest_server: Annotated[str, typer.Option(help="Argo CD destination cluster URL.")] = (
        "https://kubernetes.default.svc"
    ),
    force: Annotated[
        bool, typer.Option(help="Use a non-empty folder: add missing files, keep every existing one.")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be written; write nothing.")
    ] = False,
) -> None:
    """Scaffold a GitOps repository for an ADK agent: bases, components, config,
    Argo CD project and app of apps, CI workflow, pre-commit hook, README."""
    from adk_gitops.envgen.scaffold import (
        PLACEHOLDER_REPO_URL,
        ScaffoldOptions,
        git_origin,
        plan_init,
        write_init,
    )

    url = repo_url or (git_origin(directory) if directory.is_dir() else None) or PLACEHOLDER_REPO_URL
    options = ScaffoldOptions(app=app, image=image, repo_url=url, revision=revision, dest_server=dest_server)
    with domain_errors():
        plan = plan_init(directory, options, force=force)
        listing = "".join(f"  create    {c.path}\n" for c in plan.create)
        listing += "".join(
            f"  kept      {p} (exists and differs from the scaffold: not overwritten)\n" for p in plan.kept
        )
        if dry_run:
            say(f"init {directory}: would write (--dry-run, nothing written):\n{listing}".rstrip())
            return
        write_init(plan)
    say(f"init {directory}: wrote\n{listing}".rstrip())
    steps = [f"Next steps in {directory}:"]
    if url == PLACEHOLDER_REPO_URL:
        steps.append(
            "  - set argocd.repoURL in adk-gitops.yaml, and the repoURLs in argocd/, to your repository"
        )
    steps += [
        f"  - adk-gitops new-env dev --image {image}:TAG",
        "  - adk-gitops check",
        "  - git add -A && git commit -m 'GitOps repository for the ADK agent'",
        "  - kubectl apply -n argocd -f argocd/project.yaml -f argocd/root.yaml",
    ]
    say("\n".join(steps))
