"""Argo CD objects are judged by Argo CD's own CRD schemas (v3.6.1), as the API
server judges them: strict where the CRD is, open where it preserves unknown
fields, and accepting what `kubectl create -o yaml` writes. The cases are those
the real kube-apiserver decided in issue #14's mutation run."""

from __future__ import annotations

import pytest

from adk_gitops.kube.manifests import load_stream
from adk_gitops.kube.schemas import SchemaSet

ENGINES = ["rs", "python"]

APP = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: agent
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://github.com/acme/agents.git
    path: overlays/prod
    targetRevision: main
  destination: {server: "https://kubernetes.default.svc", namespace: agent}
  syncPolicy:
    automated: {prune: true, selfHeal: true}
    syncOptions: [CreateNamespace=true]
    retry: {limit: 5, backoff: {duration: 5s, factor: 2, maxDuration: 3m}}
"""

APPSET = """
apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: agents, namespace: argocd}
spec:
  goTemplate: true
  generators:
    - list:
        elements: [{env: staging}, {env: prod}]
  template:
    metadata: {name: "agent-{{.env}}"}
    spec:
      project: default
      source: {repoURL: "https://github.com/acme/agents.git", path: "overlays/{{.env}}", targetRevision: main}
      destination: {server: "https://kubernetes.default.svc", namespace: "agent-{{.env}}"}
"""


@pytest.fixture(params=ENGINES, autouse=True)
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("adk_gitops.kube.schemas.default_engine", lambda: request.param)
    return str(request.param)


def errors(text: str) -> list[tuple[str, str]]:
    (res,) = load_stream(text)
    return sorted((e.pointer, e.message) for e in SchemaSet(("1.34",)).validate(res))


def test_realistic_objects_pass() -> None:
    assert errors(APP) == []
    assert errors(APPSET) == []


@pytest.mark.parametrize(
    "edit",
    [
        # What `kubectl create -o yaml` / `kubectl get -o yaml` write into metadata.
        ("  namespace: argocd\n", "  namespace: argocd\n  creationTimestamp: null\n"),
        ("  namespace: argocd\n", "  namespace: argocd\n  uid: 6f1c7e0a-1b2c-4d5e-8f90-123456789abc\n"),
        (
            "  namespace: argocd\n",
            "  namespace: argocd\n  ownerReferences:\n"
            "    - {apiVersion: argoproj.io/v1alpha1, kind: ApplicationSet, name: agents, uid: u1}\n",
        ),
        # The server prunes nulls of non-nullable fields before it validates.
        ("    targetRevision: main\n", "    targetRevision: main\n    helm: null\n"),
        ("  syncPolicy:\n", "  info: null\n  syncPolicy:\n"),
    ],
)
def test_what_the_server_accepts_is_accepted(edit: tuple[str, str]) -> None:
    assert edit[0] in APP
    assert errors(APP.replace(*edit, 1)) == []


def test_an_appset_without_generators_is_accepted() -> None:
    text = APPSET.replace(
        "  generators:\n    - list:\n        elements: [{env: staging}, {env: prod}]\n", "  generators: []\n"
    )
    assert "generators: []" in text
    assert errors(text) == []


def test_what_the_crd_forbids_is_rejected() -> None:
    helm = APP.replace(
        "    targetRevision: main\n", "    targetRevision: main\n    helm: {valueFile: v.yaml}\n"
    )
    assert errors(helm) == [("/spec/source/helm/valueFile", "unknown field 'valueFile'")]
    lists = APPSET.replace("    - list:\n", "    - lists:\n")
    assert errors(lists) == [("/spec/generators/0/lists", "unknown field 'lists'")]
    no_project = APP.replace("  project: default\n", "")
    assert [p for p, _ in errors(no_project)] == ["/spec"]
    assert "project" in errors(no_project)[0][1]


def test_open_parts_stay_open() -> None:
    """Helm valuesObject and generator elements preserve unknown fields in the CRD."""
    values = APP.replace(
        "    targetRevision: main\n",
        "    targetRevision: main\n    helm:\n      valuesObject: {any: {thing: 1}}\n",
    )
    assert errors(values) == []
