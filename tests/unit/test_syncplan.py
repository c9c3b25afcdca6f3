"""Argo CD's sync order, worked out by hand from gitops-engine's rules (see
docs/argocd-sync-model.md), against build_plan()."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from adk_gitops.manifests import Resource, load_stream
from adk_gitops.syncplan import SyncPlan, build_plan


def obj(
    kind: str,
    name: str,
    *,
    api: str = "v1",
    ns: str | None = "app",
    spec: dict[str, Any] | None = None,
    **annotations: str,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if ns:
        meta["namespace"] = ns
    keys = {
        "hook": "argocd.argoproj.io/hook",
        "wave": "argocd.argoproj.io/sync-wave",
        "policy": "argocd.argoproj.io/hook-delete-policy",
        "helm": "helm.sh/hook",
        "weight": "helm.sh/hook-weight",
        "helm_policy": "helm.sh/hook-delete-policy",
    }
    if annotations:
        meta["annotations"] = {keys[k]: v for k, v in annotations.items()}
    body: dict[str, Any] = {"apiVersion": api, "kind": kind, "metadata": meta}
    if spec is not None:
        body["spec"] = spec
    return body


def job(
    name: str,
    *,
    sa: str | None = None,
    secret: str | None = None,
    config_map_volume: str | None = None,
    **annotations: str,
) -> dict[str, Any]:
    pod: dict[str, Any] = {"restartPolicy": "Never", "containers": [{"name": "c", "image": "i:1"}]}
    if sa:
        pod["serviceAccountName"] = sa
    if secret:
        pod["containers"][0]["env"] = [
            {"name": "P", "valueFrom": {"secretKeyRef": {"name": secret, "key": "k"}}}
        ]
    if config_map_volume:
        pod["volumes"] = [{"name": "v", "configMap": {"name": config_map_volume}}]
    return obj("Job", name, api="batch/v1", spec={"template": {"spec": pod}}, **annotations)


def plan_of(*docs: dict[str, Any], create_namespace: str | None = None) -> SyncPlan:
    resources: tuple[Resource, ...] = load_stream(yaml.safe_dump_all(docs))
    return build_plan(resources, create_namespace=create_namespace)


def steps(plan: SyncPlan) -> list[tuple[str, int, list[str]]]:
    return [
        (str(s.phase), s.wave, [f"{t.resource.kind}/{t.resource.name}" for t in s.tasks]) for s in plan.steps
    ]


def codes(plan: SyncPlan) -> set[tuple[str, str, str]]:
    return {(p.code, p.resource.name, p.severity) for p in plan.problems}


CASES: dict[str, tuple[list[dict[str, Any]], list[tuple[str, int, list[str]]]]] = {
    "kind order inside a wave, unknown kinds last": (
        [
            obj("Deployment", "web", api="apps/v1"),
            obj("ExternalSecret", "es", api="external-secrets.io/v1"),
            obj("Service", "web"),
            obj("Secret", "s"),
            obj("ServiceAccount", "sa"),
            obj("ConfigMap", "a-cm"),
        ],
        [
            (
                "Sync",
                0,
                [
                    "ServiceAccount/sa",
                    "Secret/s",
                    "ConfigMap/a-cm",
                    "Service/web",
                    "Deployment/web",
                    "ExternalSecret/es",
                ],
            )
        ],
    ),
    "same kind sorts by name": (
        [obj("ConfigMap", "b"), obj("ConfigMap", "a"), obj("ConfigMap", "c")],
        [("Sync", 0, ["ConfigMap/a", "ConfigMap/b", "ConfigMap/c"])],
    ),
    "negative waves, phases before waves": (
        [
            obj("ConfigMap", "cm", wave="-2"),
            job("migrate", hook="PreSync", wave="5"),
            obj("Service", "svc", wave="-1"),
            obj("Deployment", "web", api="apps/v1"),
        ],
        [
            ("PreSync", 5, ["Job/migrate"]),
            ("Sync", -2, ["ConfigMap/cm"]),
            ("Sync", -1, ["Service/svc"]),
            ("Sync", 0, ["Deployment/web"]),
        ],
    ),
    "one task per listed phase": (
        [job("check", hook="PreSync,PostSync, PreSync"), obj("Deployment", "web", api="apps/v1")],
        [("PreSync", 0, ["Job/check"]), ("Sync", 0, ["Deployment/web"]), ("PostSync", 0, ["Job/check"])],
    ),
    "unparsable sync-wave falls back to hook-weight, then 0": (
        [
            obj("ConfigMap", "weighted", wave="one", weight="3"),
            obj("ConfigMap", "spaced", wave=" 2"),
            obj("ConfigMap", "plus", wave="+1"),
        ],
        [
            ("Sync", 0, ["ConfigMap/spaced"]),
            ("Sync", 1, ["ConfigMap/plus"]),
            ("Sync", 3, ["ConfigMap/weighted"]),
        ],
    ),
    "Namespace moves in front of its first user and takes its phase and wave": (
        [
            obj("Namespace", "app", ns=None, wave="5"),
            job("migrate", hook="PreSync"),
            obj("Deployment", "web", api="apps/v1"),
            obj("Namespace", "unused", ns=None, wave="1"),
        ],
        [
            ("PreSync", 0, ["Namespace/app", "Job/migrate"]),
            ("Sync", 0, ["Deployment/web"]),
            ("Sync", 1, ["Namespace/unused"]),
        ],
    ),
    "CRD moves in front of its first custom resource": (
        [
            obj("Widget", "w", api="example.com/v1", wave="-3"),
            obj(
                "CustomResourceDefinition",
                "widgets.example.com",
                api="apiextensions.k8s.io/v1",
                ns=None,
                spec={"group": "example.com", "names": {"kind": "Widget"}},
            ),
        ],
        [("Sync", -3, ["CustomResourceDefinition/widgets.example.com", "Widget/w"])],
    ),
    "Helm hooks map to phases and weights; Argo CD hooks win": (
        [
            obj("ConfigMap", "pre", helm="pre-install,pre-upgrade", weight="-3"),
            job("post", helm="post-upgrade"),
            job("both", hook="PreSync", helm="post-install"),
            obj("ConfigMap", "crd-install", helm="crd-install"),
        ],
        [
            ("PreSync", -3, ["ConfigMap/pre"]),
            ("PreSync", 0, ["Job/both"]),
            ("Sync", 0, ["ConfigMap/crd-install"]),
            ("PostSync", 0, ["Job/post"]),
        ],
    ),
    "misspelled, Skip, delete-only and unsupported Helm hooks are never applied": (
        [
            job("typo", hook="presync"),
            obj("ConfigMap", "skipped", hook="Skip"),
            job("cleanup", hook="PreDelete"),
            obj("Pod", "helm-test", helm="test"),
            job("partly", hook="Skip,PreSync,Bogus"),
        ],
        [("PreSync", 0, ["Job/partly"])],
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_step_order(case: str) -> None:
    docs, expected = CASES[case]
    assert steps(plan_of(*docs)) == expected


def test_invalid_values_are_flagged() -> None:
    plan = plan_of(
        job("typo", hook="presync"),
        obj("Pod", "helm-test", helm="test"),
        job("partly", hook="Skip,PreSync,Bogus", policy="HookSucceeded,OnSuccess"),
        obj("ConfigMap", "spaced", wave=" 2"),
        create_namespace="app",
    )
    assert codes(plan) == {
        ("hook-value-invalid", "typo", "error"),
        ("helm-hook-unsupported", "helm-test", "error"),
        ("hook-value-invalid", "partly", "error"),
        ("hook-delete-policy-invalid", "partly", "error"),
        ("sync-wave-unparsable", "spaced", "error"),
    }
    assert {n.resource.name for n in plan.not_synced} == {"typo", "helm-test"}
    assert plan.first_sync_ok  # nothing here deadlocks; these are check's errors


def test_delete_policies_merge_argo_and_helm_and_default_to_before_hook_creation() -> None:
    plan = plan_of(
        job("merged", hook="PreSync", policy="HookSucceeded", helm_policy="hook-failed"),
        job("default", hook="PreSync"),
    )
    policies = {t.resource.name: t.delete_policies for s in plan.steps for t in s.tasks}
    assert policies == {"merged": ("HookSucceeded", "HookFailed"), "default": ("BeforeHookCreation",)}


def test_sync_fail_hooks_run_only_on_failure() -> None:
    plan = plan_of(job("notify", hook="SyncFail", wave="3"), obj("Deployment", "web", api="apps/v1"))
    assert steps(plan) == [("Sync", 0, ["Deployment/web"])]
    assert [t.resource.name for t in plan.on_failure] == ["notify"]


def test_what_each_step_waits_for() -> None:
    plan = plan_of(
        job("migrate", hook="PreSync"),
        obj("ConfigMap", "cm", wave="-1"),
        obj("Deployment", "web", api="apps/v1"),
    )
    assert [s.waits_for for s in plan.steps] == [("hook completion",), ("health",), ()]


def test_hooks_without_health_complete_when_created() -> None:
    plan = plan_of(
        obj("ServiceAccount", "migrator", hook="PreSync", wave="-10"), job("migrate", hook="PreSync")
    )
    assert [s.waits_for for s in plan.steps] == [(), ("hook completion",)]


def test_deadlock_names_the_late_dependency() -> None:
    plan = plan_of(
        job("migrate", hook="PreSync", wave="-5", sa="migrator", secret="db"),
        obj("ServiceAccount", "migrator"),
        obj("Deployment", "web", api="apps/v1"),
    )
    assert not plan.first_sync_ok
    (late,) = [p for p in plan.problems if p.blocks_first_sync]
    assert (late.code, late.resource.name, late.pointer) == (
        "hook-dependency-order",
        "migrate",
        "/spec/template/spec/serviceAccountName",
    )
    assert "ServiceAccount 'migrator' is applied at Sync wave 0" in late.message
    assert codes(plan) == {
        ("hook-dependency-order", "migrate", "error"),
        ("hook-dependency-missing", "migrate", "warning"),
        ("hook-namespace-missing", "migrate", "warning"),
    }


def test_dependencies_from_earlier_hooks_or_default_sa_are_fine() -> None:
    plan = plan_of(
        obj("ConfigMap", "settings", hook="PreSync", wave="-10"),
        obj("ServiceAccount", "migrator", hook="PreSync", wave="-10"),
        job("migrate", hook="PreSync", wave="-5", sa="migrator", config_map_volume="settings"),
        job("uses-default", hook="PreSync", wave="-5"),
        create_namespace="app",
    )
    assert plan.first_sync_ok
    assert plan.problems == ()


def test_a_dependency_in_the_same_step_is_not_early_enough() -> None:
    """Within one (phase, wave) Argo CD applies kinds in parallel batches; we do
    not rely on that for a hook's pod (an ExternalSecret's Secret appears later)."""
    plan = plan_of(
        obj("ServiceAccount", "migrator", hook="PreSync", wave="-5"),
        job("migrate", hook="PreSync", wave="-5", sa="migrator"),
        create_namespace="app",
    )
    assert not plan.first_sync_ok


def test_create_namespace_and_namespace_objects_satisfy_the_hook_namespace() -> None:
    assert plan_of(job("m", hook="PreSync"), create_namespace="app").problems == ()
    assert plan_of(job("m", hook="PreSync"), obj("Namespace", "app", ns=None)).problems == ()
