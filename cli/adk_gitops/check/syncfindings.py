"""The sync rules' verdict on one target: what ``plan`` prints and what ``diff`` compares
across a change, through one call, so both read the Application, the configuration and
the suppressions exactly as ``check`` does."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adk_gitops.argocd.applications import AppInfo
from adk_gitops.argocd.syncplan import SyncPlan
from adk_gitops.check.checkconfig import CheckConfig
from adk_gitops.check.engine import run_rules
from adk_gitops.check.model import Finding
from adk_gitops.check.rules import SYNC_RULES, get
from adk_gitops.check.rules._context import Context, RepoIndex
from adk_gitops.kube.manifests import Resource


@dataclass(frozen=True)
class SyncFindings:
    plan: SyncPlan
    findings: tuple[Finding, ...]  # sorted as reports list them
    create_namespace: str | None  # what CreateNamespace=true creates first, given or read
    application: AppInfo | None  # the Application deploying the folder, when one does


def sync_findings(
    label: str,
    resources: Sequence[Resource],
    *,
    folder: Path | None,
    index: RepoIndex,
    config: CheckConfig,
    create_namespace: str | None = None,
) -> SyncFindings:
    """The sync plan of ``resources`` (rendered from ``folder``, when they were) and the
    sync rules' findings on it. ``create_namespace`` overrides what the folder's
    Application says (``plan --create-namespace``)."""
    created, destination, found = index.deployment(folder)
    create = create_namespace if create_namespace is not None else created
    ctx = Context(
        label,
        tuple(resources),
        default_file=label,
        settings=config.for_target(label),
        adk_selector=config.adk_selector,
        create_namespace=create,
        # CreateNamespace=true creates the destination's namespace: --create-namespace names it.
        destination_namespace=destination or create,
        repo=index,
        application=found,
    )
    findings = run_rules(ctx, SYNC_RULES)
    if found is not None and not found.generated:
        # What the AppProject refuses of the Application itself ends the sync too.
        app_ctx = Context(found.file, (found.resource,), repo=index, default_file=found.file)
        findings += run_rules(app_ctx, [get("appproject-permits-application")])
    return SyncFindings(ctx.plan, tuple(sorted(findings)), create, found)
