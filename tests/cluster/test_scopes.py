"""The scope table the AppProject rules use (cli/adk_gitops/kube/scopes.py) agrees with
what the real kube-apiserver serves in API discovery, which is where Argo CD learns
whether a kind is namespaced (controller/sync.go validateSyncPermissions)."""

from __future__ import annotations

from adk_gitops.kube.scopes import BUILTIN_GROUPS, CLUSTER_SCOPED, Scope, ScopeIndex
from adk_gitops.live import api
from tests.cluster.conftest import ApiServer


def _served(server: ApiServer) -> dict[tuple[str, str], bool]:
    """(group, kind) -> namespaced, for every kind the server serves (subresources left out)."""
    cluster = api.connect(server.kubeconfig, None)
    paths = ["/api/v1"]
    for group in cluster.request("GET", "/apis").body["groups"]:
        paths += [f"/apis/{version['groupVersion']}" for version in group["versions"]]
    served: dict[tuple[str, str], bool] = {}
    for path in paths:
        doc = cluster.request("GET", path).body
        group = doc["groupVersion"].rpartition("/")[0]
        for resource in doc["resources"]:
            if "/" not in resource["name"]:
                served[group, resource["kind"]] = resource["namespaced"]
    return served


def test_scope_table_matches_discovery(apiserver: ApiServer) -> None:
    served = _served(apiserver)
    index = ScopeIndex(())
    builtin = {key: namespaced for key, namespaced in served.items() if key[0] in BUILTIN_GROUPS}
    assert len(builtin) > 50
    wrong = {
        key: namespaced
        for key, namespaced in builtin.items()
        if index.scope(*key) is not (Scope.NAMESPACED if namespaced else Scope.CLUSTER)
    }
    assert wrong == {}
    # Every cluster-scoped kind this server serves is in the table (the table also holds
    # kinds of other minors and feature gates).
    assert {
        key for key, namespaced in served.items() if not namespaced and key[0] in BUILTIN_GROUPS
    } <= CLUSTER_SCOPED
