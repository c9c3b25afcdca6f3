"""`plan` takes `--fail-on` and `--config` as `check` does: the same severities, the
same configuration file, the same meaning (the sync-order rules are check's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from tests.conftest import FIXTURES

WARNING_CASE = sorted((FIXTURES / "rules/delete-policy-without-hook").glob("fail-*.yaml"))[0]


def plan(cli: CliRunner, root: Path, *args: str) -> int:
    result = cli.invoke(app, ["plan", str(root / WARNING_CASE.name), "--repo", str(root), *args])
    assert result.exit_code != 2, result.stderr
    return result.exit_code


@pytest.mark.parametrize(
    ("config", "fail_on", "code"),
    [
        (None, "error", 0),  # a warning does not fail the plan by default, as in check
        (None, "warning", 1),
        ("check:\n  rules:\n    delete-policy-without-hook: {severity: error}\n", "error", 1),
        ("check:\n  disable: [delete-policy-without-hook]\n", "warning", 0),
    ],
)
def test_plan_fails_on_and_reads_the_configuration_as_check_does(
    cli: CliRunner, tmp_path: Path, config: str | None, fail_on: str, code: int
) -> None:
    shutil.copy(WARNING_CASE, tmp_path / WARNING_CASE.name)
    args = ["--fail-on", fail_on]
    if config is not None:
        (tmp_path / "plan-config.yaml").write_text(config)
        args += ["--config", str(tmp_path / "plan-config.yaml")]
    assert plan(cli, tmp_path, *args) == code
