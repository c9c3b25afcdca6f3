"""The shipped generated schemas are what their generator builds."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import IN_CI, REPO


def test_the_shipped_schemas_are_what_the_generator_builds() -> None:
    """scripts/gen-argocd-schemas.py rebuilds argocd.json from the pinned argo-cd
    module (cached, else the Go module proxy) and compares."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts/gen-argocd-schemas.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO / "cli")},
        check=False,
    )
    if done.returncode != 0 and "urlopen" in done.stderr and not IN_CI:
        pytest.skip("the Go module proxy is unreachable: argo-cd CRDs not fetched")
    assert done.returncode == 0, done.stderr
