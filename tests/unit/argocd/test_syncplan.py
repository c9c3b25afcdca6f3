"""Argo CD's sync order, worked out by hand from gitops-engine's rules (see
docs/argocd-sync-model.md), against build_plan()."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from adk_gitops.argocd.syncplan import SyncPlan, build_plan
from adk_gitops.kube.manifests import Resource, load_stream


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


def plan_of(
    *docs: dict[str, Any], create_namespace: str | None = None, destination_namespace: str | None = None
) -> SyncPlan:
    resources: tuple[Resource, ...] = load_stream(yaml.safe_dump_all(docs))
    return build_plan(
        resources, create_namespace=create_namespace, destination_namespace=destination_namespace
    )


def steps(plan: SyncPlan) -> list[tuple[str, int, list[str]]]:
    return [
        (str(s.phase), s.wave, [f"{t.resource.kind}/{t.resource.name}" for t in s.tasks]) for s in plan.steps
    ]


def codes(plan: SyncPlan) -> set[tuple[str, str]]:
    """(rule id, object name) of the facts the sync rules judge."""
    return {(p.rule, p.resource.name) for p in plan.problems}


def waits(plan: SyncPlan) -> list[list[tuple[str, str]]]:
    return [[(str(w.kind), f"{w.resource.kind}/{w.resource.name}") for w in s.waits_for] for s in plan.steps]


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


def test_invalid_annotation_values_are_not_applied_and_left_to_the_annotation_rules() -> None:
    """hook/hook.go IsHook/Types: an object with the hook key but no valid type is a
    hook that is never applied; the values are hook-type-valid's (and friends') to report."""
    plan = plan_of(
        job("typo", hook="presync"),
        obj("Pod", "helm-test", helm="test"),
        job("partly", hook="Skip,PreSync,Bogus", policy="HookSucceeded,OnSuccess"),
        obj("ConfigMap", "spaced", wave=" 2"),
        create_namespace="app",
    )
    assert plan.problems == ()
    assert {n.resource.name for n in plan.not_synced} == {"typo", "helm-test"}
    assert steps(plan) == [("PreSync", 0, ["Job/partly"]), ("Sync", 0, ["ConfigMap/spaced"])]
    assert plan.first_sync_ok


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


def test_what_each_step_waits_for_names_the_health_check() -> None:
    """sync_context.go: a hook completes through its health, plain resources gate the
    next step on theirs; a ConfigMap has no health check (health.go GetHealthCheckFunc)."""
    plan = plan_of(
        job("migrate", hook="PreSync"),
        obj("ConfigMap", "cm", wave="-1"),
        obj("Service", "svc", wave="-1"),
        obj("Deployment", "web", api="apps/v1"),
    )
    assert waits(plan) == [[("hook completion", "Job/migrate")], [("health", "Service/svc")], []]
    assert plan.steps[0].waits_for[0].health_check.endswith("health_job.go")


def test_the_last_step_waits_when_it_holds_a_hook() -> None:
    """sync_context.go Sync: the operation ends at apply only when nothing left is a hook;
    a sync of one (phase, wave) is not multiStep (sync_tasks.go l.270) and waits for its
    running hooks only, never a plain resource's health (sync_context.go l.594-595)."""
    plan = plan_of(obj("Deployment", "web", api="apps/v1"), job("smoke", hook="Sync"))
    assert waits(plan) == [[("hook completion", "Job/smoke")]]
    assert waits(plan_of(obj("Deployment", "web", api="apps/v1"))) == [[]]
    two_steps = plan_of(
        obj("Deployment", "web", api="apps/v1"), job("smoke", hook="Sync"), job("after", hook="PostSync")
    )
    assert waits(two_steps)[0] == [("health", "Deployment/web"), ("hook completion", "Job/smoke")]


def test_hooks_without_health_complete_when_created_and_others_wait_for_theirs() -> None:
    plan = plan_of(
        obj("ServiceAccount", "migrator", hook="PreSync", wave="-10"),
        obj("ExternalSecret", "db", api="external-secrets.io/v1", hook="PreSync", wave="-8"),
        obj("Workflow", "wf", api="argoproj.io/v1alpha1", hook="PreSync", wave="-7"),
        job("migrate", hook="PreSync"),
        create_namespace="app",
    )
    assert waits(plan) == [
        [],
        [("hook completion", "ExternalSecret/db")],
        [("hook completion", "Workflow/wf")],
        [("hook completion", "Job/migrate")],
    ]
    assert "external-secrets.io/ExternalSecret/health.lua" in plan.steps[1].waits_for[0].health_check


def test_deadlock_names_the_late_dependency_and_how_the_sync_ends() -> None:
    plan = plan_of(
        job("migrate", hook="PreSync", wave="-5", sa="migrator", secret="db"),
        obj("ServiceAccount", "migrator"),
        obj("Deployment", "web", api="apps/v1"),
    )
    assert not plan.first_sync_ok
    (late,) = [p for p in plan.problems if p.blocks_first_sync]
    assert (late.rule, late.resource.name, late.pointer) == (
        "hook-dependency-order",
        "migrate",
        "/spec/template/spec/serviceAccountName",
    )
    assert "ServiceAccount 'migrator' is applied at Sync wave 0" in late.message
    assert "the sync waits forever" in late.message
    assert codes(plan) == {
        ("hook-dependency-order", "migrate"),
        ("hook-dependency-preexisting", "migrate"),
        ("hook-namespace-exists", "migrate"),
    }


def test_a_deadline_makes_the_sync_fail_instead_of_hang() -> None:
    """Job activeDeadlineSeconds (or a bare Pod hook's) ends the wait; a Pod whose
    ServiceAccount is missing is refused at once by the API server."""
    bounded = job("migrate", hook="PreSync", sa="migrator")
    bounded["spec"]["activeDeadlineSeconds"] = 300
    (late,) = plan_of(bounded, obj("ServiceAccount", "migrator"), create_namespace="app").problems
    assert "the sync fails after 300s (activeDeadlineSeconds)" in late.message
    pod = obj(
        "Pod",
        "probe",
        hook="PreSync",
        spec={"serviceAccountName": "migrator", "containers": [{"name": "c", "image": "i:1"}]},
    )
    (late,) = plan_of(pod, obj("ServiceAccount", "migrator"), create_namespace="app").problems
    assert "the sync fails at once" in late.message


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


def test_a_dependency_of_an_earlier_kind_group_in_the_same_step_is_in_time() -> None:
    """sync_context.go: a step's create tasks run kind group by kind group
    (processCreateTasks per run of one kind, then ss.Wait()): ServiceAccount,
    Secret and ConfigMap sort before Job, so they exist when the Job's pod is made."""
    plan = plan_of(
        obj("ServiceAccount", "migrator", hook="PreSync", wave="-5"),
        obj("Secret", "db", hook="PreSync", wave="-5"),
        job("migrate", hook="PreSync", wave="-5", sa="migrator", secret="db"),
        create_namespace="app",
    )
    assert plan.first_sync_ok and plan.problems == ()


def test_a_secret_producer_in_an_earlier_step_satisfies_the_hook() -> None:
    """An ExternalSecret (health.lua) applied earlier: Argo CD waits for its health,
    so its Secret exists; after the hook it never would."""
    producer = obj(
        "ExternalSecret", "db-source", api="external-secrets.io/v1", hook="PreSync", wave="-20",
        spec={"target": {"name": "db"}},
    )  # fmt: skip
    plan = plan_of(producer, job("migrate", hook="PreSync", wave="-5", secret="db"), create_namespace="app")
    assert plan.problems == ()
    late = dict(
        producer, metadata={**producer["metadata"], "annotations": {"argocd.argoproj.io/hook": "PostSync"}}
    )
    plan = plan_of(late, job("migrate", hook="PreSync", wave="-5", secret="db"), create_namespace="app")
    assert codes(plan) == {("hook-dependency-order", "migrate")} and not plan.first_sync_ok
    sealed = obj("SealedSecret", "db", api="bitnami.com/v1alpha1", hook="PreSync", wave="-9")
    assert plan_of(sealed, job("migrate", hook="PreSync", secret="db"), create_namespace="app").problems == ()


def test_a_plain_sidecar_that_never_exits_hangs_the_hook() -> None:
    migrate = job("migrate", hook="PreSync")
    migrate["spec"]["template"]["spec"]["containers"].append(
        {"name": "proxy", "image": "gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3"}
    )
    plan = plan_of(migrate, create_namespace="app")
    assert codes(plan) == {("hook-completes", "migrate")} and not plan.first_sync_ok


def test_waves_are_go_atoi_beyond_int64_too() -> None:
    """syncwaves/waves.go: strconv.Atoi fails past int64, and the wave falls back to 0."""
    plan = plan_of(
        obj("ConfigMap", "huge", wave="9223372036854775808"),
        obj("ConfigMap", "max", wave="9223372036854775807"),
        obj("ConfigMap", "plain"),
    )
    assert steps(plan) == [
        ("Sync", 0, ["ConfigMap/huge", "ConfigMap/plain"]),
        ("Sync", 9223372036854775807, ["ConfigMap/max"]),
    ]


def test_post_delete_falls_back_to_the_helm_hook() -> None:
    """common/types.go NewHookType knows no PostDelete: hook.go Types then reads helm.sh/hook."""
    plan = plan_of(job("both", hook="PostDelete", helm="pre-install"), job("only", hook="PostDelete"))
    assert steps(plan) == [("PreSync", 0, ["Job/both"])]
    assert [n.resource.name for n in plan.not_synced] == ["only"]


def test_helm_crd_install_is_compared_raw() -> None:
    """helm/hook.go IsHook: value != "crd-install", untrimmed. ' crd-install' is a hook
    whose type (trimmed, not a sync hook) is invalid: never applied."""
    plan = plan_of(
        obj("ConfigMap", "raw", helm="crd-install"), obj("ConfigMap", "spaced", helm=" crd-install")
    )
    assert steps(plan) == [("Sync", 0, ["ConfigMap/raw"])]
    assert [n.resource.name for n in plan.not_synced] == ["spaced"]


def test_generate_name_hooks_sort_by_the_full_name_the_engine_builds() -> None:
    """sync_context.go getSyncTasks: <generateName><rev7>-<phase>-<time>. 'migrate-2'
    sorts before 'migrate' once the revision follows the prefix ('-' < any hex digit)."""
    a = job("x", hook="PreSync")
    a["metadata"] = {
        "generateName": "migrate",
        "namespace": "app",
        "annotations": a["metadata"]["annotations"],
    }
    b = job("y", hook="PreSync")
    b["metadata"] = {
        "generateName": "migrate-2",
        "namespace": "app",
        "annotations": b["metadata"]["annotations"],
    }
    plan = plan_of(a, b, create_namespace="app")
    assert [t.resource.metadata["generateName"] for t in plan.steps[0].tasks] == ["migrate-2", "migrate"]


def test_the_destination_namespace_is_created_before_everything() -> None:
    """sync_context.go getNamespaceCreationTask: a rendered Namespace named as the
    Application's destination is applied before the dry run, CreateNamespace or not."""
    plan = plan_of(
        job("migrate", hook="PreSync", wave="-5"),
        obj("Namespace", "app", ns=None, wave="3"),
        destination_namespace="app",
    )
    assert [t.resource.name for t in plan.first] == ["app"]
    assert steps(plan) == [("PreSync", -5, ["Job/migrate"])]
    assert plan.problems == ()


def test_any_list_kind_is_flattened() -> None:
    items = [obj("Secret", "a"), obj("Secret", "b")]
    plan = plan_of({"apiVersion": "v1", "kind": "SecretList", "items": items})
    assert steps(plan) == [("Sync", 0, ["Secret/a", "Secret/b"])]


def test_create_namespace_and_namespace_objects_satisfy_the_hook_namespace() -> None:
    assert plan_of(job("m", hook="PreSync"), create_namespace="app").problems == ()
    assert plan_of(job("m", hook="PreSync"), obj("Namespace", "app", ns=None)).problems == ()


def test_a_rendered_destination_namespace_is_created_once_first() -> None:
    """sync_context.go getNamespaceCreationTask: with CreateNamespace=true the rendered
    Namespace of the destination's name is applied once, before everything, and not again
    at its own wave (what the real controller did, ../shared/reference/argocd-real.md)."""
    from adk_gitops.reporters.plan import plan_text

    plan = plan_of(
        obj("Namespace", "app", ns=None),
        obj("ConfigMap", "c"),
        create_namespace="app",
        destination_namespace="app",
    )
    assert [t.resource.name for t in plan.first] == ["app"]
    assert [t.resource.kind for s in plan.steps for t in s.tasks] == ["ConfigMap"]
    text = plan_text(plan, "x")
    assert "create namespace app from the rendered Namespace (CreateNamespace=true)" in text
    assert text.count("Namespace/app") == 0
