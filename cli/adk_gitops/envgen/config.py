"""The repository's defaults file, ``adk-gitops.yaml`` at the repo root,
validated by ``config.schema.json`` with errors that name the field."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from adk_gitops import CONFIG_FILE, bounded, repoconfig, yamlread
from adk_gitops.adk.migration import DEFAULT as DEFAULT_MIGRATION
from adk_gitops.envgen.choices import Db, Registration, SyncPolicy
from adk_gitops.errors import AdkGitopsError


class ConfigError(AdkGitopsError):
    """The repository config or a values file is missing or invalid."""


@dataclass(frozen=True)
class RepoConfig:
    app: str
    image: str
    db: Db
    migration: str
    db_secret: str
    app_db_secret: str
    registration: Registration
    repo_url: str
    revision: str
    project: str
    dest_server: str
    argocd_namespace: str
    sync_policy: SyncPolicy


@cache
def schema(name: str) -> dict[str, Any]:
    text = importlib.resources.files("adk_gitops.envgen").joinpath(name).read_text(encoding="utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def validate(doc: Any, schema_name: str, source: str) -> None:
    """Raise ConfigError naming the first invalid field (by path) and why."""
    from jsonschema import Draft202012Validator

    errors = sorted(
        Draft202012Validator(schema(schema_name)).iter_errors(doc), key=lambda e: list(e.absolute_path)
    )
    if errors:
        error = errors[0]
        field = ".".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ConfigError(f"{source}: {field}: {error.message}")


def read_yaml(path: Path, what: str) -> Any:
    try:
        return yamlread.load(bounded.read_text(path, bounded.MAX_CONFIG_BYTES), str(path))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except yamlread.YamlError as exc:
        raise ConfigError(str(exc)) from None


def load_config(root: Path) -> RepoConfig:
    try:
        doc = repoconfig.read(root).data
    except repoconfig.RepoConfigError as exc:
        raise ConfigError(str(exc)) from None
    if doc is None:
        raise ConfigError(
            f"no {CONFIG_FILE} in {root}: run `adk-gitops init`, or work from the repository root"
        )
    validate(doc, "config.schema.json", CONFIG_FILE)
    argocd: Mapping[str, Any] = doc["argocd"]
    app = str(doc["app"])
    return RepoConfig(
        app=app,
        image=str(doc["image"]),
        db=Db(doc.get("db", Db.POSTGRES)),
        migration=str(doc.get("migration", DEFAULT_MIGRATION)),
        db_secret=str(doc.get("dbSecret", f"{app}-db")),
        app_db_secret=str(doc.get("appDbSecret", f"{doc.get('dbSecret', f'{app}-db')}-app")),
        registration=Registration(doc.get("registration", Registration.APP)),
        repo_url=str(argocd["repoURL"]),
        revision=str(argocd.get("revision", "main")),
        project=str(argocd.get("project", app)),
        dest_server=str(argocd.get("destServer", "https://kubernetes.default.svc")),
        argocd_namespace=str(argocd.get("namespace", "argocd")),
        sync_policy=SyncPolicy(argocd.get("syncPolicy", SyncPolicy.MANUAL)),
    )
