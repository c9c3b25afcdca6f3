"""Shared fixtures. Tests that need a real renderer or a real PostgreSQL skip
locally when it is missing, and FAIL under CI=true, so a green CI cannot hide a
missing install step."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adk_gitops.errors import RendererNotFound
from adk_gitops.kube.manifests import Resource, load_stream
from adk_gitops.kustomize.renderer import Renderer, find_renderer
from tests.e2e.support import postgres

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def copy_example(root: Path) -> Path:
    """The shipped example repository (bases, components, overlays, argocd and its
    adk-gitops.yaml) copied to ``root``, for tests that edit it."""
    for name in ("bases", "components", "overlays", "argocd"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "adk-gitops.yaml", root)
    return root


def require(what: str, why: str) -> None:
    """Skip locally, fail in CI: for e2e prerequisites."""
    message = f"{what} unavailable: {why}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: e2e prerequisites must be installed by .ci/run)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def renderer() -> Renderer:
    try:
        return find_renderer()
    except RendererNotFound as exc:
        require("kustomize renderer", str(exc))
        raise  # unreachable: require() always raises


RenderFn = Callable[[Path | str], tuple[Resource, ...]]
# pytest's record_property fixture (pytest exports no name for its type).
RecordProperty = Callable[[str, object], None]


@pytest.fixture(scope="session")
def render(renderer: Renderer) -> RenderFn:
    cache: dict[Path, tuple[Resource, ...]] = {}

    def _render(path: Path | str) -> tuple[Resource, ...]:
        p = (REPO / path) if not Path(path).is_absolute() else Path(path)
        if p not in cache:
            cache[p] = load_stream(renderer.build(p), source=str(path))
        return cache[p]

    return _render


@pytest.fixture()
def cli() -> CliRunner:
    return CliRunner()


@pytest.fixture(autouse=True)
def _no_color(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NO_COLOR", "1")
    yield


# The real PostgreSQL and released ADK: used by tests/e2e and by the real-Argo CD tests.
@pytest.fixture(scope="session")
def pg() -> Iterator[postgres.PostgresServer]:
    why = postgres.missing_prerequisite()
    if why is not None:
        require("PostgreSQL", why)
    server = postgres.start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class AdkCli:
    bin_dir: Path  # put on the search path in place of the image's PATH
    kind: str  # "real" or "stand-in"


RELEASED_ADK = "2.13.0"  # what the test extra pins: the newest google-adk on PyPI


@pytest.fixture(scope="session")
def image_python() -> AdkCli:
    """The folder whose ``python`` runs the prepare-tables Job: this virtualenv's,
    which holds released google-adk[db] and asyncpg. It stands in for the image's
    interpreter; the code that runs is released ADK's own."""
    from importlib.metadata import version

    installed = version("google-adk")
    if installed != RELEASED_ADK:
        require("released google-adk", f"google-adk {installed} installed, tests pin {RELEASED_ADK}")
    bin_dir = Path(sys.executable).parent
    if not (bin_dir / "python").exists():
        require("released google-adk", f"no `python` next to {sys.executable}")
    return AdkCli(bin_dir, f"google-adk {installed}")
