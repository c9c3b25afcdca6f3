"""kustomize in its sandbox (sandbox.sandbox_argv), tested as a layer of its own:
attacks through keys spelt as kustomize reads them (`Resources:`, `ConfigMapGenerator:`,
case-folded by Go's EqualFold) are run against kustomize itself, unconfined (the attack
works) and in the sandbox (it does not); then through the CLI, where the guard (which now
folds keys as kustomize does) and the sandbox each stop it. Nothing fetched, nothing
outside the repository read, no token in any output, memory within the ceiling."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adk_gitops.git import hardened_env
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.kustomize.sandbox import SANDBOX_MEMORY_BYTES, find_sandbox, sandbox_argv, sandbox_env
from tests.conftest import IN_CI, copy_example, require
from tests.security.conftest import run_cli, user_env

pytestmark = pytest.mark.e2e
TOKEN = "ghs_FAKEPERSISTEDCHECKOUTTOKEN0123456789"


@pytest.fixture(autouse=True)
def sandbox_available() -> None:
    from adk_gitops.errors import SandboxUnavailable

    try:
        find_sandbox()
    except SandboxUnavailable as exc:
        if IN_CI:
            pytest.fail(f"the sandbox is missing under CI=true: {exc}")
        require("the kustomize sandbox", str(exc))


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A checkout as actions/checkout leaves it: a .git/config holding the persisted token."""
    root = copy_example(tmp_path / "checkout")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n'
    )
    return root


def adk_gitops(repo: Path, renderer: Renderer, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(repo, user_env(renderer), *args)


def kustomize(
    renderer: Renderer, folder: Path, root: Path, *, sandboxed: bool
) -> subprocess.CompletedProcess[str]:
    """kustomize itself on ``folder``, no guard: unconfined, or in the sandbox of ``root``."""
    argv = [*renderer.argv_prefix, str(folder.resolve())]
    env = {**os.environ}
    if sandboxed:
        sandbox = find_sandbox()
        argv = sandbox_argv(argv, root, cpu_seconds=60, bwrap=sandbox.bwrap, prlimit=sandbox.prlimit)
        env = sandbox_env(hardened_env(env, allow_remote=False))
    return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=False)


def check(repo: Path, renderer: Renderer, *args: str) -> subprocess.CompletedProcess[str]:
    return adk_gitops(repo, renderer, "check", *args)


def overlay(repo: Path, name: str, kustomization: str) -> Path:
    folder = repo / "overlays" / name
    folder.mkdir(parents=True)
    (folder / "kustomization.yaml").write_text(kustomization)
    return folder


def test_a_case_folded_generator_cannot_read_the_git_config(repo: Path, renderer: Renderer) -> None:
    """`ln -s .. overlays/evil` makes the repository's root an overlay; its generator,
    spelt `ConfigMapGenerator:`, names .git/config."""
    (repo / "kustomization.yaml").write_text(
        "ConfigMapGenerator:\n  - name: leak\n    files: [.git/config]\n"
    )
    (repo / "overlays" / "evil").symlink_to("..")
    evil = repo / "overlays" / "evil"
    assert TOKEN in kustomize(renderer, evil, repo, sandboxed=False).stdout  # the attack works on kustomize
    confined = kustomize(renderer, evil, repo, sandboxed=True)
    assert confined.returncode != 0 and TOKEN not in confined.stdout + confined.stderr
    assert "no such file or directory" in confined.stderr  # .git is empty in the sandbox
    for extra in ([], ["--no-sandbox"]):  # the sandbox, and the guard alone, each stop it
        for fmt in ("text", "json", "github", "sarif", "junit"):
            result = check(repo, renderer, "overlays/evil", "-o", fmt, *extra)
            assert result.returncode == 1 and TOKEN not in result.stdout + result.stderr
    assert (repo / ".git" / "config").read_text().count(TOKEN) == 1  # untouched


def test_a_case_folded_resource_url_reaches_no_network(
    repo: Path, renderer: Renderer, http_server: tuple[str, list[str]]
) -> None:
    url, requests = http_server
    folder = overlay(repo, "fetch", f"Resources:\n  - {url}/x.yaml\n")
    assert "fetched" in kustomize(renderer, folder, repo, sandboxed=False).stdout
    assert requests == ["/x.yaml"]  # loopback skips the hardened environment's proxy trap
    requests.clear()
    assert kustomize(renderer, folder, repo, sandboxed=True).returncode != 0
    assert requests == []  # the sandbox's own network namespace: no network at all
    for extra in ([], ["--no-sandbox"]):
        result = check(repo, renderer, "overlays/fetch", "-o", "json", *extra)
        assert result.returncode == 1
    assert requests == []
    # (With --allow-remote the sandbox's one way out is the https filter: test_egress.py.)


def test_a_case_folded_path_cannot_read_outside_the_repository(
    repo: Path, renderer: Renderer, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\ndata: {token: SECRETVALUE}\n"
    )
    (outside / "kustomization.yaml").write_text("resources: [secret.yaml]\n")
    # A base directory may lie anywhere (kustomize restricts files, not bases).
    folder = overlay(repo, "escape", "Resources:\n  - ../../../outside\n")
    assert "SECRETVALUE" in kustomize(renderer, folder, repo, sandboxed=False).stdout
    confined = kustomize(renderer, folder, repo, sandboxed=True)
    assert confined.returncode != 0 and "SECRETVALUE" not in confined.stdout + confined.stderr
    for extra in ([], ["--no-sandbox"]):
        result = check(repo, renderer, "overlays/escape", "-o", "json", *extra)
        assert result.returncode == 1 and "SECRETVALUE" not in result.stdout + result.stderr
        found = [
            f["rule"] for f in json.loads(result.stdout)["findings"] if f["overlay"] == "overlays/escape"
        ]
        assert found and set(found) <= {"render-failed", "path-outside-repository"}


def test_a_huge_generator_file_meets_the_memory_ceiling(repo: Path, renderer: Renderer) -> None:
    """A 2 GiB sparse file (a few bytes in git) named by a generator: without the
    sandbox kustomize grew to several GiB; inside it, it stops at the ceiling."""
    folder = overlay(repo, "huge", "ConfigMapGenerator:\n  - name: big\n    files: [big.txt]\n")
    with (folder / "big.txt").open("wb") as big:
        big.truncate(2 * 2**30)
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(done.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)\n"
        "print(done.stdout)\n"
    )
    env = {**os.environ, "ADK_GITOPS_KUSTOMIZE": renderer.executable, "NO_COLOR": "1"}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            measure,
            sys.executable,
            "-m",
            "adk_gitops",
            "check",
            "overlays/huge",
            "-o",
            "json",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    first, _, report = probe.stdout.partition("\n")
    code, peak = (int(x) for x in first.split())
    assert code == 1
    findings = json.loads(report)["findings"]
    assert [f["rule"] for f in findings if f["overlay"] == "overlays/huge"] == ["render-failed"]
    assert peak < SANDBOX_MEMORY_BYTES  # the largest process of the run, kustomize included


def test_the_sandbox_hides_the_callers_environment(repo: Path, renderer: Renderer) -> None:
    """A CI token in the environment never reaches kustomize: an exec plugin or a
    generator could otherwise print it (the sandbox passes a minimal environment)."""
    from adk_gitops.git import hardened_env
    from adk_gitops.kustomize.sandbox import sandbox_env

    env = sandbox_env(
        hardened_env({"GITHUB_TOKEN": TOKEN, "PATH": "/x", "HOME": "/root"}, allow_remote=False)
    )
    assert TOKEN not in json.dumps(env)
    assert env["HOME"] == "/tmp" and env["GIT_CONFIG_NOSYSTEM"] == "1" and env["HTTPS_PROXY"]


def test_out_of_memory_is_one_clear_line(repo: Path, renderer: Renderer) -> None:
    folder = overlay(repo, "huge", "ConfigMapGenerator:\n  - name: big\n    files: [big.txt]\n")
    with (folder / "big.txt").open("wb") as big:
        big.truncate(4 * 2**30)
    result = adk_gitops(repo, renderer, "render", "overlays/huge")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert (
        "out of memory (the sandbox allows kustomize 3 GiB: does it read a file that large?)" in result.stderr
    )
