"""check and a real kube-apiserver of each minor the tests run (v1.34.4, the tests'
cluster; v1.36.3, whose Service names and init-container restart rules changed) agree
on every object of the validation rules' fixtures, each judged by check for that
minor (`--kubernetes-version`): what the server rejects (server-side dry run, strict field
validation, as `kubectl apply --dry-run=server --validate=strict`) check
rejects with an error, and what the server accepts check does not reject.

Left out, with why: Argo CD objects (this server has no Argo CD CRDs installed)
and objects annotated Validate=false (Argo CD applies those unvalidated; check
reports them as info).

The server gets each document's own text, as kubectl would read it from the
file, so YAML 1.1 scalars (`y`, `1e3`, `1:20`) are judged as written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from adk_gitops.check import pipeline
from adk_gitops.check.model import Severity
from adk_gitops.kube.manifests import Resource, load_stream
from adk_gitops.kube.schemas import DEFAULT_VERSION
from adk_gitops.targets.discover import Target, TargetKind
from tests.cluster.conftest import ApiServer
from tests.conftest import FIXTURES

pytestmark = pytest.mark.e2e
JUDGES = ("schema-valid", "api-values-valid", "api-fields-consistent")
FILES = sorted(f for rule in JUDGES for f in (FIXTURES / "rules" / rule).glob("*.yaml"))


def _compared(res: Resource) -> bool:
    options = str(res.annotations.get("argocd.argoproj.io/sync-options", ""))
    return not res.api_version.startswith("argoproj.io/") and "Validate=false" not in options


def _documents(path: Path) -> Iterator[tuple[str, Resource]]:
    """Each document's text with the one object it holds."""
    for text in re.split(r"(?m)^---\s*$", path.read_text()):
        for res in load_stream(text, source=path.name):
            yield text, res


CASES = [f for f in FILES if any(_compared(r) for r in load_stream(f.read_text(), source=f.name))]


# Each minor with a real server here, and its fixture (tests/cluster/conftest.py).
SERVERS = {DEFAULT_VERSION: "apiserver", "1.36": "apiserver_1_36"}
RELEASES = {DEFAULT_VERSION: "v1.34.4", "1.36": "v1.36.3"}


@pytest.mark.parametrize("minor", SERVERS)
@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_check_and_the_api_server_agree(request: pytest.FixtureRequest, minor: str, path: Path) -> None:
    apiserver: ApiServer = request.getfixturevalue(SERVERS[minor])
    report = pipeline.check(
        [Target(path.name, path, TargetKind.FILE)],
        kubernetes_versions=(minor,),
        repo_root=path.parent,
    )
    rejected_by_check = {
        (f.kind, f.name) for f in report.findings if f.rule in JUDGES and f.severity is Severity.ERROR
    }
    disagreements = []
    for text, res in _documents(path):
        if not _compared(res):
            continue
        if res.namespace:
            apiserver.kubectl("create", "namespace", res.namespace)  # exists already: fine
        done = apiserver.kubectl("apply", "--dry-run=server", "--validate=strict", "-f", "-", stdin=text)
        server_rejects = done.returncode != 0
        if server_rejects != ((res.kind, res.name) in rejected_by_check):
            disagreements.append(
                f"{res.kind}/{res.name}: server {'rejects' if server_rejects else 'accepts'} "
                f"({(done.stderr or done.stdout).strip()[:300]}), check "
                f"{'rejects' if (res.kind, res.name) in rejected_by_check else 'accepts'}"
            )
    assert disagreements == []


def test_every_judge_is_compared() -> None:
    assert {p.parent.name for p in CASES} == set(JUDGES)


@pytest.mark.parametrize("minor", SERVERS)
def test_the_server_is_the_pinned_release(request: pytest.FixtureRequest, minor: str) -> None:
    apiserver: ApiServer = request.getfixturevalue(SERVERS[minor])
    done = apiserver.kubectl("version", "-o", "yaml")
    assert done.returncode == 0, done.stderr
    assert yaml.safe_load(done.stdout)["serverVersion"]["gitVersion"] == RELEASES[minor]
