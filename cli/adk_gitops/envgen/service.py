"""What ``new-env``, ``set-image`` and ``promote`` do, as functions of their
inputs; the commands only parse options and print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adk_gitops import yamlread
from adk_gitops.adk.migration import Strategy
from adk_gitops.argocd.applications import (
    argocd_objects,
    destination,
    is_application,
    source_paths,
    system_namespace,
)
from adk_gitops.envgen import edits, files, reader
from adk_gitops.envgen.apply import ChangeStatus, FileChange, changes_for
from adk_gitops.envgen.choices import Db, Registration
from adk_gitops.envgen.config import ConfigError, load_config, read_yaml, validate
from adk_gitops.envgen.spec import EnvInput, EnvSpec, parse_image, resolve
from adk_gitops.kustomize import kustomization
from adk_gitops.syntax import ImageRef

PROJECT_FILE = "argocd/project.yaml"


@dataclass(frozen=True)
class NewEnvPlan:
    spec: EnvSpec
    changes: tuple[FileChange, ...]
    own: frozenset[str]  # paths only this environment owns: --force may overwrite them

    @property
    def conflicts(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.status is ChangeStatus.UPDATE and c.path in self.own)


def plan_new_env(
    root: Path, name: str, flags: EnvInput, *, from_env: str | None = None, values_file: Path | None = None
) -> NewEnvPlan:
    config = load_config(root)
    given = EnvInput()
    if from_env is not None:
        given = reader.read_env(root, from_env).over(given)
    if values_file is not None:
        doc = read_yaml(values_file, "values file")
        validate(doc, "values.schema.json", str(values_file))
        given = EnvInput.from_values(doc).over(given)
    spec = resolve(name, flags.over(given), config)
    _namespace_is_free(root, spec)
    _project_exists(root, spec)
    env_files = files.env_files(spec)
    own = frozenset(
        p for p in env_files if spec.registration is Registration.APP or not p.startswith("argocd/appsets/")
    )
    project = _project_destination(root, spec)
    if project is not None:
        env_files[PROJECT_FILE] = project
    return NewEnvPlan(spec, tuple(changes_for(root, env_files)), own)


def _project_exists(root: Path, spec: EnvSpec) -> None:
    """Refuse an Argo CD project that the repository's AppProjects do not define
    (when it defines any: a project may also be managed outside it)."""
    projects = {res.name for _, res in argocd_objects(root) if res.kind == "AppProject"}
    if projects and spec.project not in projects:
        raise ConfigError(
            f"--project {spec.project}: no AppProject of that name in argocd/ "
            f"(defined: {', '.join(sorted(projects))})"
        )


def _namespace_is_free(root: Path, spec: EnvSpec) -> None:
    """Refuse a system namespace, Argo CD's, or one another environment deploys into."""
    why = system_namespace(spec.namespace, spec.argocd_namespace)
    if why:
        raise ConfigError(f"--namespace {spec.namespace}: {why}; environments get their own")
    own = f"overlays/{spec.name}"
    for directory in sorted((root / "overlays").glob("*")):
        if directory.name == spec.name or not directory.is_dir():
            continue
        if str(kustomization.load(directory).get("namespace") or "") == spec.namespace:
            raise ConfigError(
                f"--namespace {spec.namespace}: overlays/{directory.name} deploys there already; "
                "two environments in one namespace own each other's objects"
            )
    for file, res in argocd_objects(root):
        if not is_application(res) or res.name == spec.application_name:
            continue
        if destination(res)[1] == spec.namespace and own not in (p for _, p in source_paths(res)):
            raise ConfigError(
                f"--namespace {spec.namespace}: Application {res.name} ({file.relative_to(root)}) "
                "deploys there already"
            )


def _project_destination(root: Path, spec: EnvSpec) -> str | None:
    path = root / PROJECT_FILE
    if not path.is_file():
        return None
    return edits.allow_environment(
        path.read_text(encoding="utf-8"), spec.project, spec.dest_server, spec.namespace, PROJECT_FILE
    )


def plan_set_image(root: Path, env: str, image: str | ImageRef) -> list[FileChange]:
    """The images: entry, and the version label's value when the environment has one
    (components/app-labels): one change, both files."""
    from adk_gitops.envgen.spec import version_label

    ref = image if isinstance(image, ImageRef) else parse_image(image, label="image")
    directory = reader.env_dir(root, env)
    rel = f"overlays/{env}/kustomization.yaml"
    text = (directory / "kustomization.yaml").read_text(encoding="utf-8")
    changes = {rel: edits.set_image(text, ref, rel)}
    values, values_rel = directory / "values.yaml", f"overlays/{env}/values.yaml"
    if values.is_file():
        values_text = values.read_text(encoding="utf-8")  # read once: judged, then edited
        data = yamlread.load(values_text, values_rel)
        if isinstance(data, dict) and isinstance(data.get("data"), dict) and "version" in data["data"]:
            changes[values_rel] = edits.set_data(
                values_text, {"version": version_label(ref)}, values_rel, quoted=True
            )
    return changes_for(root, changes)


def plan_set_migration(root: Path, env: str, strategy: Strategy) -> list[FileChange]:
    directory = reader.env_dir(root, env)
    rel = f"overlays/{env}/kustomization.yaml"
    text = (directory / "kustomization.yaml").read_text(encoding="utf-8")
    return changes_for(root, {rel: edits.set_migration(text, strategy, rel)})


def plan_set_app_secret(root: Path, env: str, secret: str, app_gsa: str | None) -> list[FileChange]:
    """Give an existing environment's app its own database Secret (and, on Cloud
    SQL, its own Google service account): values.yaml and one component line."""
    from adk_gitops.envgen.spec import SpecError, google_account, secret_name

    current = reader.read_env(root, env)
    secret_name(secret, "SECRET")
    migrator = current.db_secret or load_config(root).db_secret
    if secret == migrator:
        raise SpecError(f"{secret}: that is the migration's Secret (dbSecret); the app needs its own")
    values: dict[str, str] = {"appDbSecret": secret}
    if current.db is Db.CLOUDSQL:
        if app_gsa:
            google_account(app_gsa, "--app-gsa")
        if current.iam_auth and (app_gsa or current.gsa) == current.gsa:
            raise SpecError(
                "this environment uses Cloud SQL IAM database authentication: give the app its own "
                "Google service account with --app-gsa (IAM authentication logs each pod in as its account)"
            )
        account = app_gsa or current.gsa
        if not account:
            raise SpecError(f"overlays/{env}/values.yaml: no gcpServiceAccount; give --app-gsa")
        values["appGcpServiceAccount"] = account
    elif app_gsa:
        raise SpecError("--app-gsa only applies to a cloudsql environment")
    flavour = f"db-{current.db}"
    directory = reader.env_dir(root, env)
    text = {name: _env_file(directory, env, name) for name in ("values.yaml", "kustomization.yaml")}
    rel = f"overlays/{env}/"
    return changes_for(
        root,
        {
            rel + "values.yaml": edits.set_data(text["values.yaml"], values, rel + "values.yaml"),
            rel + "kustomization.yaml": edits.add_component(
                text["kustomization.yaml"], f"{flavour}-app-role", flavour, rel + "kustomization.yaml"
            ),
        },
    )


def _env_file(directory: Path, env: str, name: str) -> str:
    if not (directory / name).is_file():
        raise ConfigError(f"overlays/{env}/{name}: no such file")
    return (directory / name).read_text(encoding="utf-8")


def plan_promote(root: Path, source: str, target: str) -> tuple[ImageRef, list[FileChange]]:
    if source == target:
        raise ConfigError(f"promote {source} {target}: the environments must differ")
    reader.env_dir(root, target)
    image = reader.current_image(root, source)
    return image, plan_set_image(root, target, image)


def next_steps(spec: EnvSpec, written: Sequence[str]) -> str:
    """What the user does after the files are written."""
    registration = files.application_path(spec)
    paths = " ".join(sorted(written))
    steps = [
        f"Next steps for environment {spec.name}:",
        f"  1. Commit: git add {paths} && git commit -m 'Add environment {spec.name}'",
        "  2. Before the first sync, create the database Secret"
        + ("s" if spec.two_roles else "")
        + " (keys only here; the values are yours):",
    ]
    if spec.two_roles:
        steps.append(
            '       (the roles and their grants: README.md, "Two database roles"; '
            f"{spec.db_secret} owns the schema, {spec.app_db_secret} may only read and write rows)"
        )
    for name, user in ((spec.db_secret, "MIGRATOR"), (spec.app_db_secret, "APP"))[
        : 2 if spec.two_roles else 1
    ]:
        steps.append("       " + _secret_command(spec, name, user if spec.two_roles else "DB"))
    if spec.db is Db.CLOUDSQL and spec.gsa and spec.cloudsql_instance:
        sql_project = spec.cloudsql_instance.split(":")[-3]
        pool = spec.gsa.split("@", 1)[1].split(".", 1)[0]
        steps.append(
            "  3. Grant the Google service account"
            + ("s" if spec.app_gsa not in (None, spec.gsa) else "")
            + f" (GKE Workload Identity; the pool is your cluster's project, assumed {pool}):"
        )
        roles = ["roles/cloudsql.client"] + (["roles/cloudsql.instanceUser"] if spec.iam_auth else [])
        accounts = {"adk-agent-migration": spec.gsa, "adk-agent": spec.app_gsa or spec.gsa}
        for gsa in dict.fromkeys(accounts.values()):
            for role in roles:
                steps.append(
                    f"       gcloud projects add-iam-policy-binding {sql_project} "
                    f"--member=serviceAccount:{gsa} --role={role}"
                )
        for ksa, gsa in accounts.items():
            steps.append(
                f"       gcloud iam service-accounts add-iam-policy-binding {gsa} "
                f"--role=roles/iam.workloadIdentityUser "
                f"--member='serviceAccount:{pool}.svc.id.goog[{spec.namespace}/{ksa}]'"
            )
    n = len([s for s in steps if s[:3].strip().rstrip(".").isdigit()]) + 1
    if spec.registration is Registration.APP:
        steps.append(
            f"  {n}. Argo CD picks up {registration} through your app-of-apps, or: "
            f"kubectl apply -n {spec.argocd_namespace} -f {registration}"
        )
    else:
        steps.append(
            f"  {n}. The ApplicationSet in {registration} creates {spec.application_name} once pushed."
        )
    return "\n".join(steps) + "\n"


def _secret_command(spec: EnvSpec, name: str, role: str) -> str:
    """The ``kubectl create secret`` line for one database role: keys only, the
    values from shell variables the user sets (``${MIGRATOR_USER}``...), so no
    placeholder looks like a credential and none lands in the shell's history."""
    secret = f"kubectl -n {spec.namespace} create secret generic {name}"
    user, password = f"${{{role}_USER}}", f"${{{role}_PASSWORD}}"
    if spec.db is Db.POSTGRES:
        encoded = f"${{{role}_PASSWORD_ENCODED}}"
        return f'{secret} --from-literal=url="postgresql+asyncpg://{user}:{encoded}@HOST:5432/DB"'
    if spec.iam_auth:
        return f'{secret} --from-literal=username="${{{role}_IAM_USER}}" --from-literal=database=DB'
    return (
        f'{secret} --from-literal=username="{user}" --from-literal=password="{password}" '
        "--from-literal=database=DB"
    )
