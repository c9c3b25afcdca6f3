"""Every rule against its pass and fail fixtures, through the real pipeline.

``tests/fixtures/rules/<rule-id>/`` holds ``pass-*`` and ``fail-*`` cases: a
rendered YAML file, or a directory (a kustomization rendered with the real
renderer, a plain directory of manifests, or a small repo with ``overlays/``
and ``argocd/``, all of whose targets are checked). A case lists the
exact findings of its rule, as ``Kind/name /pointer`` (``-`` for a finding on
no object): in ``# expect:`` header lines of a file, or one per line in a
directory's ``expect`` file. Messages are free to change; locations are not.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from adk_gitops.check import pipeline
from adk_gitops.check.model import Finding
from adk_gitops.kube.schemas import DEFAULT_VERSION
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.targets.discover import Target, TargetKind, discover
from tests.conftest import FIXTURES

RULE_FIXTURES = FIXTURES / "rules"
CASES = sorted(p for p in RULE_FIXTURES.glob("*/*") if p.name.startswith(("pass-", "fail-")))


def expected(case: Path) -> tuple[list[str], tuple[str, ...]]:
    versions = (DEFAULT_VERSION,)
    if case.is_dir():
        lines = (case / "expect").read_text().splitlines()
        return sorted(line.strip() for line in lines if line.strip()), versions
    found = []
    for line in case.read_text().splitlines():
        if line.startswith("# expect:"):
            found.append(line.removeprefix("# expect:").strip())
        elif line.startswith("# kubernetes-version:"):
            versions = (line.split(":", 1)[1].strip(),)
    return sorted(found), versions


def located(f: Finding) -> str:
    if not f.kind:
        return "-"
    return f"{f.kind}/{f.name} {f.pointer}".strip()


def run_case(case: Path, rule: str, versions: tuple[str, ...], request: pytest.FixtureRequest) -> list[str]:
    renderer: Renderer | None = None
    root = case if case.is_dir() else case.parent
    if case.is_file():
        targets = [Target(case.name, case, TargetKind.FILE)]
    elif (case / "argocd").is_dir() and (case / "overlays").is_dir():  # a repository: every target
        renderer = request.getfixturevalue("renderer")
        targets = discover(case)
    elif (case / "argocd").is_dir():
        targets = [Target("argocd", case / "argocd", TargetKind.FOLDER)]
    elif not (case / "kustomization.yaml").is_file():  # a plain directory of manifests
        targets = [Target(case.name, case, TargetKind.FOLDER)]
    else:
        renderer = request.getfixturevalue("renderer")
        targets = [Target(case.name, case, TargetKind.KUSTOMIZATION)]
    report = pipeline.check(targets, kubernetes_versions=versions, repo_root=root, renderer=renderer)
    crashes = [f.message for f in report.findings if f.rule == "internal-error"]
    assert crashes == [], "no rule may crash on any fixture"
    return sorted(located(f) for f in report.findings if f.rule == rule)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.parent.name}/{c.name}" for c in CASES])
def test_rule_fixture(case: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    rule = case.parent.name
    want, versions = expected(case)
    monkeypatch.chdir(
        case if case.is_dir() else case.parent
    )  # Kustomization findings name files relative to it
    got = run_case(case, rule, versions, request)
    if case.name.startswith("pass-"):
        assert want == [], "pass cases expect nothing"
    else:
        assert want, "fail cases must expect findings"
    assert got == want
