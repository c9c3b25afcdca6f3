"""applications.pruning: what the next sync does with an object an Application no
longer renders, as gitops-engine and Argo CD's controller decide it."""

from __future__ import annotations

import pytest

from adk_gitops.argocd.applications import Pruning, pruning
from adk_gitops.kube.manifests import load_stream

APP = """apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: agent, namespace: argocd}}
spec:
  destination: {{server: https://kubernetes.default.svc, namespace: agent}}
  source: {{repoURL: https://example.com/gitops.git, path: overlays/agent}}
  syncPolicy: {policy}
"""
APPSET = """apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {{name: agents, namespace: argocd}}
spec:
  generators: []
  template:
    metadata: {{name: agent}}
    spec:
      destination: {{server: https://kubernetes.default.svc, namespace: agent}}
      source: {{repoURL: https://example.com/gitops.git, path: overlays/agent}}
      syncPolicy: {policy}
"""


def configmap(sync_options: str | None = None) -> str:
    annotations = (
        ""
        if sync_options is None
        else f", annotations: {{argocd.argoproj.io/sync-options: '{sync_options}'}}"
    )
    return f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: gone{annotations}}}\n"


@pytest.mark.parametrize(
    ("policy", "options", "expected"),
    [
        ("{automated: {prune: true}}", None, Pruning.AUTOMATED),
        ("{automated: {}}", None, Pruning.NOT_AUTOMATED),
        ("{automated: {prune: false, selfHeal: true}}", None, Pruning.NOT_AUTOMATED),
        (
            "{automated: {prune: true, enabled: false}}",
            None,
            Pruning.MANUAL,
        ),  # types.go IsAutomatedSyncEnabled
        ("{automated: null}", None, Pruning.MANUAL),
        ("{}", None, Pruning.MANUAL),
        ("{automated: {prune: true}, syncOptions: [Prune=false]}", None, Pruning.KEPT),
        ("{automated: {prune: true}, syncOptions: [Prune=confirm]}", None, Pruning.CONFIRM),
        ("{automated: {prune: true}}", "Prune=false", Pruning.KEPT),  # the object's option wins
        ("{syncOptions: [Prune=false]}", "ServerSideApply=true,Prune=confirm", Pruning.CONFIRM),
    ],
)
def test_pruning(policy: str, options: str | None, expected: Pruning) -> None:
    removed = load_stream(configmap(options), source="gone.yaml")[0]
    for template in (APP, APPSET):
        (app,) = load_stream(template.format(policy=policy), source="app.yaml")
        assert pruning(app, removed) is expected, app.kind
