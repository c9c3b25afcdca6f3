"""Untrusted input beyond the sandbox (#29): expansion that never follows links and
stops at a bound, paths out of the repository judged on their text, and files the
tool writes (--output, init) that never follow a committed link."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import pytest

from adk_gitops.argocd.applications import MAX_GENERATED
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import copy_example
from tests.security.conftest import run_cli, user_env

pytestmark = pytest.mark.e2e


def adk_gitops(
    cwd: Path, renderer: Renderer, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return run_cli(cwd, user_env(renderer), *args, timeout=timeout)


def appset(repo: Path, path: str) -> None:
    (repo / "argocd" / "appsets").mkdir(exist_ok=True)
    (repo / "argocd" / "appsets" / "loop.yaml").write_text(
        "apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata: {name: loop, namespace: argocd}\n"
        "spec:\n  goTemplate: true\n  generators:\n    - git:\n"
        "        repoURL: https://github.com/example/adk-agent-gitops.git\n        revision: main\n"
        f"        directories: [{{path: '{path}'}}]\n"
        "  template:\n    metadata: {name: 'x-{{.path.basename}}'}\n    spec:\n      project: adk-agent\n"
        "      source: {repoURL: https://github.com/example/adk-agent-gitops.git, path: '{{.path.path}}'}\n"
        "      destination: {server: https://kubernetes.default.svc, namespace: 'x-{{.path.basename}}'}\n"
    )


def test_a_symlink_loop_in_a_generator_glob_ends_at_once(tmp_path: Path, renderer: Renderer) -> None:
    repo = copy_example(tmp_path / "repo")
    (repo / "loop").mkdir()
    (repo / "loop" / "x").symlink_to(".")
    appset(repo, "loop/*/*/*/*/*/*/*/*/*/*/*/*")
    started = time.monotonic()
    result = adk_gitops(repo, renderer, "check", "argocd", "-o", "json")
    assert time.monotonic() - started < 30  # it ran for minutes following the loop
    assert result.returncode in (0, 1), result.stderr
    json.loads(result.stdout)


def test_a_generator_glob_stops_at_a_bound_with_one_line(tmp_path: Path, renderer: Renderer) -> None:
    repo = copy_example(tmp_path / "repo")
    for i in range(MAX_GENERATED + 1):
        (repo / "wide" / f"d{i}").mkdir(parents=True)
    appset(repo, "wide/*")
    result = adk_gitops(repo, renderer, "check", "argocd")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert f"visits more than {MAX_GENERATED} folders" in result.stderr


def test_a_source_path_out_of_the_repository_reveals_nothing(tmp_path: Path, renderer: Renderer) -> None:
    """Whether ../../../../etc exists on the CI machine must not change the answer."""
    repo = copy_example(tmp_path / "repo")
    messages = []
    for path in ("../../../../../../etc", "../../../../../../no-such-folder-anywhere"):
        app = repo / "argocd" / "apps" / "postgres.yaml"
        app.write_text(
            app.read_text()
            .replace("path: overlays/postgres", f"path: {path}")
            .replace("path: ../../../../../../etc", f"path: {path}")
        )
        result = adk_gitops(repo, renderer, "check", "argocd", "-o", "json")
        found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "application-source-path"]
        messages.append([f["message"].replace(path, "PATH") for f in found])
    assert messages[0] == messages[1] == ["'PATH' leaves the repository"]


def test_output_never_follows_a_committed_link(tmp_path: Path, renderer: Renderer) -> None:
    repo = copy_example(tmp_path / "repo")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    (repo / "adk-gitops.sarif").symlink_to(victim)
    result = adk_gitops(repo, renderer, "check", "-o", "sarif", "--output", "adk-gitops.sarif")
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "adk-gitops.sarif: a symbolic link: refused" in result.stderr
    assert victim.read_text() == "precious\n"


def test_init_force_never_writes_through_a_linked_folder(tmp_path: Path, renderer: Renderer) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "new-repo"
    target.mkdir()
    (target / "bases").symlink_to(outside)
    result = adk_gitops(tmp_path, renderer, "init", str(target), "--force")
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "bases: a symbolic link or a file where a folder belongs" in result.stderr
    assert list(outside.iterdir()) == []


def test_a_configmap_the_api_server_would_refuse_by_size_fails_check(
    tmp_path: Path, renderer: Renderer
) -> None:
    manifest = tmp_path / "big.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  blob: " + "x" * (2 * 2**20) + "\n"
    )
    result = adk_gitops(tmp_path, renderer, "check", str(manifest), "--repo", str(tmp_path), "-o", "json")
    assert result.returncode == 1
    found = [
        (f["rule"], f["severity"])
        for f in json.loads(result.stdout)["findings"]
        if f["rule"] == "object-size"
    ]
    assert found == [("object-size", "error")]


def test_configuration_from_a_device_or_a_huge_file_is_one_line(tmp_path: Path, renderer: Renderer) -> None:
    repo = copy_example(tmp_path / "repo")
    huge = tmp_path / "huge.yaml"
    huge.write_text("check: {}\n" + "#" * (2 * 2**20) + "\n")
    for config, why in (("/dev/zero", "a device, not a regular file"), (str(huge), "larger than 1 MiB")):
        result = adk_gitops(repo, renderer, "check", "--config", config, timeout=30)
        assert result.returncode == 2 and result.stderr.count("\n") == 1 and why in result.stderr, (
            result.stderr
        )


def _invalid_configmaps(first: int, count: int) -> str:
    return "---\n".join(
        f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c{i}}}\ndata: {{a: [1]}}\n"
        for i in range(first, first + count)
    )


def test_findings_cost_linear_in_the_file(tmp_path: Path, renderer: Renderer) -> None:
    """1,000 findings in one file within 2x the time of 100 findings in each of 10 files
    (it was quadratic: every finding re-parsed its file, 379 s for 1,000)."""
    one, ten = tmp_path / "one", tmp_path / "ten"
    one.mkdir()
    ten.mkdir()
    (one / "all.yaml").write_text(_invalid_configmaps(0, 1000))
    for n in range(10):
        (ten / f"part{n}.yaml").write_text(_invalid_configmaps(n * 100, 100))
    timings = []
    for folder in (one, ten):
        started = time.monotonic()
        result = adk_gitops(folder, renderer, "check", str(folder), "--repo", str(folder), "-o", "json")
        timings.append(time.monotonic() - started)
        found = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "schema-valid"]
        assert len(found) == 1000 and all(f["line"] for f in found)
    assert timings[0] < 2 * timings[1], timings


def test_a_huge_manifest_without_aliases_is_refused_by_size(tmp_path: Path, renderer: Renderer) -> None:
    """A 20 MB JSON list of ConfigMaps (no alias anywhere): refused before parsing,
    by its size, not blamed on aliases (it once grew to 4.3 GB first)."""
    manifest = tmp_path / "huge.json"
    item = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "x" * 1000}}
    manifest.write_text(json.dumps([item] * 20_000))
    result = adk_gitops(tmp_path, renderer, "check", str(manifest), "--repo", str(tmp_path), "-o", "json")
    messages = [f["message"] for f in json.loads(result.stdout)["findings"]]
    assert result.returncode == 1 and messages == ["huge.json: cannot read: larger than 16 MiB: refused"]
