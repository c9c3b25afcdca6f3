"""Which targets a change affects (pre-commit-fast check), and the files git says
a change touched."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from adk_gitops.check import changes
from adk_gitops.errors import AdkGitopsError
from adk_gitops.targets.discover import Target, discover
from tests.conftest import REPO


def labels(*changed: str) -> list[str]:
    targets = changes.affected(discover(REPO), [Path(c) for c in changed], REPO)
    return [t.label for t in targets]


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        (["overlays/postgres/values.yaml"], ["overlays/postgres"]),
        (["components/db-cloudsql/proxy-sidecar.yaml"], ["overlays/cloudsql"]),
        (
            ["components/migration-prepare-tables/migration-command.yaml"],
            ["overlays/cloudsql", "overlays/postgres"],
        ),
        (["bases/adk-agent/migration-job.yaml"], ["overlays/cloudsql", "overlays/postgres"]),
        (["argocd/apps/postgres.yaml"], ["argocd"]),
        (["adk-gitops.yaml"], ["overlays/cloudsql", "overlays/postgres", "argocd"]),
        (["README.md", "bases/adk-agent/unused-new-file.yaml"], []),
        ([str(REPO / "overlays/cloudsql/kustomization.yaml")], ["overlays/cloudsql"]),
    ],
)
def test_a_change_affects_the_overlays_whose_graph_reads_it(changed: list[str], expected: list[str]) -> None:
    assert labels(*changed) == expected


def test_changed_since_lists_what_the_change_touched(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git not on PATH")
    repo = tmp_path / "repo"
    repo.mkdir()

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.email=t@e", "-c", "user.name=t", *args],
            cwd=repo, check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    git("init", "-q", "-b", "main")
    (repo / "a.yaml").write_text("a: 1\n")
    git("add", "-A")
    git("commit", "-qm", "base")
    git("checkout", "-qb", "change")
    (repo / "b.yaml").write_text("b: 1\n")
    (repo / "a.yaml").write_text("a: 2\n")
    git("add", "-A")
    git("commit", "-qm", "change")
    assert sorted(p.name for p in changes.changed_since(repo, "main")) == ["a.yaml", "b.yaml"]
    with pytest.raises(AdkGitopsError, match="not a git revision"):
        changes.changed_since(repo, "--output=/tmp/x")
    with pytest.raises(AdkGitopsError, match="--changed-from nope"):
        changes.changed_since(repo, "nope")


def test_graphs_shared_through_a_memo_equal_graphs_walked_alone(tmp_path: Path) -> None:
    """Two kustomizations including each other (a cycle kustomize refuses) and a third
    including both: each graph is the same whether the memo was filled by another."""
    from adk_gitops.kustomize import guard, kustomization

    for name, includes in (("a", ["../b"]), ("b", ["../a"]), ("c", ["../a", "../b"])):
        (tmp_path / name).mkdir()
        (tmp_path / name / "cm.yaml").write_text("kind: ConfigMap\n")
        (tmp_path / name / "kustomization.yaml").write_text(f"resources: {[*includes, 'cm.yaml']}\n")
    alone = {n: kustomization.graph_files(tmp_path / n, is_remote=guard.is_remote) for n in "abc"}
    memo: dict[Path, frozenset[Path]] = {}
    shared = {n: kustomization.graph_files(tmp_path / n, is_remote=guard.is_remote, memo=memo) for n in "cab"}
    assert shared == alone
    every = {(tmp_path / n / f).resolve() for n in "ab" for f in ("kustomization.yaml", "cm.yaml")}
    assert alone["a"] == alone["b"] == frozenset(every)


def test_a_selection_answered_moments_ago_is_taken_only_for_the_same_question(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """kustomize's head start selects what check --changed checks; check takes that
    answer instead of walking the repository again, and only for the same question."""
    walks: list[Path] = []

    def counted(root: Path) -> list[Target]:
        walks.append(root)
        return discover(root)

    monkeypatch.setattr(changes, "discover", counted)
    values = ["overlays/postgres/values.yaml"]
    first = changes.select(REPO, values, changed=True)
    assert [t.label for t in first.targets] == ["overlays/postgres"] and len(walks) == 1
    assert changes.select(REPO, values, changed=True, known=first) is first
    assert len(walks) == 1
    other = changes.select(REPO, ["components/db-cloudsql/proxy-sidecar.yaml"], changed=True, known=first)
    assert [t.label for t in other.targets] == ["overlays/cloudsql"] and len(walks) == 2
