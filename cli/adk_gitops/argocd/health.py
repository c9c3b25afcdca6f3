"""What Argo CD can judge the health of, and which objects create a Secret.

A hook "completes" through its health (sync_context.go getOperationPhase): with
a health check it runs until Healthy (or Degraded, which fails the sync);
without one it is done as soon as it is created. Plain resources of a step gate
the next step the same way. Sources:
- built in: gitops-engine ``pkg/health/health.go`` ``GetHealthCheckFunc``;
- Argo CD's Lua health checks: ``resource_customizations/<group>/<Kind>/health.lua``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from adk_gitops.kube.manifests import Resource

_ENGINE = "gitops-engine pkg/health"
_LUA = "Argo CD resource_customizations"

# (API group, kind) -> where its health check lives.
HEALTH_CHECKS: Mapping[tuple[str, str], str] = {
    ("apps", "Deployment"): f"{_ENGINE}/health_deployment.go",
    ("apps", "StatefulSet"): f"{_ENGINE}/health_statefulset.go",
    ("apps", "ReplicaSet"): f"{_ENGINE}/health_replicaset.go",
    ("apps", "DaemonSet"): f"{_ENGINE}/health_daemonset.go",
    ("extensions", "Ingress"): f"{_ENGINE}/health_ingress.go",
    ("networking.k8s.io", "Ingress"): f"{_ENGINE}/health_ingress.go",
    ("argoproj.io", "Workflow"): f"{_ENGINE}/health_argo.go",
    ("apiregistration.k8s.io", "APIService"): f"{_ENGINE}/health_apiservice.go",
    ("", "Service"): f"{_ENGINE}/health_service.go",
    ("", "PersistentVolumeClaim"): f"{_ENGINE}/health_pvc.go",
    ("", "Pod"): f"{_ENGINE}/health_pod.go",
    ("batch", "Job"): f"{_ENGINE}/health_job.go",
    ("autoscaling", "HorizontalPodAutoscaler"): f"{_ENGINE}/health_hpa.go",
    ("external-secrets.io", "ExternalSecret"): f"{_LUA}/external-secrets.io/ExternalSecret/health.lua",
    ("external-secrets.io", "PushSecret"): f"{_LUA}/external-secrets.io/PushSecret/health.lua",
    ("bitnami.com", "SealedSecret"): f"{_LUA}/bitnami.com/SealedSecret/health.lua",
    (
        "secrets.hashicorp.com",
        "VaultStaticSecret",
    ): f"{_LUA}/secrets.hashicorp.com/VaultStaticSecret/health.lua",
    ("cert-manager.io", "Certificate"): f"{_LUA}/cert-manager.io/Certificate/health.lua",
    ("argoproj.io", "Rollout"): f"{_LUA}/argoproj.io/Rollout/health.lua",
}


def health_check(res: Resource) -> str | None:
    """Where Argo CD's health check of this object lives, or None when it has none."""
    return HEALTH_CHECKS.get((res.group, res.kind))


def _dig(body: Mapping[str, Any], *path: str) -> str:
    node: Any = body
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, str) else ""


# (API group, kind) -> the name of the Secret the object's controller creates.
SECRET_PRODUCERS: Mapping[tuple[str, str], Callable[[Resource], str]] = {
    ("external-secrets.io", "ExternalSecret"): lambda r: _dig(r.body, "spec", "target", "name") or r.name,
    ("bitnami.com", "SealedSecret"): lambda r: r.name,
    ("ricoberger.de", "VaultSecret"): lambda r: r.name,
    ("secrets.hashicorp.com", "VaultStaticSecret"): lambda r: _dig(r.body, "spec", "destination", "name"),
    ("secrets.hashicorp.com", "VaultDynamicSecret"): lambda r: _dig(r.body, "spec", "destination", "name"),
    ("onepassword.com", "OnePasswordItem"): lambda r: r.name,
    ("cert-manager.io", "Certificate"): lambda r: _dig(r.body, "spec", "secretName"),
}


def produced_secret(res: Resource) -> str:
    """The Secret this object makes its controller create, or ""."""
    produce = SECRET_PRODUCERS.get((res.group, res.kind))
    return produce(res) if produce else ""
