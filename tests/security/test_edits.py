"""Edits never leave the repository (txn.py): attacks through committed
files that made set-image, set-migration, promote and new-env write outside the
repository or plant a git hook, each refused with one line and nothing written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import copy_example
from tests.security.conftest import run_cli, user_env

pytestmark = pytest.mark.e2e
IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.12.2"
HOOK = "#!/bin/sh\ntouch PWNED\n"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    root = copy_example(tmp_path / "checkout")
    (root / ".git" / "hooks").mkdir(parents=True)
    return root


def adk_gitops(repo: Path, renderer: Renderer, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(repo, user_env(renderer), *args)


def in_mounts(
    renderer: Renderer, mounts: list[str], *python_args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """This interpreter run with ``python_args`` as a user would, in a mount namespace of
    bubblewrap's where ``mounts`` change the view (a read-only folder, a tiny disk)."""
    from adk_gitops.kustomize.sandbox import find_sandbox

    return subprocess.run(
        [find_sandbox().bwrap, "--dev-bind", "/", "/", *mounts, "--", sys.executable, *python_args],
        cwd=cwd,
        env={**os.environ, "ADK_GITOPS_KUSTOMIZE": renderer.executable},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def snapshot(top: Path) -> dict[str, bytes]:
    """Every file under ``top`` (links not followed), .git included."""
    found: dict[str, bytes] = {}
    for dirpath, _, files in os.walk(top):
        for name in files:
            path = Path(dirpath) / name
            found[str(path.relative_to(top))] = (
                b"LINK:" + os.fsencode(path.readlink()) if path.is_symlink() else path.read_bytes()
            )
    return found


EDITS = [
    ["set-image", "postgres", IMAGE, "--dry-run"],
    ["set-image", "postgres", IMAGE],
    ["set-migration", "postgres", "upgrade"],
    ["promote", "postgres", "cloudsql"],
    ["new-env", "staging", "--image", IMAGE],
]


@pytest.mark.parametrize("args", EDITS, ids=lambda a: " ".join(a[:1] + a[3:]))
def test_a_committed_staging_folder_plants_no_hook(repo: Path, renderer: Renderer, args: list[str]) -> None:
    """A staging folder and manifest committed to the tree, with a link into .git/hooks
    and a path two levels above the repository: never rolled forward."""
    staging = repo / ".adk-gitops-staging-evil"
    (staging / "files" / "hooks").mkdir(parents=True)
    (staging / "files" / "hooks" / "pre-commit").write_text(HOOK)
    (staging / "files" / "hooks" / "pre-commit").chmod(0o755)
    (staging / "files" / "up.txt").write_text("outside\n")
    (staging / "manifest.json").write_text(json.dumps({"paths": ["hooks/pre-commit", "../../up.txt"]}))
    (repo / "hooks").symlink_to(".git/hooks")
    above = repo.parent.parent / "up.txt"
    result = adk_gitops(repo, renderer, *args)
    assert result.returncode == 0, result.stderr
    assert not (repo / ".git" / "hooks" / "pre-commit").exists()
    assert not above.exists()
    assert (staging / "manifest.json").is_file()  # left as it is: not ours


def test_dry_run_writes_nothing_at_all(repo: Path, renderer: Renderer) -> None:
    before = snapshot(repo.parent)
    for args in (
        ["set-image", "postgres", IMAGE, "--dry-run"],
        ["new-env", "dev", "--image", IMAGE, "--dry-run"],
    ):
        result = adk_gitops(repo, renderer, *args)
        assert result.returncode == 0, result.stderr
    assert snapshot(repo.parent) == before


def test_an_overlay_linked_out_of_the_repository_is_not_written(
    repo: Path, renderer: Renderer, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    kustomization = repo / "overlays" / "postgres" / "kustomization.yaml"
    (outside / "kustomization.yaml").write_text(kustomization.read_text())
    kustomization.unlink()
    kustomization.symlink_to(outside / "kustomization.yaml")
    before = snapshot(tmp_path)
    for extra in ([], ["--no-validate"]):
        result = adk_gitops(repo, renderer, "set-image", "postgres", IMAGE, *extra)
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert "kustomization.yaml: a symbolic link: refused, nothing written" in result.stderr
    assert snapshot(tmp_path) == before


def test_a_folder_linked_out_of_the_repository_is_not_written(
    repo: Path, renderer: Renderer, tmp_path: Path
) -> None:
    outside = tmp_path / "outside-overlay"
    (repo / "overlays" / "postgres").rename(outside)
    (repo / "overlays" / "postgres").symlink_to(outside)
    before = snapshot(tmp_path)
    for extra in ([], ["--no-validate"]):
        result = adk_gitops(repo, renderer, "set-image", "postgres", IMAGE, *extra)
        assert result.returncode in (1, 2) and "nothing written" in result.stderr, result.stderr
    assert snapshot(tmp_path) == before


def test_a_read_only_folder_leaves_the_tree_as_it_was(repo: Path, renderer: Renderer) -> None:
    argocd = repo / "argocd"
    before = snapshot(repo)
    # A read-only bind mount in a mount namespace of bubblewrap's (root ignores permission bits).
    done = in_mounts(
        renderer,
        ["--ro-bind", str(argocd), str(argocd)],
        "-m",
        "adk_gitops",
        "new-env",
        "staging",
        "--image",
        IMAGE,
        cwd=repo,
    )
    assert done.returncode == 2, done.stderr
    assert "read-only" in done.stderr and done.stderr.strip().count("\n") == 0
    assert not (repo / "overlays" / "staging").exists()
    assert snapshot(repo) == before


FULL_DISK = """
import json, os, shutil, subprocess, sys
from pathlib import Path

disk, source, image = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
repo = disk / "repo"
shutil.copytree(source, repo, symlinks=True)

def snapshot():
    found = {}
    for dirpath, _, files in os.walk(repo):
        for name in files:
            path = Path(dirpath) / name
            found[str(path.relative_to(repo))] = path.read_bytes().hex()
    return found

before = snapshot()
filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)  # full, then 8 KiB freed: staging fails partway
try:
    while True:
        os.write(filler, b"x" * 4096)
except OSError:
    os.close(filler)
os.truncate(disk / "filler", max(0, os.path.getsize(disk / "filler") - 8192))
done = subprocess.run(
    [sys.executable, "-m", "adk_gitops", "new-env", "staging", "--image", image],
    cwd=repo, capture_output=True, text=True, timeout=240,
)
print(json.dumps({"code": done.returncode, "stderr": done.stderr, "same": snapshot() == before}))
"""


def test_a_full_disk_leaves_the_tree_as_it_was(repo: Path, renderer: Renderer, tmp_path: Path) -> None:
    """A real full file system (a 4 MiB tmpfs in a mount namespace of bubblewrap's): the
    edit's staging runs out of space partway; one line, exit 2, every file as it was."""
    disk = tmp_path / "disk"
    disk.mkdir()
    done = in_mounts(
        renderer,
        ["--size", str(4 * 2**20), "--tmpfs", str(disk)],
        "-c",
        FULL_DISK,
        str(disk),
        str(repo),
        IMAGE,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] == 2, result["stderr"]
    assert result["stderr"].count("\n") == 1 and "No space left on device" in result["stderr"]
    assert "adk-gitops: error: nothing written: staging " in result["stderr"]
    assert result["same"], result["stderr"]
