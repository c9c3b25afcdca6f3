"""check.kustomize.remoteBases end to end: a listed, pinned remote base is let through
the guard (and fetched through the sandbox's filter), anything else stays a
`remote-reference` finding, and a pull request cannot widen the list for itself
(``--changed-from``: the base branch's list applies).

There is no internet here: the listed host (``unresolvable.invalid``) does not
resolve, so an admitted reference ends as the filter's "does not resolve", which
proves it got past the guard to the network filter, and no further."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import copy_example
from tests.security.conftest import run_cli, user_env

pytestmark = pytest.mark.e2e
BASE = "https://unresolvable.invalid/my-org/platform-bases"
LISTED = f"check:\n  kustomize:\n    remoteBases:\n      - {BASE}/*\n"


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        cwd=root,
        check=True,
        capture_output=True,
        timeout=60,
    )


def repo_with(tmp_path: Path, reference: str, config: str) -> Path:
    root = copy_example(tmp_path / "repo")
    (root / "adk-gitops.yaml").write_text(config)
    folder = root / "overlays" / "upstream"
    folder.mkdir()
    (folder / "kustomization.yaml").write_text(f"resources:\n  - {reference}\n")
    return root


def findings(root: Path, renderer: Renderer, *args: str) -> tuple[int, list[tuple[str, str]], str]:
    result = run_cli(root, user_env(renderer), "check", "overlays/upstream", "-o", "json", *args)
    doc = json.loads(result.stdout)
    return (
        result.returncode,
        [(f["rule"], f["message"]) for f in doc["findings"] if f["overlay"] == "overlays/upstream"],
        result.stderr,
    )


def test_a_listed_pinned_base_reaches_the_network_filter(tmp_path: Path, renderer: Renderer) -> None:
    root = repo_with(tmp_path, f"{BASE}//agent?ref=v1.4.0", LISTED)
    code, found, _ = findings(root, renderer)
    assert code == 1
    assert [rule for rule, _ in found] == ["render-failed"]
    assert "network filter refused: unresolvable.invalid does not resolve" in found[0][1]


@pytest.mark.parametrize(
    ("reference", "config", "why"),
    [
        (f"{BASE}//agent?ref=v1.4.0", "", "(--allow-remote permits it)"),
        (f"{BASE}//agent?ref=main", LISTED, "but not pinned: give ?ref= a commit or a version tag"),
        ("https://unresolvable.invalid/other/x?ref=v1", LISTED, "not in check.kustomize.remoteBases"),
    ],
)
def test_anything_else_stays_refused(
    tmp_path: Path, renderer: Renderer, reference: str, config: str, why: str
) -> None:
    root = repo_with(tmp_path, reference, config)
    code, found, _ = findings(root, renderer)
    assert code == 1
    assert [rule for rule, _ in found] == ["remote-reference"]
    assert why in found[0][1]


def test_a_pull_request_cannot_widen_the_list(tmp_path: Path, renderer: Renderer) -> None:
    root = repo_with(tmp_path, f"{BASE}//agent?ref=v1.4.0", "")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "main, no remote bases listed")
    git(root, "checkout", "-qb", "pr")
    (root / "adk-gitops.yaml").write_text(LISTED)
    (root / "overlays" / "upstream" / "kustomization.yaml").write_text(
        f"resources:\n  - {BASE}//x?ref=v1.4.1\n"
    )
    git(root, "commit", "-qam", "list my own base")
    code, found, err = findings(root, renderer, "--changed-from", "main")
    assert code == 1 and [rule for rule, _ in found] == ["remote-reference"]
    assert (
        "adk-gitops: adk-gitops.yaml: check.kustomize.remoteBases differs from main's; "
        "main's list applies (a change takes effect once merged)"
    ) in err.splitlines()
    git(root, "checkout", "-q", "main")  # once merged, the list holds
    git(root, "merge", "-q", "pr")
    code, found, err = findings(root, renderer)
    assert err == "" and [rule for rule, _ in found] == ["render-failed"]
