"""The enum data check uses (cli/adk_gitops/kube/schemas/kubernetes-enums.json, read by
scripts/gen-kubernetes-enums.py from the release's generated Go) is what the real
API server of that release publishes at /openapi/v3."""

from __future__ import annotations

import json
from typing import Any

from adk_gitops.live import api
from tests.cluster.conftest import ApiServer
from tests.conftest import REPO

SERVER_MINOR = "1.34"  # the tests' kube-apiserver, v1.34.4


def _served_enums(server: ApiServer) -> tuple[set[str], dict[tuple[str, str], tuple[list[Any], bool]]]:
    """The definitions the server serves, and the enums among their properties."""
    cluster = api.connect(server.kubeconfig, None)
    index = cluster.request("GET", "/openapi/v3").body
    names: set[str] = set()
    found: dict[tuple[str, str], tuple[list[Any], bool]] = {}
    for path in index["paths"]:
        doc = cluster.request("GET", f"/openapi/v3/{path}").body
        for name, schema in doc.get("components", {}).get("schemas", {}).items():
            names.add(name)
            for field, prop in (schema.get("properties") or {}).items():
                if prop.get("enum"):
                    found[(name, field)] = (prop["enum"], False)
                elif (prop.get("items") or {}).get("enum"):
                    found[(name, field)] = (prop["items"]["enum"], True)
    return names, found


def test_generated_enums_equal_the_servers_openapi_v3(apiserver: ApiServer) -> None:
    names, served = _served_enums(apiserver)
    data = json.loads((REPO / "cli/adk_gitops/kube/schemas/kubernetes-enums.json").read_text())
    assert data["sources"][SERVER_MINOR].startswith("k8s.io/kubernetes@v1.34.4 ")
    ours = {
        (name, field): (enum["values"], enum["items"])
        for name, fields in data["enums"][SERVER_MINOR].items()
        for field, enum in fields.items()
        if name in names  # alpha and beta versions off by default are not served
    }
    assert len(served) > 80
    assert ours == served
