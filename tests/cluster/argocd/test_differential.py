"""`plan` against the real Argo CD v3.6.1 controller, case by case (corpus/): each case
is synced for real, the API server's watch records the order objects were created in
and the operation's end, and `plan`'s order and verdict must agree. No expected result
is written by hand: the real engine's run is the expectation.

Compared: for every two objects `plan` puts in different steps (or, within one step, in
different kind groups), the API server saw them created in that order; nothing after
the step `plan` says fails or hangs was created; SyncFail hooks came last, and only
when the sync failed; and the verdict (completes, fails, hangs). A hook with only a
generateName is matched by that prefix (the controller appends the revision, phase
and time, sync_context.go getSyncTasks).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adk_gitops.argocd.syncplan import SyncPlan, Verdict, build_plan
from adk_gitops.kube.manifests import load_stream
from tests.cluster.argocd.conftest import ArgoCD
from tests.cluster.argocd.support.watch import Recorder
from tests.cluster.conftest import TOKEN

pytestmark = pytest.mark.e2e
CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
PROJECT = "corpus"
HANG_AFTER_S = 90.0  # no operation of the corpus takes this long unless it waits forever


@pytest.fixture(scope="module")
def served(argocd: ArgoCD) -> Iterator[ArgoCD]:
    """The corpus in the served repository, and a project that permits it."""
    import shutil

    shutil.copytree(CORPUS, argocd.work / "corpus", dirs_exist_ok=True)
    argocd.commit("the differential corpus")
    project = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "AppProject",
        "metadata": {"name": PROJECT, "namespace": "argocd"},
        "spec": {
            "sourceRepos": ["*"],
            "destinations": [{"server": "*", "namespace": "corpus-*"}],
            "clusterResourceWhitelist": [{"group": "", "kind": "Namespace", "name": "corpus-*"}],
        },
    }
    argocd.kubectl("apply", "-f", "-", stdin=json.dumps(project))
    yield argocd


def _plan(case: str) -> SyncPlan:
    namespace = f"corpus-{case}"
    text = "".join(f"---\n{f.read_text()}\n" for f in sorted((CORPUS / case).glob("*.yaml")))
    return build_plan(
        load_stream(text, source=case), create_namespace=namespace, destination_namespace=namespace
    )


def _order(plan: SyncPlan) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, name) -> (step, kind rank): the order `plan` says objects are created in;
    SyncFail hooks after every step."""
    order = {
        (t.resource.kind, t.name): (n, t.kind_rank) for n, step in enumerate(plan.steps) for t in step.tasks
    }
    order.update({(t.resource.kind, t.name): (len(plan.steps), t.kind_rank) for t in plan.on_failure})
    return order


# <generateName><revision[0:7]>-<phase>-<unix time>, lowercased (sync_context.go getSyncTasks)
GENERATED = re.compile(r"^(?P<prefix>.+)[0-9a-f]{7}-(?P<phase>presync|sync|postsync|syncfail)-[0-9]+$")


def _as_planned(created: tuple[str, str]) -> tuple[str, str]:
    """A generated hook name as `plan` names it (its placeholders for revision and time)."""
    kind, name = created
    match = GENERATED.match(name)
    return (kind, f"{match['prefix']}0000000-{match['phase']}-0000000000") if match else created


def _sync(argocd: ArgoCD, case: str) -> tuple[str, list[tuple[str, str]], dict[str, Any]]:
    """(verdict, created objects in order, the operation's state) of the real controller."""
    namespace, name = f"corpus-{case}", f"corpus-{case}"
    app = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Application",
        "metadata": {"name": name, "namespace": "argocd"},
        "spec": {
            "project": PROJECT,
            "source": {"repoURL": argocd.repo_url, "targetRevision": "main", "path": f"corpus/{case}"},
            "destination": {"server": "https://kubernetes.default.svc", "namespace": namespace},
            "syncPolicy": {"syncOptions": ["CreateNamespace=true"]},
        },
    }
    argocd.kubectl("apply", "-f", "-", stdin=json.dumps(app))
    recorder = Recorder(argocd.server.url, TOKEN, namespace)
    try:
        argocd.sync(name, argocd.commit(f"sync {case}"))
        try:
            state = argocd.wait_operation(name, timeout=HANG_AFTER_S)
            verdict = Verdict.COMPLETES if state["phase"] == "Succeeded" else Verdict.FAILS
        except AssertionError:
            state = argocd.application(name).get("status", {}).get("operationState") or {}
            verdict = Verdict.HANGS
    finally:
        recorder.stop()
        argocd.delete_application(name)
        argocd.server.kubectl("delete", "namespace", namespace, "--wait=false")
    ignored = {("ServiceAccount", "default")}
    created = [
        _as_planned(c) for c in recorder.created() if c[0] not in ("Namespace", "Pod") and c not in ignored
    ]
    return verdict, created, state


@pytest.mark.parametrize("case", CASES)
def test_plan_agrees_with_the_real_controller(served: ArgoCD, case: str) -> None:
    plan = _plan(case)
    verdict, created, state = _sync(served, case)
    print(f"{case}: real {verdict}: {created} ({state.get('phase')}: {state.get('message')})")
    assert plan.verdict == verdict, (plan.verdict, state.get("message"))
    planned = _order(plan)
    assert set(created) <= set(planned), f"created but not planned: {set(created) - set(planned)}"
    if verdict is Verdict.COMPLETES:
        assert set(created) == set(planned), f"planned but never created: {set(planned) - set(created)}"
    seen = {obj: i for i, obj in enumerate(created)}
    for a in created:
        for b in created:
            if planned[a] < planned[b]:
                assert seen[a] < seen[b], f"plan puts {a} before {b}; the controller created {created}"
    failing = {(t.resource.kind, t.name) for t in plan.on_failure}
    if verdict is Verdict.FAILS and not plan.refused:
        assert failing <= set(created), f"SyncFail hooks never created: {failing - set(created)}"
    else:
        assert not failing & set(created), "SyncFail hooks ran, yet the sync did not fail"
    if verdict is not Verdict.COMPLETES:
        # Nothing of a step after the one `plan` says blocks was ever created.
        blocking = [p for p in plan.problems if p.blocks_first_sync]
        steps = [i for p in blocking if (i := plan.step_index(p.resource)) is not None]
        last = min(steps) if steps else -1 if plan.refused else len(plan.steps)
        beyond = [c for c in created if c not in failing and planned[c][0] > last]
        assert not beyond, f"created after the step plan says blocks ({last}): {beyond}"
