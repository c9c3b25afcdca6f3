"""The `kubernetes` client costs about a second of imports cold: only preflight
and status may load it. Each case runs a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import REPO

PROBE = """
import sys
from adk_gitops.entry import main
sys.argv = ["adk-gitops", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
loaded = any(m == "kubernetes" or m.startswith("kubernetes.") for m in sys.modules)
print("\\nLOADED" if loaded else "\\nCLEAN")
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["check", "--help"],
        ["check", str(REPO / "tests/fixtures/rules/api-values-valid")],
        ["preflight", "--help"],
    ],
)
def test_kubernetes_client_is_not_imported_outside_the_live_commands(argv: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=REPO,
    )
    assert done.stdout.rstrip().endswith("CLEAN"), done.stderr[-500:]
