"""Which renderer is picked, and how kustomize's failures read. (Choosing an
executable is PATH lookup; the rendering itself is tested with the real one.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from adk_gitops.errors import RendererNotFound
from adk_gitops.renderer import find_renderer, summarize_kustomize_error


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


@pytest.mark.parametrize(
    "stderr",
    [
        "some warning\nError: accumulating resources: 'missing.yaml': no such file\n\n",  # kustomize
        "error: accumulating resources: 'missing.yaml': no such file\n",  # kubectl 1.33
        'E1125 03:05:29.940318    4239 run.go:72] "command failed" '  # kubectl 1.32 (klog)
        "err=\"accumulating resources: 'missing.yaml': no such file\"\n",
    ],
)
def test_kustomize_errors_read_the_same_from_every_renderer(stderr: str) -> None:
    assert summarize_kustomize_error(stderr) == "accumulating resources: 'missing.yaml': no such file"


def test_kustomize_errors_without_a_marker() -> None:
    assert summarize_kustomize_error("panic\nlast words\n") == "last words"
    assert summarize_kustomize_error("") == "kustomize failed with no message"


def test_a_go_runtime_failure_is_its_first_line() -> None:
    stderr = (
        "fatal error: runtime: out of memory\n\nruntime stack:\nruntime.throw(...)\n"
        "goroutine 1 gp=0xc000002380 m=0 mp=0x5ecb3a0 [running]:\n"
        "\tk8s.io/klog/v2@v2.130.1/klog.go:1137 +0x167\n"
    )
    assert summarize_kustomize_error(stderr) == "fatal error: runtime: out of memory"
