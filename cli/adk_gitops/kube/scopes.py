"""Which kinds are cluster-scoped: what Argo CD learns from the destination
cluster's API discovery (``metav1.APIResource.Namespaced``) and passes to the
AppProject's permission check (controller/sync.go validateSyncPermissions).

Offline, the built-in kinds come from this table (a cluster test compares it with
what the real kube-apiserver serves), a custom resource's from a
CustomResourceDefinition rendered beside it (``spec.scope``); any other kind's
scope is unknown and nothing is concluded from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from adk_gitops.kube.manifests import Resource


class Scope(StrEnum):
    NAMESPACED = "Namespaced"
    CLUSTER = "Cluster"


# (group, kind) of every cluster-scoped kind Kubernetes 1.28-1.37 serves, beta and
# alpha ones included (tests/cluster/test_scopes.py checks them against the server).
CLUSTER_SCOPED: frozenset[tuple[str, str]] = frozenset(
    {
        ("", "Namespace"),
        ("", "Node"),
        ("", "PersistentVolume"),
        ("", "ComponentStatus"),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding"),
        ("apiextensions.k8s.io", "CustomResourceDefinition"),
        ("apiregistration.k8s.io", "APIService"),
        ("authentication.k8s.io", "TokenReview"),
        ("authentication.k8s.io", "SelfSubjectReview"),
        ("authorization.k8s.io", "SelfSubjectAccessReview"),
        ("authorization.k8s.io", "SelfSubjectRulesReview"),
        ("authorization.k8s.io", "SubjectAccessReview"),
        ("certificates.k8s.io", "CertificateSigningRequest"),
        ("certificates.k8s.io", "ClusterTrustBundle"),
        ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
        ("internal.apiserver.k8s.io", "StorageVersion"),
        ("networking.k8s.io", "IngressClass"),
        ("networking.k8s.io", "IPAddress"),
        ("networking.k8s.io", "ServiceCIDR"),
        ("node.k8s.io", "RuntimeClass"),
        ("policy", "PodSecurityPolicy"),
        ("rbac.authorization.k8s.io", "ClusterRole"),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
        ("resource.k8s.io", "DeviceClass"),
        ("resource.k8s.io", "ResourceSlice"),
        ("resource.k8s.io", "DeviceTaintRule"),
        ("scheduling.k8s.io", "PriorityClass"),
        ("storage.k8s.io", "CSIDriver"),
        ("storage.k8s.io", "CSINode"),
        ("storage.k8s.io", "StorageClass"),
        ("storage.k8s.io", "VolumeAttachment"),
        ("storage.k8s.io", "VolumeAttributesClass"),
        ("storagemigration.k8s.io", "StorageVersionMigration"),
    }
)

# Groups whose every kind is Kubernetes' own: a kind of these not in the table above
# is namespaced.
BUILTIN_GROUPS: frozenset[str] = frozenset(
    {"", *(group for group, _ in CLUSTER_SCOPED)}
    | {
        "apps",
        "autoscaling",
        "batch",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "events.k8s.io",
        "networking.k8s.io",
    }
)


def _crd_scopes(resources: Iterable[Resource]) -> dict[tuple[str, str], Scope]:
    scopes: dict[tuple[str, str], Scope] = {}
    for res in resources:
        if res.kind != "CustomResourceDefinition" or res.group != "apiextensions.k8s.io":
            continue
        spec = res.body.get("spec")
        if not isinstance(spec, Mapping):
            continue
        names = spec.get("names")
        kind = names.get("kind") if isinstance(names, Mapping) else None
        scope = spec.get("scope")
        if isinstance(kind, str) and scope in ("Namespaced", "Cluster"):
            scopes[str(spec.get("group") or ""), kind] = Scope(scope)
    return scopes


class ScopeIndex:
    """The scope of each kind of one rendered target."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self._crds = _crd_scopes(resources)

    def scope(self, group: str, kind: str) -> Scope | None:
        """None: unknown (a custom resource whose CustomResourceDefinition is not rendered)."""
        if (group, kind) in CLUSTER_SCOPED:
            return Scope.CLUSTER
        if group in BUILTIN_GROUPS:
            return Scope.NAMESPACED
        return self._crds.get((group, kind))
