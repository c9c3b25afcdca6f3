from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from adk_gitops.adk.migration import Strategy
from adk_gitops.commands._common import RepoOpt, domain_errors, repo_root, say
from adk_gitops.commands._envs import DryRunOpt, NoValidateOpt, report

if TYPE_CHECKING:
    from adk_gitops.envgen.apply import FileChange


def set_image(
    env: Annotated[str, typer.Argument(help="Environment, e.g. staging.")],
    image: Annotated[str, typer.Argument(help="REPO:TAG or REPO@sha256:DIGEST.")],
    dry_run: DryRunOpt = False,
    no_validate: NoValidateOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Point an environment's app and migration at another image (comments kept)."""
    from adk_gitops.envgen import service

    _edit(
        repo,
        env,
        lambda root: service.plan_set_image(root, env, image),
        dry_run=dry_run,
        no_validate=no_validate,
    )


def set_migration(
    env: Annotated[str, typer.Argument(help="Environment, e.g. staging.")],
    strategy: Annotated[
        Strategy,
        typer.Argument(
            help="prepare-tables: released google-adk (2.x); upgrade: an ADK with `adk migrate upgrade`."
        ),
    ],
    dry_run: DryRunOpt = False,
    no_validate: NoValidateOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Switch how an environment's PreSync Job migrates (one component line; comments kept)."""
    from adk_gitops.envgen import service

    _edit(
        repo,
        env,
        lambda root: service.plan_set_migration(root, env, strategy),
        dry_run=dry_run,
        no_validate=no_validate,
    )


def set_app_secret(
    env: Annotated[str, typer.Argument(help="Environment, e.g. staging.")],
    secret: Annotated[
        str, typer.Argument(help="The app's own Secret: a role that may only read and write rows.")
    ],
    app_gsa: Annotated[
        str | None,
        typer.Option(help="The app's own Google service account (cloudsql; needed with IAM authentication)."),
    ] = None,
    dry_run: DryRunOpt = False,
    no_validate: NoValidateOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Give an environment's app its own DML-only database Secret; the migration keeps dbSecret."""
    from adk_gitops.envgen import service

    _edit(
        repo,
        env,
        lambda root: service.plan_set_app_secret(root, env, secret, app_gsa),
        dry_run=dry_run,
        no_validate=no_validate,
    )


def promote(
    source: Annotated[str, typer.Argument(metavar="FROM", help="Environment whose image to take.")],
    target: Annotated[str, typer.Argument(metavar="TO", help="Environment to update.")],
    dry_run: DryRunOpt = False,
    no_validate: NoValidateOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Give environment TO the image environment FROM runs."""
    from adk_gitops.envgen import service

    def plan(root: Path) -> list[FileChange]:
        image, changes = service.plan_promote(root, source, target)
        say(f"promoting {image} from {source} to {target}")
        return changes

    _edit(repo, target, plan, dry_run=dry_run, no_validate=no_validate)


def _edit(
    repo: Path | None,
    env: str,
    plan: Callable[[Path], list[FileChange]],
    *,
    dry_run: bool,
    no_validate: bool,
) -> None:
    """Plan an edit of one environment under the repository lock, check and write
    it, then report how it went."""
    from adk_gitops.envgen import flow
    from adk_gitops.kustomize.renderer import find_renderer

    root = repo_root(repo)
    with domain_errors():
        _, result = flow.edit(
            root,
            plan,
            lambda changes: (changes, ()),
            f"overlays/{env}",
            dry_run=dry_run,
            check_first=not no_validate,
            renderer=find_renderer,
        )
    report(result, f"environment {env}")
