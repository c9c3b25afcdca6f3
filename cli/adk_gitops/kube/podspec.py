"""Pure helpers over Kubernetes objects: where the pod spec is, its containers,
and the objects a pod needs before it can start."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from adk_gitops.kube.manifests import Resource
from adk_gitops.syntax import pointer

# Where each workload kind keeps its pod spec, as JSON pointer segments.
POD_SPEC_PATHS: Mapping[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    # Workloads of other controllers with a pod template: Argo Rollouts, OpenShift.
    "Rollout": ("spec", "template", "spec"),
    "DeploymentConfig": ("spec", "template", "spec"),
}
# The kinds whose pod template the API server itself validates (core/apps/batch);
# a custom resource's is judged by its controller, not by the server's pod rules.
BUILTIN_POD_KINDS = frozenset(POD_SPEC_PATHS) - {"Rollout", "DeploymentConfig"}


@dataclass(frozen=True)
class PodSpec:
    spec: Mapping[str, Any]
    path: tuple[str, ...]

    @property
    def pointer(self) -> str:
        return pointer(*self.path)


def at_path(node: Any, path: tuple[str, ...]) -> Any:
    """The value under ``path`` of mappings, or None where one is missing."""
    for segment in path:
        node = node.get(segment) if isinstance(node, Mapping) else None
    return node


def pod_spec(resource: Resource) -> PodSpec | None:
    path = POD_SPEC_PATHS.get(resource.kind)
    if path is None:
        return None
    node = at_path(resource.body, path)
    return PodSpec(node, path) if isinstance(node, Mapping) else None


# Native sidecars (an init container with restartPolicy: Always) are on by default
# from 1.29 (KEP-753: the SidecarContainers gate is beta and on in 1.29).
# https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/
NATIVE_SIDECARS_ON_BY_DEFAULT = (1, 29)


@dataclass(frozen=True)
class Container:
    body: Mapping[str, Any]
    pointer: str
    init: bool  # listed under initContainers

    @property
    def name(self) -> str:
        return str(self.body.get("name", ""))

    @property
    def native_sidecar(self) -> bool:
        """An init container with ``restartPolicy: Always`` (Kubernetes >= 1.29 by default)."""
        return self.init and self.body.get("restartPolicy") == "Always"


def containers(pod: PodSpec) -> Iterator[Container]:
    """Init containers first (they start first), then app containers."""
    for key, init in (("initContainers", True), ("containers", False)):
        items = pod.spec.get(key)
        if isinstance(items, list):
            for i, body in enumerate(items):
                if isinstance(body, Mapping):
                    yield Container(body, pointer(*pod.path, key, i), init)


@dataclass(frozen=True, order=True)
class Dependency:
    """An object a pod needs to exist before it can start."""

    kind: str
    name: str
    pointer: str  # where the pod spec refers to it
    keys: tuple[str, ...] = ()  # the keys it reads; empty: the whole object (or none named)


def pod_dependencies(pod: PodSpec) -> Iterator[Dependency]:
    """Every object the kubelet or the Job controller must find before the pod
    runs. Optional references (``optional: true``) are left out: they never block."""
    spec = pod.spec
    base = pod.path
    sa = spec.get("serviceAccountName") or spec.get("serviceAccount") or "default"
    yield Dependency("ServiceAccount", str(sa), pointer(*base, "serviceAccountName"))
    for i, ref in enumerate(mappings(spec.get("imagePullSecrets"))):
        if ref.get("name"):
            yield Dependency("Secret", str(ref["name"]), pointer(*base, "imagePullSecrets", i, "name"))
    for i, vol in enumerate(mappings(spec.get("volumes"))):
        yield from _volume_dependencies(vol, pointer(*base, "volumes", i))
    for container in containers(pod):
        yield from container_dependencies(container)


_ENV_REFS = (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap"))
_ENVFROM_REFS = (("secretRef", "Secret"), ("configMapRef", "ConfigMap"))


def container_dependencies(container: Container) -> Iterator[Dependency]:
    for i, env in enumerate(mappings(container.body.get("env"))):
        value_from = env.get("valueFrom")
        if not isinstance(value_from, Mapping):
            continue
        for field, kind in _ENV_REFS:
            ref = value_from.get(field)
            if isinstance(ref, Mapping) and ref.get("name") and not ref.get("optional"):
                at = f"{container.pointer}/env/{i}/valueFrom/{field}/name"
                yield Dependency(kind, str(ref["name"]), at, (str(ref["key"]),) if ref.get("key") else ())
    for i, source in enumerate(mappings(container.body.get("envFrom"))):
        for field, kind in _ENVFROM_REFS:
            ref = source.get(field)
            if isinstance(ref, Mapping) and ref.get("name") and not ref.get("optional"):
                yield Dependency(kind, str(ref["name"]), f"{container.pointer}/envFrom/{i}/{field}/name")


def _item_keys(source: Mapping[str, Any]) -> tuple[str, ...]:
    """The keys a volume's ``items`` project (none listed: every key, none required)."""
    return tuple(str(item["key"]) for item in mappings(source.get("items")) if item.get("key"))


def _volume_dependencies(vol: Mapping[str, Any], at: str) -> Iterator[Dependency]:
    secret = vol.get("secret")
    if isinstance(secret, Mapping) and secret.get("secretName") and not secret.get("optional"):
        yield Dependency("Secret", str(secret["secretName"]), f"{at}/secret/secretName", _item_keys(secret))
    config_map = vol.get("configMap")
    if isinstance(config_map, Mapping) and config_map.get("name") and not config_map.get("optional"):
        yield Dependency("ConfigMap", str(config_map["name"]), f"{at}/configMap/name", _item_keys(config_map))
    claim = vol.get("persistentVolumeClaim")
    if isinstance(claim, Mapping) and claim.get("claimName"):
        yield Dependency(
            "PersistentVolumeClaim", str(claim["claimName"]), f"{at}/persistentVolumeClaim/claimName"
        )
    projected = vol.get("projected")
    if isinstance(projected, Mapping):
        for i, src in enumerate(mappings(projected.get("sources"))):
            for field, kind in (("secret", "Secret"), ("configMap", "ConfigMap")):
                ref = src.get(field)
                if isinstance(ref, Mapping) and ref.get("name") and not ref.get("optional"):
                    yield Dependency(
                        kind, str(ref["name"]), f"{at}/projected/sources/{i}/{field}/name", _item_keys(ref)
                    )


def mappings(value: Any) -> list[Mapping[str, Any]]:
    """The mappings of a list (of containers, volumes, env...), whatever else it holds."""
    return [v for v in value if isinstance(v, Mapping)] if isinstance(value, list) else []


def mapping(value: Any) -> Mapping[str, Any]:
    """``value`` if it is a mapping, else an empty one: for walking untrusted YAML."""
    return value if isinstance(value, Mapping) else {}


def stopped_by_peer(spec: PodSpec, sidecar: Container) -> bool:
    """Whether a plain sidecar that serves until stopped is stopped by the pod itself:
    the Cloud SQL Auth Proxy with its quit endpoint on (``--quitquitquit``, or
    CSQL_PROXY_QUITQUITQUIT=true) and another container that calls ``/quitquitquit``
    when it is done, the classic pattern before native sidecars
    (https://github.com/GoogleCloudPlatform/cloud-sql-proxy#configuring-the-proxy-to-exit).
    A Job of that shape completes."""
    body = sidecar.body
    words = [str(w) for w in [*(body.get("command") or []), *(body.get("args") or [])]]
    enabled = any(w.split("=", 1)[0] == "--quitquitquit" and not w.endswith("=false") for w in words) or any(
        isinstance(e, Mapping)
        and e.get("name") == "CSQL_PROXY_QUITQUITQUIT"
        and str(e.get("value", "")).lower() == "true"
        for e in body.get("env") or []
    )
    if not enabled:
        return False
    for other in containers(spec):
        if other.init or other.pointer == sidecar.pointer:
            continue
        said = " ".join(str(w) for w in [*(other.body.get("command") or []), *(other.body.get("args") or [])])
        if "/quitquitquit" in said:
            return True
    return False
