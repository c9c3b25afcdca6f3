"""Folder names are taken exactly (#29): an overlay named `postgres #x` or `cloudsql `
(a trailing space) is checked as itself, never as `overlays/postgres`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import copy_example
from tests.security.conftest import run_cli, user_env

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", ["postgres #x", "postgres ", "postgres\tx"])
def test_an_overlay_name_that_yaml_would_cut_is_checked_as_itself(
    tmp_path: Path, renderer: Renderer, name: str
) -> None:
    repo = copy_example(tmp_path / "repo")
    odd = repo / "overlays" / name
    shutil.copytree(repo / "overlays" / "postgres", odd)
    (odd / "bad.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: only-in-the-odd-one}\ndata: {a: [1]}\n"
    )
    kustomization = odd / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text().replace("  - values.yaml\n", "  - values.yaml\n  - bad.yaml\n")
    )
    done = run_cli(repo, user_env(renderer), "check", "-o", "json")
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    found = [(f["rule"], f["name"]) for f in findings if f["rule"] == "schema-valid"]
    assert found == [("schema-valid", "only-in-the-odd-one")]
    named = [f["overlay"] for f in findings if f["rule"] == "overlay-name-exact"]
    assert len(named) == 1 and named[0].startswith("overlays/postgres") and named[0] != "overlays/postgres"
