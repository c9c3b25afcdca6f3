"""Which renderer is picked. (Choosing an executable is PATH lookup; the rendering
itself is tested with the real one.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from adk_gitops.errors import RendererNotFound
from adk_gitops.kustomize.renderer import find_renderer


def exe(directory: Path, name: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_text("#!/bin/false\n")
    path.chmod(0o755)
    return path


def test_kustomize_is_preferred_over_kubectl(tmp_path: Path) -> None:
    kubectl = exe(tmp_path / "a", "kubectl")
    kustomize = exe(tmp_path / "b", "kustomize")
    chosen = find_renderer({"PATH": f"{kubectl.parent}:{kustomize.parent}"}, fallback_dirs=())
    assert (chosen.executable, chosen.argv_prefix) == (str(kustomize), (str(kustomize), "build"))


def test_kubectl_kustomize_when_no_kustomize(tmp_path: Path) -> None:
    kubectl = exe(tmp_path, "kubectl")
    chosen = find_renderer({"PATH": str(tmp_path)}, fallback_dirs=())
    assert chosen.argv_prefix == (str(kubectl), "kustomize")


def test_environment_override_wins_and_is_identified_by_name(tmp_path: Path) -> None:
    exe(tmp_path / "path", "kustomize")
    pinned = exe(tmp_path / "pinned", "kubectl-1.33")
    chosen = find_renderer(
        {"PATH": str(tmp_path / "path"), "ADK_GITOPS_KUSTOMIZE": str(pinned)}, fallback_dirs=()
    )
    assert chosen.argv_prefix == (str(pinned), "kustomize")


def test_interpreter_folder_is_the_last_resort(tmp_path: Path) -> None:
    beside = exe(tmp_path / "venv-bin", "kubectl")
    chosen = find_renderer({"PATH": str(tmp_path / "empty")}, fallback_dirs=[str(beside.parent)])
    assert chosen.executable == str(beside)


def test_missing_renderer_says_how_to_install_one(tmp_path: Path) -> None:
    with pytest.raises(RendererNotFound, match="install kustomize or kubectl"):
        find_renderer({"PATH": str(tmp_path)}, fallback_dirs=())


def test_override_that_is_not_executable(tmp_path: Path) -> None:
    with pytest.raises(RendererNotFound, match="is not an executable"):
        find_renderer({"PATH": "", "ADK_GITOPS_KUSTOMIZE": str(tmp_path / "nope")}, fallback_dirs=())
