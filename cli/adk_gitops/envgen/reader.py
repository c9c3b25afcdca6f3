"""Reading an existing environment back into inputs (for ``--from``, ``promote``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from adk_gitops.adk.migration import strategy_of_components
from adk_gitops.envgen.choices import Db
from adk_gitops.envgen.config import ConfigError, read_yaml
from adk_gitops.envgen.spec import IMAGE_PLACEHOLDER, EnvInput, parse_image
from adk_gitops.kube.validation.names import dns1123_label
from adk_gitops.syntax import ImageRef


def env_dir(root: Path, name: str) -> Path:
    if dns1123_label(name) is not None:
        raise ConfigError(f"environment {name!r} is not a DNS-1123 label")
    directory = root / "overlays" / name
    if not (directory / "kustomization.yaml").is_file():
        raise ConfigError(f"unknown environment {name!r}: no overlays/{name}/kustomization.yaml")
    return directory


def image_entry(kustomization: Any) -> dict[str, Any] | None:
    """The ``images:`` entry of the base's placeholder; None when there is none.
    ConfigError when ``images:`` is not a list (kustomize would refuse it too)."""
    if not isinstance(kustomization, dict):
        return None
    images = kustomization.get("images")
    if images is None:
        return None
    if not isinstance(images, list):
        raise ConfigError(f"images: must be a list of entries, not a {type(images).__name__}")
    for entry in images:
        if isinstance(entry, dict) and entry.get("name") == IMAGE_PLACEHOLDER:
            return entry
    return None


def current_image(root: Path, name: str) -> ImageRef:
    """The image an environment runs, validated exactly as ``new-env --image`` is:
    what ``promote`` copies must be something ``new-env`` would have written."""
    directory = env_dir(root, name)
    where = f"overlays/{name}/kustomization.yaml"
    try:
        entry = image_entry(read_yaml(directory / "kustomization.yaml", "kustomization"))
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    if entry is None or not (entry.get("newTag") or entry.get("digest")):
        raise ConfigError(f"{where}: no images: entry for {IMAGE_PLACEHOLDER} with a tag or digest")
    for key in ("newName", "newTag", "digest"):
        value = entry.get(key)
        if value is not None and not isinstance(value, str):
            # Unquoted 1.10 is the float 1.1, 706798e8 a number: kustomize would deploy another tag.
            raise ConfigError(
                f"{where}: images: {key} {value!r} is a YAML {type(value).__name__}, not a string: quote it"
            )
    text = str(entry.get("newName") or IMAGE_PLACEHOLDER)
    text += f":{entry['newTag']}" if entry.get("newTag") else ""
    text += f"@{entry['digest']}" if entry.get("digest") else ""
    return parse_image(text, label=f"{where}: images:")


def read_env(root: Path, name: str) -> EnvInput:
    """The values of an existing environment, for ``new-env --from`` (namespace and
    Argo CD settings are the new environment's own, so they are not copied)."""
    directory = env_dir(root, name)
    kustomization = _mapping(read_yaml(directory / "kustomization.yaml", "kustomization"), f"overlays/{name}")
    components = [str(c) for c in _list(kustomization.get("components"))]
    db = Db.CLOUDSQL if any(c.endswith("db-cloudsql") for c in components) else Db.POSTGRES
    iam = any(c.endswith("cloudsql-iam-auth") for c in components)
    replicas = next(
        (
            int(r["count"])
            for r in _list(kustomization.get("replicas"))
            if isinstance(r, dict) and r.get("name") == IMAGE_PLACEHOLDER and isinstance(r.get("count"), int)
        ),
        None,
    )
    data: dict[str, Any] = {}
    if (directory / "values.yaml").is_file():
        values = _mapping(read_yaml(directory / "values.yaml", "values file"), f"overlays/{name}/values.yaml")
        data = _mapping(values.get("data"), f"overlays/{name}/values.yaml: data")
    resources: dict[str, Any] = {}
    if (directory / "resources.yaml").is_file():
        resources = _agent_resources(read_yaml(directory / "resources.yaml", "resources patch"))
    requests, limits = resources.get("requests") or {}, resources.get("limits") or {}
    return EnvInput(
        db=db,
        migration=strategy_of_components(components).value,
        image=str(current_image(root, name)),
        db_secret=data.get("dbSecret"),
        # One role until the environment opted in: the app reads dbSecret too.
        app_db_secret=data.get("appDbSecret") or data.get("dbSecret"),
        cloudsql_instance=data.get("instanceConnectionName"),
        gsa=data.get("gcpServiceAccount"),
        app_gsa=data.get("appGcpServiceAccount"),
        google_cloud_project=data.get("googleCloudProject"),
        google_cloud_location=data.get("googleCloudLocation"),
        iam_auth=iam or None,
        replicas=replicas,
        cpu_request=_text(requests.get("cpu")),
        cpu_limit=_text(limits.get("cpu")),
        memory_request=_text(requests.get("memory")),
        memory_limit=_text(limits.get("memory")),
    )


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: must be a mapping, not a {type(value).__name__}")
    return value


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _agent_resources(doc: Any) -> dict[str, Any]:
    try:
        containers = doc["spec"]["template"]["spec"]["containers"]
        return next(c.get("resources") or {} for c in containers if c.get("name") == "agent")
    except (KeyError, TypeError, StopIteration):
        return {}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
