from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from adk_gitops.adk.migration import Strategy
from adk_gitops.commands._common import EXIT_CLEAN, RepoOpt, domain_errors, repo_root, say
from adk_gitops.commands._envs import DryRunOpt, NoValidateOpt, report
from adk_gitops.envgen.choices import Db, Registration, SyncPolicy


class ObjectFormat(StrEnum):
    yaml = "yaml"
    json = "json"


def new_env(
    name: Annotated[str, typer.Argument(help="Environment name (DNS-1123 label), e.g. staging.")],
    db: Annotated[Db | None, typer.Option(help="Database flavour (default: the repo config's).")] = None,
    migration: Annotated[
        Strategy | None,
        typer.Option(
            help="How the PreSync Job migrates: prepare-tables (released google-adk 2.x) or upgrade "
            "(`adk migrate upgrade`). Default: the repo config's."
        ),
    ] = None,
    image: Annotated[str | None, typer.Option(help="REPO:TAG or REPO@sha256:DIGEST.")] = None,
    namespace: Annotated[str | None, typer.Option(help="Namespace (default <app>-<NAME>).")] = None,
    db_secret: Annotated[
        str | None, typer.Option(help="The migration's DB Secret, owner of the schema (default <app>-db).")
    ] = None,
    app_db_secret: Annotated[
        str | None,
        typer.Option(help="The app's DML-only DB Secret (default <db-secret>-app; same name: one role)."),
    ] = None,
    cloudsql_instance: Annotated[str | None, typer.Option(help="PROJECT:REGION:INSTANCE (cloudsql).")] = None,
    gsa: Annotated[
        str | None, typer.Option(help="The migration's NAME@PROJECT.iam.gserviceaccount.com (cloudsql).")
    ] = None,
    app_gsa: Annotated[
        str | None, typer.Option(help="The app's Google service account (cloudsql; default --gsa).")
    ] = None,
    google_cloud_project: Annotated[
        str | None,
        typer.Option(
            help="GOOGLE_CLOUD_PROJECT for the agent (Vertex AI); default: the Cloud SQL instance's."
        ),
    ] = None,
    google_cloud_location: Annotated[
        str | None,
        typer.Option(help="GOOGLE_CLOUD_LOCATION, e.g. europe-west1; default: the instance's region."),
    ] = None,
    iam_auth: Annotated[
        bool, typer.Option(help="Cloud SQL IAM database authentication: no password.")
    ] = False,
    replicas: Annotated[int | None, typer.Option(min=0, help="Agent replicas.")] = None,
    cpu_request: Annotated[str | None, typer.Option(help="Agent CPU request, e.g. 500m.")] = None,
    cpu_limit: Annotated[str | None, typer.Option(help="Agent CPU limit.")] = None,
    memory_request: Annotated[str | None, typer.Option(help="Agent memory request, e.g. 1Gi.")] = None,
    memory_limit: Annotated[str | None, typer.Option(help="Agent memory limit.")] = None,
    from_env: Annotated[
        str | None, typer.Option("--from", help="Start from this environment's values.")
    ] = None,
    values_file: Annotated[Path | None, typer.Option(help="YAML/JSON file of values (flags win).")] = None,
    registration: Annotated[
        Registration | None, typer.Option(help="One Application, or an ApplicationSet.")
    ] = None,
    project: Annotated[str | None, typer.Option(help="Argo CD project.")] = None,
    dest_server: Annotated[str | None, typer.Option(help="Argo CD destination cluster URL.")] = None,
    repo_url: Annotated[str | None, typer.Option(help="Git URL Argo CD reads this repository from.")] = None,
    revision: Annotated[str | None, typer.Option(help="Git revision Argo CD tracks.")] = None,
    sync_policy: Annotated[SyncPolicy | None, typer.Option(help="Argo CD sync policy.")] = None,
    self_heal: Annotated[bool, typer.Option(help="Automated sync: revert drift.")] = False,
    auto_prune: Annotated[bool, typer.Option(help="Automated sync: delete what git no longer has.")] = False,
    notify: Annotated[
        list[str] | None,
        typer.Option(
            metavar="SERVICE:RECIPIENT",
            help="Argo CD Notifications on a failed sync or degraded health, e.g. slack:#adk-alerts "
            "(repeatable; the service is configured in argocd-notifications-cm).",
        ),
    ] = None,
    output: Annotated[
        ObjectFormat | None,
        typer.Option("--format", "-o", help="Print the generated objects in FORMAT; write nothing."),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Overwrite this environment's own files when they differ.")
    ] = False,
    dry_run: DryRunOpt = False,
    no_validate: NoValidateOpt = False,
    repo: RepoOpt = None,
) -> None:
    """Write a validated environment overlay and its Argo CD Application.

    Every input is checked first; the result is rendered with real kustomize and
    checked in a temporary copy before anything is written. Re-running with the
    same inputs changes nothing.
    """
    from adk_gitops.envgen import flow, service
    from adk_gitops.envgen.apply import ChangeStatus
    from adk_gitops.envgen.spec import EnvInput
    from adk_gitops.kustomize.renderer import find_renderer

    flags = EnvInput(
        namespace=namespace,
        db=db,
        migration=migration.value if migration else None,
        image=image,
        db_secret=db_secret,
        app_db_secret=app_db_secret,
        cloudsql_instance=cloudsql_instance,
        gsa=gsa,
        app_gsa=app_gsa,
        iam_auth=iam_auth or None,
        replicas=replicas,
        cpu_request=cpu_request,
        cpu_limit=cpu_limit,
        memory_request=memory_request,
        memory_limit=memory_limit,
        registration=registration,
        project=project,
        dest_server=dest_server,
        repo_url=repo_url,
        revision=revision,
        sync_policy=sync_policy,
        self_heal=self_heal or None,
        auto_prune=auto_prune or None,
        notify=tuple(notify) if notify else None,
        google_cloud_project=google_cloud_project,
        google_cloud_location=google_cloud_location,
    )
    root = repo_root(repo)

    def plan_of(at: Path) -> service.NewEnvPlan:
        return service.plan_new_env(at, name, flags, from_env=from_env, values_file=values_file)

    with domain_errors():
        if output is not None:
            typer.echo(_objects(flow.planned(root, plan_of).changes, output), nl=False)
            raise typer.Exit(EXIT_CLEAN)
        plan, result = flow.edit(
            root,
            plan_of,
            lambda made: (made.changes, made.conflicts),
            f"overlays/{name}",
            force=force,
            dry_run=dry_run,
            check_first=not no_validate,
            renderer=find_renderer,
        )
    report(result, f"environment {name}")
    written = [c.path for c in result.changes if c.status is not ChangeStatus.UNCHANGED]
    say(service.next_steps(plan.spec, written).rstrip())


def _objects(changes: object, fmt: ObjectFormat) -> str:
    import yaml

    from adk_gitops.envgen.apply import FileChange

    assert isinstance(changes, tuple)
    docs = [doc for c in changes if isinstance(c, FileChange) for doc in yaml.safe_load_all(c.new) if doc]
    if fmt is ObjectFormat.json:
        return json.dumps(docs, indent=2) + "\n"
    return yaml.safe_dump_all(docs, sort_keys=False)
