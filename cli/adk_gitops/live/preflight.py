"""``preflight``: will the first sync of this environment work on this cluster?

Each check is a function of the target and what the API server answers, and
gives frozen ``Check`` results. Secret values are never read into a result: only
key names (``api.keys_of``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.podspec import NATIVE_SIDECARS_ON_BY_DEFAULT, containers, pod_spec
from adk_gitops.kube.validation.objects import PSA_PREFIX
from adk_gitops.live.api import Cluster, Response, keys_of
from adk_gitops.live.environment import SecretRef, Target, secret_refs

PSA_ENFORCE = PSA_PREFIX + "enforce"
# pod-security-admission/admission/admission.go: warnings on workload objects read
# `would violate PodSecurity "restricted:latest": ...`.
_PSA_WARNING = re.compile(r'would violate PodSecurity "(?P<level>[a-z]+):(?P<version>[^"]+)"')


class Verdict(StrEnum):
    OK = "ok"
    FAIL = "fail"  # the first sync will not work: not ready
    WARN = "warn"  # worth reading; does not block the sync
    SKIP = "skip"  # not for this cluster to answer (said why); does not count against ready
    DENIED = "denied"  # the server refused us the answer (403 and the like): not verified, not ready


class Topic(StrEnum):
    VERSION = "version"
    ARGOCD = "argocd"
    NAMESPACE = "namespace"
    REFERENCE = "reference"
    DRY_RUN = "dry-run"
    POD_SECURITY = "pod-security"


@dataclass(frozen=True)
class Check:
    topic: Topic
    verdict: Verdict
    subject: str  # what it is about: "Secret ns/name", "Job ns/name", "server"
    message: str
    fix: str = ""
    resource: Resource | None = None  # the rendered object it is about, if any


@dataclass(frozen=True)
class PreflightReport:
    target: str
    server: str
    server_version: str
    checks: tuple[Check, ...]

    @property
    def ready(self) -> bool:
        """Every check that matters answered, and none failed."""
        return not any(c.verdict in (Verdict.FAIL, Verdict.DENIED) for c in self.checks)


def run(cluster: Cluster, target: Target) -> PreflightReport:
    version = cluster.version()
    checks = [version_check(version, target.resources)]
    checks += argocd_checks(cluster, target)
    namespace = cluster.get("v1", "Namespace", target.namespace)
    checks.append(namespace_check(target, namespace))
    labels = _labels(namespace.body) if namespace.ok else {}
    exists = namespace.status != 404  # unreadable (403): assume it exists; later checks say what they see
    checks += reference_checks(cluster, target, namespace_exists=exists)
    checks += dry_run_checks(cluster, target, namespace_exists=exists, namespace_labels=labels)
    return PreflightReport(target.label, cluster.server, str(version.get("gitVersion", "")), tuple(checks))


def _minor(version: Mapping[str, Any]) -> tuple[int, int] | None:
    """(major, minor) as /version reports them; managed clusters write "29+"."""
    try:
        return int(str(version.get("major", "")).rstrip("+")), int(str(version.get("minor", "")).rstrip("+"))
    except ValueError:
        match = re.match(r"v?(\d+)\.(\d+)", str(version.get("gitVersion", "")))
        return (int(match[1]), int(match[2])) if match else None


def _sidecar_users(resources: tuple[Resource, ...]) -> list[Resource]:
    users = []
    for resource in resources:
        pod = pod_spec(resource)
        if pod is not None and any(c.native_sidecar for c in containers(pod)):
            users.append(resource)
    return users


def version_check(version: Mapping[str, Any], resources: tuple[Resource, ...]) -> Check:
    """The server's version (its /version answer) against what the objects need."""
    shown = str(version.get("gitVersion") or "unknown")
    have = _minor(version)
    users = _sidecar_users(resources)
    need = ".".join(map(str, NATIVE_SIDECARS_ON_BY_DEFAULT))
    if not users:
        return Check(
            Topic.VERSION, Verdict.OK, "server", f"Kubernetes {shown} (no native sidecar needs 1.29+)"
        )
    first = users[0].id
    if have is None:
        return Check(Topic.VERSION, Verdict.WARN, "server", f"cannot read the version from {shown!r}")
    if have < NATIVE_SIDECARS_ON_BY_DEFAULT:
        return Check(
            Topic.VERSION,
            Verdict.FAIL,
            "server",
            f"Kubernetes {shown} is older than {need}: the native sidecar of {first} needs {need}+ "
            "(on older servers it runs as a plain init container that never exits)",
            f"upgrade the control plane and every node pool to {need} or later",
            users[0],
        )
    return Check(Topic.VERSION, Verdict.OK, "server", f"Kubernetes {shown} (native sidecars need {need}+)")


def argocd_checks(cluster: Cluster, target: Target) -> Iterator[Check]:
    if not target.in_cluster:
        assert target.application is not None
        yield Check(
            Topic.ARGOCD,
            Verdict.SKIP,
            "Argo CD",
            f"Application {target.application.name} deploys to {target.application.cluster}: "
            "Argo CD runs on another cluster, not checked here",
        )
        return
    if cluster.resource("argoproj.io/v1alpha1", "Application") is None:
        yield Check(
            Topic.ARGOCD,
            Verdict.FAIL,
            "Argo CD",
            "Argo CD is not installed: the cluster serves no argoproj.io/v1alpha1 Application (CRD missing)",
            "install Argo CD (https://argo-cd.readthedocs.io/en/stable/getting_started/), "
            "or --context the cluster that runs it",
        )
        return
    app_ns = target.application_namespace
    found = cluster.get("v1", "Namespace", app_ns)
    if found.ok:
        yield Check(Topic.ARGOCD, Verdict.OK, "Argo CD", f"Application CRD served; namespace {app_ns} exists")
    elif found.status != 404:
        yield Check(
            Topic.ARGOCD,
            Verdict.DENIED,
            f"Namespace {app_ns}",
            f"Application CRD served; cannot read namespace {app_ns} ({found.status}: {found.message})",
        )
    else:
        yield Check(
            Topic.ARGOCD,
            Verdict.FAIL,
            f"Namespace {app_ns}",
            f"the Application's namespace {app_ns} does not exist",
            f"install Argo CD into {app_ns}, or set metadata.namespace of the Application to where it runs",
        )


def namespace_check(target: Target, namespace: Response) -> Check:
    ns = target.namespace
    subject = f"Namespace {ns}"
    if namespace.ok:
        level = _labels(namespace.body).get(PSA_ENFORCE)
        enforced = f", Pod Security enforce={level}" if level else ""
        return Check(Topic.NAMESPACE, Verdict.OK, subject, f"exists{enforced}")
    if namespace.status != 404:
        return Check(
            Topic.NAMESPACE,
            Verdict.DENIED,
            subject,
            f"cannot read it ({namespace.status}: {namespace.message})",
        )
    if target.application is not None and target.application.create_namespace:
        return Check(
            Topic.NAMESPACE,
            Verdict.OK,
            subject,
            f"does not exist yet; Application {target.application.name} creates it (CreateNamespace=true)",
        )
    return Check(
        Topic.NAMESPACE,
        Verdict.FAIL,
        subject,
        "does not exist, and nothing creates it",
        f"kubectl create namespace {ns}, or add CreateNamespace=true to the Application's syncOptions",
    )


def _labels(obj: Any) -> dict[str, str]:
    labels = obj.get("metadata", {}).get("labels") if isinstance(obj, Mapping) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, Mapping) else {}


def reference_checks(cluster: Cluster, target: Target, *, namespace_exists: bool) -> Iterator[Check]:
    """Every Secret (and key) the rendered pods read and the sync does not create."""
    rendered = {(r.kind, target.namespace_of(r), r.name) for r in target.resources}
    wanted: dict[tuple[str, str], list[SecretRef]] = {}
    for resource in target.resources:
        for ref in secret_refs(resource):
            key = (target.namespace_of(resource), ref.name)
            if ("Secret", *key) not in rendered:
                wanted.setdefault(key, []).append(ref)
    for (namespace, name), refs in sorted(wanted.items()):
        keys = sorted({k for ref in refs for k in ref.keys})
        readers = ", ".join(sorted({str(ref.resource.id) for ref in refs}))
        subject = f"Secret {namespace}/{name}"
        create = f"kubectl -n {namespace} create secret generic {name}" + "".join(
            f" --from-literal={k}=..." for k in keys
        )
        if not namespace_exists:
            yield Check(
                Topic.REFERENCE,
                Verdict.FAIL,
                subject,
                f"not found (namespace {namespace} does not exist yet); read by {readers}",
                f"kubectl create namespace {namespace} && {create}",
                refs[0].resource,
            )
            continue
        found = cluster.get("v1", "Secret", name, namespace)
        if found.status == 404:
            yield Check(
                Topic.REFERENCE,
                Verdict.FAIL,
                subject,
                f"not found; read by {readers}",
                create,
                refs[0].resource,
            )
        elif not found.ok:
            yield Check(
                Topic.REFERENCE,
                Verdict.DENIED,
                subject,
                f"cannot read it ({found.status}: {found.message})",
                f"kubectl -n {namespace} get secret {name} with credentials that may, or run preflight so",
                refs[0].resource,
            )
        else:
            have = set(keys_of(found.body))
            missing = [k for k in keys if k not in have]
            if missing:
                yield Check(
                    Topic.REFERENCE,
                    Verdict.FAIL,
                    subject,
                    f"has no key {', '.join(missing)} (keys: {', '.join(sorted(have)) or 'none'}); "
                    f"read by {readers}",
                    f"add {', '.join(missing)} to the Secret (key names are case-sensitive)",
                    refs[0].resource,
                )
            else:
                shown = f"keys {', '.join(keys)} present" if keys else "present"
                yield Check(Topic.REFERENCE, Verdict.OK, subject, shown, resource=refs[0].resource)


def dry_run_checks(
    cluster: Cluster, target: Target, *, namespace_exists: bool, namespace_labels: Mapping[str, str]
) -> Iterator[Check]:
    """A server-side dry-run of every rendered object: all admission and
    validation runs, nothing is stored."""
    enforced = namespace_labels.get(PSA_ENFORCE, "")
    skipped = 0
    for resource in target.resources:
        resource_type = cluster.resource(resource.api_version, resource.kind)
        if resource_type is None:
            yield Check(
                Topic.DRY_RUN,
                Verdict.FAIL,
                str(resource.id),
                f"the cluster does not serve {resource.kind} in {resource.api_version}",
                "install the CRD first, or use an apiVersion this cluster serves",
                resource,
            )
            continue
        namespace = target.namespace_of(resource) if resource_type.namespaced else None
        if namespace is not None and not namespace_exists and namespace == target.namespace:
            skipped += 1
            continue
        answer = _dry_run(cluster, resource, namespace)
        subject = f"{resource.kind} {namespace + '/' if namespace else ''}{resource.name}"
        if answer.status == 403:  # this user may not; Argo CD applies with its own account
            yield Check(
                Topic.DRY_RUN,
                Verdict.DENIED,
                subject,
                f"not dry-run: your credentials may not ({answer.message})",
                "run preflight with credentials that may create these objects (as Argo CD's)",
                resource,
            )
            continue
        if not answer.ok:
            yield Check(
                Topic.DRY_RUN,
                Verdict.FAIL,
                subject,
                f"rejected by the API server: {answer.message}",
                "fix the manifest; `adk-gitops check` shows the file and line",
                resource,
            )
            continue
        for warning in answer.warnings:
            yield _warning_check(subject, warning, enforced, resource)
        if not answer.warnings:
            yield Check(
                Topic.DRY_RUN, Verdict.OK, subject, "accepted (server-side dry-run)", resource=resource
            )
    if skipped:
        yield Check(
            Topic.DRY_RUN,
            Verdict.SKIP,
            f"Namespace {target.namespace}",
            f"{skipped} namespaced objects not dry-run: the namespace does not exist yet",
            f"kubectl create namespace {target.namespace} (with the Secret), then run preflight again",
        )


def _dry_run(cluster: Cluster, resource: Resource, namespace: str | None) -> Response:
    body = dict(resource.body)
    if namespace is not None:
        body["metadata"] = {**resource.metadata, "namespace": namespace}
    if not hook_info(resource).is_hook and resource.metadata.get("name"):
        return cluster.dry_run_apply(body, namespace)
    # Argo CD creates hooks anew on every sync (BeforeHookCreation deletes the old
    # one), so a hook is dry-run *created*; a leftover of the last sync must not
    # turn that into an update of an immutable Job template.
    answer = cluster.dry_run_create(body, namespace)
    if answer.status == 409:
        meta = {k: v for k, v in body["metadata"].items() if k != "name"}
        renamed = {**body, "metadata": {**meta, "generateName": f"{resource.name}-"}}
        answer = cluster.dry_run_create(renamed, namespace)
    return answer


def _warning_check(subject: str, warning: str, enforced: str, resource: Resource) -> Check:
    psa = _PSA_WARNING.search(warning)
    if psa is None:
        return Check(Topic.DRY_RUN, Verdict.WARN, subject, f"warning: {warning}", resource=resource)
    if psa["level"] == enforced:
        return Check(
            Topic.POD_SECURITY,
            Verdict.FAIL,
            subject,
            f"the namespace enforces Pod Security {enforced!r}: its pods would be refused: {warning}",
            f"set the securityContext fields the message names, or relax the namespace's {PSA_ENFORCE} label",
            resource,
        )
    return Check(
        Topic.POD_SECURITY,
        Verdict.WARN,
        subject,
        warning,
        "set the securityContext fields the message names before the namespace enforces it",
        resource,
    )
