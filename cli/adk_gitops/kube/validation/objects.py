"""What the Kubernetes API server rejects that a JSON schema cannot say, for one object:
``syntax_problems`` (names, label syntax, ranges, quantities) and
``consistency_problems`` (cross-field and uniqueness rules), dispatched by kind to the
sibling modules (names, quantity, common, pod, workload, service, network, cron).

Written from the server's own validation, in its words where possible:

- syntax: k8s.io/apimachinery/pkg/util/validation/validation.go
  (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
  IsValidLabelValue, IsValidPortName, IsValidPortNum, IsInRange);
- quantities: k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity);
- pods: kubernetes/pkg/apis/core/validation/validation.go (validateContainers,
  validateInitContainers, validateVolumes, validateVolumeMounts,
  validateRestartPolicy, ValidateService);
- workloads: kubernetes/pkg/apis/apps/validation/validation.go
  (ValidateDeploymentSpec) and pkg/apis/batch/validation/validation.go
  (validateJobSpec; validateScheduleFormat and validateTimeZone, in validation/cron.py);
- CIDRs: k8s.io/utils/net ParseCIDRSloppy (Service loadBalancerSourceRanges,
  NetworkPolicy ipBlock).

Only rejections are modelled (never the server's warnings). A rejection that
changed between minors says the last minor it holds for (``until``), read from
that minor's source and feature gates (pkg/features/kube_features.go); the rules
report it only for a target version that still rejects. Findings are (pointer,
message) about one object.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.validation.common import INT32_MAX, ApiProblem, int_range, labels
from adk_gitops.kube.validation.names import dns1035_label, dns1123_label, dns1123_subdomain
from adk_gitops.kube.validation.network import network_policy
from adk_gitops.kube.validation.pod import pod_consistency, pod_syntax
from adk_gitops.kube.validation.service import service_consistency, service_syntax
from adk_gitops.kube.validation.workload import cron_job, deployment, job, rolling_update, selector_matches
from adk_gitops.syntax import pointer

# How each kind's metadata.name is validated: a DNS-1123 label (ValidateNamespaceName),
# else a DNS-1123 subdomain. Kinds not listed (RBAC allows ':' and capitals, custom
# resources vary) are not judged. A Service's name is a DNS-1123 label too, and up to
# 1.35 also a DNS-1035 label (no leading digit): RelaxedServiceNameValidation is on by
# default from 1.36 (kube_features.go; core/validation/validation.go ValidateService).
SERVICE_NAME_DNS1035_UNTIL = 35
_NAME_RULES = {
    "Namespace": dns1123_label,
    "Service": dns1123_label,
    **dict.fromkeys(
        ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ConfigMap", "Secret",
         "ServiceAccount", "PersistentVolumeClaim", "Application", "AppProject", "ApplicationSet"),
        dns1123_subdomain,
    ),
}  # fmt: skip
# Enums are the schemas' (kubernetes-enums.json, the server's own OpenAPI v3 values).
# Non-negative int32 counts: (kind, path).
_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Deployment", ("spec", "replicas")),
    ("Deployment", ("spec", "minReadySeconds")),
    ("Deployment", ("spec", "revisionHistoryLimit")),
    ("StatefulSet", ("spec", "replicas")),
    ("Job", ("spec", "parallelism")),
    ("Job", ("spec", "completions")),
    ("Job", ("spec", "backoffLimit")),
    ("Job", ("spec", "ttlSecondsAfterFinished")),
)


def syntax_problems(res: Resource) -> Iterator[ApiProblem]:
    """Names, label syntax, enums, ranges and quantities of one object."""
    meta = res.body.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    name = meta.get("name")
    rule = _NAME_RULES.get(res.kind)
    if isinstance(name, str) and name and rule is not None:
        why = rule(name)
        if why:
            yield ApiProblem("/metadata/name", f"Invalid value: {name!r}: {why}")
        elif res.kind == "Service" and (why := dns1035_label(name)):
            yield ApiProblem("/metadata/name", f"Invalid value: {name!r}: {why}", SERVICE_NAME_DNS1035_UNTIL)
    yield from labels(meta, ("metadata",))
    for kind, path in _COUNTS:
        if res.kind == kind:
            why = int_range(podspec.at_path(res.body, path), 0, INT32_MAX)
            if why:
                yield ApiProblem(pointer(*path), why)
    if res.kind == "Deployment":
        yield from rolling_update(res.body)
    if res.kind == "Service":
        yield from service_syntax(res.body)
    if res.kind == "Namespace":
        yield from _pod_security_labels(meta)
    if res.kind == "CronJob":
        yield from cron_job(res.body)
    if res.kind == "NetworkPolicy":
        yield from network_policy(res.body)
    template_path = podspec.POD_SPEC_PATHS.get(res.kind, ())[:-1]
    if template_path:  # a workload's pod template (a Pod's own metadata was checked above)
        yield from labels(
            podspec.at_path(res.body, (*template_path, "metadata")), (*template_path, "metadata")
        )
    spec = podspec.pod_spec(res) if res.kind in podspec.BUILTIN_POD_KINDS else None
    if spec is not None:
        yield from pod_syntax(spec)


# pod-security-admission/api: a level and a version ("latest" or "v1.N") per mode.
PSA_PREFIX = "pod-security.kubernetes.io/"
_PSA_LEVELS = ("privileged", "baseline", "restricted")
_PSA_VERSION = re.compile(r"latest|v1\.(0|[1-9][0-9]*)")


def _pod_security_labels(meta: Mapping[str, Any]) -> Iterator[ApiProblem]:
    """The namespace labels Pod Security admission refuses (api/helpers.go ParseLevel, ParseVersion)."""
    labels = meta.get("labels")
    if not isinstance(labels, Mapping):
        return
    for mode in ("enforce", "audit", "warn"):
        at = ("metadata", "labels")
        level = labels.get(PSA_PREFIX + mode)
        if isinstance(level, str) and level not in _PSA_LEVELS:
            yield ApiProblem(
                pointer(*at, PSA_PREFIX + mode),
                f'Invalid value: "{level}": must be one of {", ".join(_PSA_LEVELS)}',
            )
        version = labels.get(f"{PSA_PREFIX}{mode}-version")
        if isinstance(version, str) and not _PSA_VERSION.fullmatch(version):
            yield ApiProblem(
                pointer(*at, f"{PSA_PREFIX}{mode}-version"),
                f'Invalid value: "{version}": must be "latest" or of the form v1.N',
            )


def consistency_problems(res: Resource) -> Iterator[ApiProblem]:
    """Required fields, cross-field and uniqueness rules of one object."""
    spec = podspec.pod_spec(res) if res.kind in podspec.BUILTIN_POD_KINDS else None
    if spec is not None:
        yield from pod_consistency(res, spec)
    if res.kind == "Deployment":
        yield from selector_matches(res.body)
        yield from deployment(res.body)
    if res.kind == "Job":
        yield from job(res.body)
    if res.kind == "Service":
        yield from service_consistency(res.body)
