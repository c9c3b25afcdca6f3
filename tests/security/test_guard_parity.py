"""The guard reads kustomization keys as kustomize does (kustomization.fold): for each
spelling of a key, kustomize itself decides whether it reads the file named under
it, and the guard must see that path exactly when kustomize reads it."""

from __future__ import annotations

from pathlib import Path

import pytest

from adk_gitops import kustomization
from adk_gitops.errors import RenderError
from adk_gitops.renderer import Renderer

pytestmark = pytest.mark.e2e
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: listed}\n"

RESOURCES = [
    "resources",
    "Resources",
    "RESOURCES",
    "ReSoUrCeS",
    "re\u017fources",
    "re\u00dfources",
    "resource",
]
GENERATORS = ["configMapGenerator", "ConfigMapGenerator", "CONFIGMAPGENERATOR", "configMapGenerator\u017f"]
FILES = ["files", "FILES", "Files", "file\u017f"]


def _kustomize_reads(renderer: Renderer, folder: Path, marker: str) -> bool:
    try:
        return marker in renderer.build(folder, root=folder)
    except RenderError:
        return False


def _guard_sees(folder: Path, entry: str) -> bool:
    kustomization._parse.cache_clear()
    return entry in [e for e, _ in kustomization.path_entries(kustomization.load(folder))]


@pytest.mark.parametrize("key", RESOURCES)
def test_resources_key_spellings(tmp_path: Path, renderer: Renderer, key: str) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "kustomization.yaml").write_text(f"{key}: [cm.yaml]\n")
    assert _guard_sees(tmp_path, "cm.yaml") == _kustomize_reads(renderer, tmp_path, "name: listed")


@pytest.mark.parametrize("files", FILES)
@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_key_spellings(tmp_path: Path, renderer: Renderer, generator: str, files: str) -> None:
    (tmp_path / "data.txt").write_text("SECRETVALUE")
    (tmp_path / "kustomization.yaml").write_text(f"{generator}:\n  - name: gen\n    {files}: [data.txt]\n")
    assert _guard_sees(tmp_path, "data.txt") == _kustomize_reads(renderer, tmp_path, "SECRETVALUE")


def test_a_merge_key(tmp_path: Path, renderer: Renderer) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "kustomization.yaml").write_text("<<: {resources: [cm.yaml]}\n")
    assert _guard_sees(tmp_path, "cm.yaml") == _kustomize_reads(renderer, tmp_path, "name: listed")


def test_two_spellings_of_one_key_are_both_seen(tmp_path: Path, renderer: Renderer) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "other.yaml").write_text(CM.replace("listed", "other"))
    (tmp_path / "kustomization.yaml").write_text("resources: [cm.yaml]\nResources: [other.yaml]\n")
    rendered = renderer.build(tmp_path, root=tmp_path) if _kustomize_reads(renderer, tmp_path, "kind") else ""
    seen = [e for e, _ in kustomization.path_entries(kustomization.load(tmp_path))]
    for entry, marker in (("cm.yaml", "name: listed"), ("other.yaml", "name: other")):
        if marker in rendered:
            assert entry in seen  # whatever kustomize read, the guard judged
