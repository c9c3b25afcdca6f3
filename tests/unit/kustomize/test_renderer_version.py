"""The renderer's version is asked once per executable and kept between runs
(renderer.kept_version_entry); ``processes.wait_exact`` waits for a render as ``Popen.wait`` does."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from adk_gitops.kustomize.processes import wait_exact
from adk_gitops.kustomize.renderer import Renderer, kept_version_entry


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yield tmp_path / "cache"


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each time the executable itself is asked, its path; it answers v5.6.0."""
    calls: list[str] = []

    def ask(self: Renderer) -> str:
        calls.append(self.executable)
        return "v5.6.0"

    monkeypatch.setattr(Renderer, "_asked_version", ask)
    return calls


def binary(path: Path) -> Path:
    """An executable that is a program, not a script (a copy of true)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    true = shutil.which("true")
    assert true is not None
    shutil.copy(true, path)
    return path


def test_the_version_is_asked_once_and_kept_between_runs(tmp_path: Path, asked: list[str]) -> None:
    kustomize = binary(tmp_path / "bin" / "kustomize")
    assert Renderer(str(kustomize), "kustomize").version == "v5.6.0"
    assert Renderer(str(kustomize), "kustomize").version == "v5.6.0"  # a new run: read back
    assert asked == [str(kustomize)]


def test_a_replaced_binary_is_asked_again(tmp_path: Path, asked: list[str]) -> None:
    kubectl = binary(tmp_path / "bin" / "kubectl")
    assert Renderer(str(kubectl), "kubectl").version == "v5.6.0"
    kubectl.write_bytes(kubectl.read_bytes() + b"\0")  # an upgrade: another size, another time
    assert Renderer(str(kubectl), "kubectl").version == "v5.6.0"
    assert asked == [str(kubectl), str(kubectl)]


def test_a_script_or_a_version_managers_shim_is_asked_every_time(tmp_path: Path, asked: list[str]) -> None:
    script = tmp_path / "asdf" / "kubectl"
    script.parent.mkdir()
    script.write_text('#!/bin/sh\nexec kubectl-1.33 "$@"\n')
    mise = binary(tmp_path / "mise" / "mise")
    shim = tmp_path / "shims" / "kubectl"
    shim.parent.mkdir()
    shim.symlink_to(mise)
    for executable in (script, shim):
        assert kept_version_entry(str(executable), "kubectl") is None
        for _ in range(2):
            assert Renderer(str(executable), "kubectl").version == "v5.6.0"
    assert asked == [str(script)] * 2 + [str(shim)] * 2


def test_an_unknown_version_is_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    kustomize = binary(tmp_path / "kustomize")
    answers = iter(["unknown", "v5.6.0"])
    monkeypatch.setattr(Renderer, "_asked_version", lambda self: next(answers))
    assert Renderer(str(kustomize), "kustomize").version == "unknown"
    assert Renderer(str(kustomize), "kustomize").version == "v5.6.0"


def test_the_real_answer_is_what_is_kept(tmp_path: Path) -> None:
    """Asked for real (true prints nothing: ``unknown``), then an entry read back."""
    kustomize = binary(tmp_path / "kustomize")
    assert Renderer(str(kustomize), "kustomize").version == "unknown"
    entry = kept_version_entry(str(kustomize), "kustomize")
    assert entry is not None and not entry.exists()
    entry.parent.mkdir(parents=True)
    entry.write_bytes(b"v5.4.3")
    assert Renderer(str(kustomize), "kustomize").version == "v5.4.3"


def test_an_unwritable_cache_only_means_asking_again(
    tmp_path: Path, asked: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    kustomize = binary(tmp_path / "kustomize")
    assert Renderer(str(kustomize), "kustomize").version == "v5.6.0"
    assert Renderer(str(kustomize), "kustomize").version == "v5.6.0"
    assert len(asked) == 2


def test_wait_exact_returns_at_exit_and_raises_at_its_deadline() -> None:
    quick = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    wait_exact(quick, 30)
    assert quick.returncode == 3
    wait_exact(quick, 30)  # already reaped: returns at once
    slow = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            wait_exact(slow, 0.2)
        assert slow.returncode is None
    finally:
        slow.kill()
        slow.wait()


def test_wait_exact_without_pidfd_is_popen_wait(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "pidfd_open", raising=False)
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(4)"])
    wait_exact(proc, 30)
    assert proc.returncode == 4
