"""`plan` against the real Argo CD v3.6.1 controller, case by case (corpus/): each case
is synced for real, the API server's watch records the order objects were created in
and the operation's end, and `plan`'s order and verdict must agree. No expected result
is written by hand: the real engine's run is the expectation.

Compared: for every two objects `plan` puts in different steps (or, within one step, in
different kind groups), the API server saw them created in that order; an object a
failed sync never reached is not compared; and the verdict (completes, fails, hangs).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adk_gitops.manifests import load_stream
from adk_gitops.syncplan import KIND_RANK, SyncPlan, Verdict, build_plan
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
    """(kind, name) -> (step, kind rank): the order `plan` says objects are created in."""
    return {
        (t.resource.kind, t.resource.name): (n, KIND_RANK.get(t.resource.kind, 0))
        for n, step in enumerate(plan.steps)
        for t in step.tasks
    }


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
    created = [c for c in recorder.created() if c[0] not in ("Namespace", "Pod") and c not in ignored]
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
    if verdict is not Verdict.COMPLETES:
        # Nothing of a step after the one that failed or hung was ever created.
        stuck = max(planned[c][0] for c in created) if created else 0
        assert all(planned[c][0] <= stuck for c in created)
