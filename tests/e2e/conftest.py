from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import require
from tests.e2e.support import postgres

SUPPORT = Path(__file__).resolve().parent / "support"


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


def _real_adk_has_migrate_upgrade(adk: str) -> bool:
    probe = subprocess.run(
        [adk, "migrate", "upgrade", "--help"], capture_output=True, timeout=120, check=False
    )
    return probe.returncode == 0


@pytest.fixture(scope="session")
def adk_cli(tmp_path_factory: pytest.TempPathFactory) -> AdkCli:
    """The real `adk` when it has `migrate upgrade` (google/adk-python PR #4408),
    else an executable stand-in with the same interface."""
    real = shutil.which("adk", path=str(Path(sys.executable).parent))
    if real and _real_adk_has_migrate_upgrade(real):
        return AdkCli(Path(real).parent, "real")
    bin_dir = tmp_path_factory.mktemp("adk-standin-bin")
    launcher = bin_dir / "adk"
    # An absolute interpreter: the container env has no PATH, as in a pod with no image ENV.
    standin = str(SUPPORT / "adk_standin.py")
    launcher.write_text(
        f"#!{sys.executable}\nimport runpy\n\nrunpy.run_path({standin!r}, run_name='__main__')\n"
    )
    launcher.chmod(0o755)
    return AdkCli(bin_dir, "stand-in")
