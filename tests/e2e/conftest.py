from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import AdkCli

SUPPORT = Path(__file__).resolve().parent / "support"


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
