"""Generated and duplicated documentation stays in step with its source."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from adk_gitops.check.docgen import rules_markdown
from adk_gitops.check.rules import ALL_RULES
from adk_gitops.kustomize.renderer import Renderer
from tests.conftest import REPO


def test_rules_reference_is_generated_from_the_docstrings() -> None:
    text = (REPO / "docs" / "rules.md").read_text()
    assert text == rules_markdown(), "docs/rules.md is stale: run python scripts/gen-docs.py"
    for rule in ALL_RULES:
        assert f"### {rule.id}\n" in text


def test_the_stored_help_is_typers_own() -> None:
    """entry.py answers --help from a file, before Typer loads: it must be Typer's text."""
    from adk_gitops.check.docgen import top_level_help
    from adk_gitops.entry import HELP_FILE, HELP_WIDTH

    assert HELP_FILE.read_text() == top_level_help(HELP_WIDTH), (
        "stale help text: run python scripts/gen-docs.py"
    )


@pytest.mark.parametrize(("columns", "stored"), [("80", True), ("200", True), ("60", False)])
def test_adk_gitops_help_is_the_same_either_way(columns: str, stored: bool) -> None:
    """The console script, as a user runs it: the same text whichever path answers."""
    from adk_gitops.check.docgen import top_level_help
    from adk_gitops.entry import HELP_WIDTH

    script = Path(sys.executable).with_name("adk-gitops")
    env = {"PATH": "/usr/bin:/bin", "COLUMNS": columns}
    done = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=60, env=env, check=True
    )
    probe = (
        "import sys; from adk_gitops import entry\n"
        "sys.argv = ['adk-gitops', '--help']; print(entry._print_help())"
    )
    answered = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env, check=True
    )
    assert answered.stdout.endswith(f"{stored}\n")  # which path answered at this width
    if stored:
        assert done.stdout == top_level_help(HELP_WIDTH)
    else:
        assert done.stdout.startswith("Usage: adk-gitops [OPTIONS] COMMAND [ARGS]...")


def _table(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ")]


def test_seed_mapping_table_is_the_same_in_readme_and_docs() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme[
        readme.index("## From the seed's Helm Job") : readme.index("## Creating the database Secret")
    ]
    assert _table(section) == _table((REPO / "docs" / "seed-mapping.md").read_text())
    assert len(_table(section)) > 20


def test_readme_has_exactly_two_setup_commands_and_ci_runs_the_second() -> None:
    readme = (REPO / "README.md").read_text()
    setup = readme[readme.index("## Set up") : readme.index("## Quick start")]
    commands = [c.strip() for c in re.findall(r"```sh\n(.+?)\n\s*```", setup, flags=re.S)]
    assert len(commands) == 2
    assert commands[1].strip() == "bash .ci/run"
    assert "adk-gitops render overlays/postgres" in commands[0] and "render overlays/cloudsql" in commands[0]


@pytest.mark.e2e
def test_the_pre_commit_hook_runs(renderer: Renderer) -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["pass_filenames"] is True and hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for path in (
        "overlays/dev/kustomization.yaml",
        "bases/adk-agent/migration-job.yaml",
        "components/db-cloudsql/proxy-sidecar.yaml",
        "argocd/apps/dev.yaml",
        "adk-gitops.yaml",
    ):
        assert pattern.search(path), path
    assert not pattern.search("README.md") and not pattern.search("cli/adk_gitops/check/pipeline.py")
    argv = shlex.split(hook["entry"])
    assert argv[0] == "adk-gitops"
    executable = Path(sys.executable).with_name("adk-gitops")

    def hook_run(*staged: str) -> subprocess.CompletedProcess[str]:
        # As pre-commit runs it: the entry, then the staged files matching `files`.
        return subprocess.run(
            [str(executable), *argv[1:], *staged],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    result = hook_run("components/db-cloudsql/proxy-sidecar.yaml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "1 changed file(s) affect 1 of 3 target(s)" in result.stderr and "overlays/cloudsql" in result.stdout
    )
    result = hook_run("bases/adk-agent/migration-job.yaml", "argocd/apps/postgres.yaml")
    assert "affect 3 of 3 target(s)" in result.stderr and result.returncode == 0
