"""Which workloads serve an ADK agent, and which need a session database.

ADK agents are deployed in several shapes, all of which count:
- ``adk api_server`` / ``adk web`` (what ``adk deploy gke`` runs);
- ADK's own GKE guide: an image whose ``CMD`` runs uvicorn on a FastAPI app from
  ``google.adk.cli.fast_api.get_fast_api_app``, with no command in the manifest
  and Vertex AI settings in the environment (``GOOGLE_GENAI_USE_VERTEXAI``, or
  ``GOOGLE_GENAI_USE_ENTERPRISE`` since ADK 2.x);
- any container with ``ADK_*`` settings or a session-service URI;
- a probe of ADK's web UI (``/dev-ui/``);
- an image named for ADK (an ``adk`` word in its repository) served by uvicorn,
  gunicorn or hypercorn;
- ``adk deploy gke``'s labels (``app.kubernetes.io/managed-by: adk-cli``);
- whatever the repository's ``check.adk.selector`` labels select.
https://google.github.io/adk-docs/deploy/gke/
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum
from typing import Any

from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource

APP_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "Rollout", "DeploymentConfig"}
)
_ADK_ENV = re.compile(r"ADK_[A-Z0-9_]+|GOOGLE_GENAI_USE_(VERTEXAI|ENTERPRISE)|[A-Z0-9_]*SESSION_SERVICE_URI")
_SERVERS = ("uvicorn", "gunicorn", "hypercorn")
# Session stores that keep nothing in a database: no migration needed.
_NO_DATABASE = ("memory://", "agentengine://", "vertexai://")


def argv(container: Mapping[str, Any]) -> list[str]:
    return [str(a) for a in [*(container.get("command") or []), *(container.get("args") or [])]]


def _env_names(container: Mapping[str, Any]) -> list[str]:
    return [str(e.get("name", "")) for e in container.get("env") or [] if isinstance(e, Mapping)]


# An image repository with an "adk" word: adk-agent, my-adk-app, agents/adk (not "adkins").
_ADK_IMAGE = re.compile(r"(^|[/_.-])adk([/_.-]|$)")


def _probes_dev_ui(container: Mapping[str, Any]) -> bool:
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        http = (
            (container.get(probe) or {}).get("httpGet") if isinstance(container.get(probe), Mapping) else None
        )
        if isinstance(http, Mapping) and str(http.get("path", "")).startswith("/dev-ui"):
            return True
    return False


def _serves_adk(container: Mapping[str, Any]) -> bool:
    words = argv(container)
    program = words[0].rsplit("/", 1)[-1] if words else ""
    if program == "adk" and any(w in ("api_server", "web") for w in words[1:3]):
        return True
    if any(_ADK_ENV.fullmatch(name) for name in _env_names(container)):
        return True
    if _probes_dev_ui(container):
        return True
    text = " ".join(words)
    if "get_fast_api_app" in text or ("google.adk" in text and any(s in text for s in _SERVERS)):
        return True
    repository = str(container.get("image") or "").split("@", 1)[0].rsplit(":", 1)[0].lower()
    return bool(_ADK_IMAGE.search(repository)) and any(s in text for s in _SERVERS)


def selected(res: Resource, selector: Mapping[str, str]) -> bool:
    """Whether ``res`` or its pod template carries every label of ``selector``."""
    if not selector:
        return False
    spec = podspec.pod_spec(res)
    template_labels: Mapping[str, Any] = {}
    template = (
        (res.body.get("spec") or {}).get("template") if isinstance(res.body.get("spec"), dict) else None
    )
    if spec is not None and isinstance(template, dict):
        template_labels = (template.get("metadata") or {}).get("labels") or {}
    labels = {**(res.metadata.get("labels") or {}), **template_labels}
    return all(str(labels.get(k)) == v for k, v in selector.items())


def is_adk_workload(res: Resource, selector: Mapping[str, str] = {}) -> bool:
    """A long-running workload that serves an ADK agent (not a hook)."""
    from adk_gitops.argocd.annotations import hook_info

    if res.kind not in APP_KINDS or hook_info(res).is_hook:
        return False
    if selected(res, selector):
        return True
    if (res.metadata.get("labels") or {}).get("app.kubernetes.io/managed-by") == "adk-cli":
        return True
    spec = podspec.pod_spec(res)
    return any(_serves_adk(c.body) for c in (podspec.containers(spec) if spec else ()))


def adk_workloads(resources: Iterable[Resource], selector: Mapping[str, str] = {}) -> list[Resource]:
    return [r for r in resources if is_adk_workload(r, selector)]


def session_database_urls(res: Resource) -> Sequence[str]:
    """The session-store URIs an ADK workload is given (``--session_service_uri``,
    or a ``*SESSION_SERVICE_URI`` / ``DATABASE_URL`` variable; references count)."""
    found: list[str] = []
    spec = podspec.pod_spec(res)
    for container in podspec.containers(spec) if spec else ():
        for word in argv(container.body):
            if word.startswith(("--session_service_uri=", "--session_db_url=")):
                found.append(word.split("=", 1)[1])
        for env in container.body.get("env") or []:
            name = str(env.get("name", "")) if isinstance(env, Mapping) else ""
            if name == "DATABASE_URL" or name.endswith("SESSION_SERVICE_URI"):
                found.append(str(env.get("value", f"$({name})")))
    return found


# A database given in parts (host, user, password...) or as a URL under another name,
# next to an ADK signal: the app assembles its session store's URL itself.
_DB_ENV = re.compile(r"(SESSION_)?DB_[A-Z0-9_]+|[A-Z0-9_]*SESSION_DB[A-Z0-9_]*")


class SessionStore(Enum):
    DATABASE = "database"  # needs the migration
    NONE = "none"  # in memory or Agent Engine: nothing to migrate
    UNKNOWN = "unknown"  # set in the app's code, not in its manifests


def session_store(res: Resource) -> SessionStore:
    """Where an ADK workload keeps sessions, as far as its manifests say."""
    urls = session_database_urls(res)
    if any(not url.startswith(_NO_DATABASE) for url in urls):
        return SessionStore.DATABASE
    spec = podspec.pod_spec(res)
    containers = [c.body for c in podspec.containers(spec)] if spec else []
    if any(_DB_ENV.fullmatch(name) for c in containers for name in _env_names(c)):
        return SessionStore.DATABASE
    if urls:
        return SessionStore.NONE
    for c in containers:
        words = argv(c)
        if words and words[0].rsplit("/", 1)[-1] == "adk":
            return SessionStore.NONE  # `adk api_server|web` keeps sessions in memory by default
    return SessionStore.UNKNOWN
