"""``check``'s second half: what the rules say about rendered targets. Imported
by ``checker.check`` only once kustomize is running, so the rules, the schemas and
the configuration load while it renders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path

from adk_gitops.adk.workloads import adk_workloads
from adk_gitops.check import checkconfig
from adk_gitops.check.checkconfig import CheckConfig
from adk_gitops.check.engine import finding, printable, run_rules
from adk_gitops.check.model import Finding, Report, Severity, TargetResult
from adk_gitops.check.rules import get
from adk_gitops.check.rules._context import Context, RepoIndex, repo_index
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.schemas import SchemaSet
from adk_gitops.kustomize import guard, kustomization
from adk_gitops.targets.discover import Loaded, Target, TargetKind, repo_label
from adk_gitops.txn import MANIFEST, interrupted

# What the bases render, and what a repository's argocd/ holds: compiled first.
_COMMON = (
    ("apps/v1", "Deployment"),
    ("batch/v1", "Job"),
    ("v1", "ServiceAccount"),
    ("v1", "Service"),
    ("argoproj.io/v1alpha1", "Application"),
)


def configuration(config: CheckConfig | Callable[[], CheckConfig] | None) -> CheckConfig:
    if config is None:
        return checkconfig.DEFAULT
    return config if isinstance(config, CheckConfig) else config()


@cache
def schemas(versions: tuple[str, ...]) -> SchemaSet:
    return SchemaSet(versions)


def warm_schemas(versions: tuple[str, ...]) -> None:
    """Compile the validators most targets need (the definitions load once)."""
    schemas(versions).warm(_COMMON)


def _namespace_of(resources: Sequence[Resource]) -> str:
    namespaces = {r.namespace for r in resources if r.namespace}
    return namespaces.pop() if len(namespaces) == 1 else ""


def _repo_index(
    root: Path, loaded: Sequence[Loaded], config: CheckConfig, discovered: Sequence[Target]
) -> RepoIndex:
    rendered = {
        item.target.path.resolve(): item.resources
        for item in loaded
        if item.target.kind is TargetKind.KUSTOMIZATION and item.target.path is not None
    }
    namespaces: dict[str, str] = {}
    objects: dict[str, frozenset[tuple[str, str, str, str]]] = {}
    for target in discovered:
        if target.kind is not TargetKind.KUSTOMIZATION or target.path is None:
            continue
        resources = rendered.get(target.path.resolve())
        declared = str(kustomization.load(target.path).get("namespace") or "")
        namespaces[target.label] = _namespace_of(resources) if resources else declared
        if resources is not None:
            try:
                where = target.path.resolve().relative_to(root.resolve()).as_posix()
            except ValueError:
                continue
            objects[where] = frozenset((r.group, r.kind, r.namespace, r.name) for r in resources)
    return repo_index(root, config.repo_url, namespaces, objects)


_REFUSAL_RULES = {
    guard.Why.REMOTE: "remote-reference",
    guard.Why.OUTSIDE: "path-outside-repository",
    guard.Why.UNREADABLE: "render-failed",
}


def judge(
    loaded: Sequence[Loaded],
    root: Path,
    kubernetes_versions: tuple[str, ...],
    fail_on: Severity,
    config: CheckConfig,
    discovered: Sequence[Target],
) -> Report:
    """Every rule over every loaded target; the report."""
    repo = _repo_index(root, loaded, config, discovered)
    findings: list[Finding] = [
        finding(
            get("edit-interrupted"),
            repo_label(staging, root),
            message="an adk-gitops edit was killed before all its files were in place",
            file=repo_label(staging / MANIFEST, root),
        )
        for staging in interrupted(root)
    ]
    schema_set = schemas(kubernetes_versions)
    results: list[TargetResult] = []
    for item in loaded:
        target = item.target
        for refusal in item.refusals:
            findings.append(
                finding(
                    get(_REFUSAL_RULES[refusal.why]),
                    target.label,
                    message=f"{refusal.entry!r}: {refusal.detail}",
                    file=repo_label(refusal.file, root),
                )
            )
        if item.error:
            findings.append(
                finding(get("render-failed"), target.label, message=item.error, file=target.default_file)
            )
        elif item.resources or not item.refusals:  # a target the guard stopped has nothing to rule on
            ctx = Context(
                target.label,
                item.resources,
                kubernetes_versions,
                target.path if target.kind is TargetKind.KUSTOMIZATION else None,
                repo,
                schema_set,
                target.default_file,
                config.for_target(target.label),
                config.adk_selector,
                *repo.deployment(target.path if target.kind is TargetKind.KUSTOMIZATION else None),
                hardening_everywhere=config.hardening_everywhere,
                folder=target.path if target.kind is TargetKind.FOLDER else None,
            )
            findings.extend(run_rules(ctx))
        skipped = any(podspec.pod_spec(r) for r in item.resources) and not adk_workloads(
            item.resources, config.adk_selector
        )
        results.append(TargetResult(printable(target.label), len(item.resources), item.rendered_by, skipped))
    return Report(tuple(sorted(findings)), tuple(results), kubernetes_versions, fail_on)
