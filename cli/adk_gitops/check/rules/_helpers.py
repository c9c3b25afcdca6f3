"""Shared vocabulary for rules: workloads, containers, images, database URLs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from adk_gitops.adk.migration import strategy_of
from adk_gitops.adk.workloads import argv
from adk_gitops.argocd.syncplan import Diagnosis
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource


def violation(res: Resource, pointer: str, message: str) -> Violation:
    return Violation(pointer, message, res.id, resource=res)


# Pod Security "restricted" (https://kubernetes.io/docs/concepts/security/pod-security-standards/):
# errors where the agent runs, warnings on other workloads (databases, demo apps,
# vendored installs), which the text report sums up in one line.
HARDENING_RULES = ("run-as-non-root", "drop-all-capabilities", "no-privilege-escalation", "seccomp-profile")


def hardened(ctx: Context, res: Resource) -> bool:
    """Whether the hardening rules judge ``res`` at their own severity: an ADK
    workload, a migration Job, a workload in a namespace the rendered Namespace
    enforces `restricted` in, or everything with `check.hardening: everywhere`."""
    if ctx.hardening_everywhere or ctx.is_adk_workload(res) or is_migration_job(res):
        return True
    return (res.namespace or ctx.destination_namespace or "") in ctx.restricted_namespaces


def hardening_violation(
    ctx: Context, res: Resource, pointer: str, message: str, relaxed: Severity
) -> Violation:
    """A hardening rule's finding: at ``relaxed`` severity outside hardened()'s scope."""
    found = violation(res, pointer, message)
    return found if hardened(ctx, res) else replace(found, severity=relaxed)


def plan_problems(ctx: Context, diagnosis: Diagnosis) -> Iterator[Violation]:
    """The sync model's facts of one diagnosis, as the violations of its rule."""
    for problem in ctx.plan.problems:
        if problem.rule is diagnosis:
            rid = problem.resource
            res = problem.subject or ctx.find(rid.kind, rid.name, rid.namespace)
            yield Violation(problem.pointer, problem.message, rid, resource=res)


def pods(ctx: Context) -> Iterator[tuple[Resource, podspec.PodSpec]]:
    for res in ctx.resources:
        spec = podspec.pod_spec(res)
        if spec is not None:
            yield res, spec


def containers(ctx: Context) -> Iterator[tuple[Resource, podspec.PodSpec, podspec.Container]]:
    for res, spec in pods(ctx):
        for container in podspec.containers(spec):
            yield res, spec, container


def main_container(res: Resource) -> podspec.Container | None:
    spec = podspec.pod_spec(res)
    if spec is None:
        return None
    return next((c for c in podspec.containers(spec) if not c.init), None)


def is_migration_job(res: Resource) -> bool:
    """A Job that runs ``adk migrate ...`` or ADK's ``prepare_tables()``, or is
    labelled as the migration."""
    if res.kind != "Job":
        return False
    labels = res.metadata.get("labels") or {}
    if labels.get("app.kubernetes.io/component") == "migration":
        return True
    spec = podspec.pod_spec(res)
    for c in podspec.containers(spec) if spec else ():
        words = argv(c.body)
        if words and words[0].rsplit("/", 1)[-1] == "adk" and "migrate" in words[1:3]:
            return True
        if strategy_of(words) is not None:
            return True
    return False


def migration_jobs(ctx: Context) -> list[Resource]:
    return [r for r in ctx.resources if is_migration_job(r)]


def adk_apps(ctx: Context) -> list[Resource]:
    """The target's ADK workloads (``adk_gitops.adk.workloads``, with the repository's selector)."""
    return list(ctx.adk_workloads)


# GKE Workload Identity: the Google service account a Kubernetes ServiceAccount acts as.
GSA_ANNOTATION = "iam.gke.io/gcp-service-account"

PROXY_IMAGE = re.compile(r"(^|/)(cloud-sql-proxy|cloudsql-proxy|gce-proxy)(:|@|$)")


def is_cloudsql_proxy(container: podspec.Container) -> bool:
    return bool(PROXY_IMAGE.search(str(container.body.get("image", ""))))


# postgresql+asyncpg://user:pass@host:5432/db, also inside --flag=URL arguments.
DB_URL = re.compile(r"(?P<scheme>(?:postgres(?:ql)?|mysql|mariadb)(?:\+[a-z0-9_]+)?)://(?P<rest>[^\s\"']*)")


@dataclass(frozen=True)
class DbUrl:
    pointer: str
    text: str
    userinfo: str  # before the last '@' of the authority, "" if none
    host: str
    port: int | None


def _authority(rest: str) -> str:
    # The authority ends at the first '/' after the last '@' (a password may hold '/').
    at = rest.rfind("@")
    end = rest.find("/", at + 1 if at >= 0 else 0)
    return rest if end < 0 else rest[:end]


def db_urls(container: podspec.Container) -> Iterator[DbUrl]:
    """Database URLs written literally in env values, command or args."""
    body = container.body
    places: list[tuple[str, str]] = []
    for i, env in enumerate(body.get("env") or []):
        if "value" in env:
            places.append((f"{container.pointer}/env/{i}/value", str(env["value"])))
    for field_name in ("command", "args"):
        for i, arg in enumerate(body.get(field_name) or []):
            places.append((f"{container.pointer}/{field_name}/{i}", str(arg)))
    for pointer, text in places:
        for match in DB_URL.finditer(text):
            authority = _authority(match.group("rest"))
            userinfo, _, hostport = authority.rpartition("@")
            host, _, port = hostport.partition(":")
            yield DbUrl(pointer, match.group(0), userinfo, host, int(port) if port.isdigit() else None)


def env_value(container: podspec.Container, name: str) -> str | None:
    for env in container.body.get("env") or []:
        if env.get("name") == name and "value" in env:
            return str(env["value"])
    return None


# Pod-level securityContext fields a container inherits unless it sets its own.
_INHERITED = ("runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile")


def effective_security(pod: podspec.PodSpec, container: podspec.Container) -> dict[str, Any]:
    """The securityContext the kubelet applies to this container."""
    pod_sc = pod.spec.get("securityContext") or {}
    merged = {k: pod_sc[k] for k in _INHERITED if k in pod_sc}
    merged.update(container.body.get("securityContext") or {})
    return merged
