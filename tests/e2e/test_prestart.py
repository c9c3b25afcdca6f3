"""kustomize's head start (prestart.py): `check OVERLAY` starts its render before
Typer, the rules and the schemas are imported; `check` takes that very render when
its arguments ask for it, and stops it otherwise. The real renderer, in its sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from adk_gitops import prestart
from adk_gitops.check import pipeline
from adk_gitops.kustomize.buildoptions import configure
from adk_gitops.kustomize.renderer import Renderer, Running
from adk_gitops.targets.discover import discover, targets_from_args
from tests.conftest import copy_example

pytestmark = pytest.mark.e2e
# What start-up must not load before kustomize runs (issue #28): the CLI framework,
# the rule catalogue, the schema validators, pydantic.
HEAVY = (
    "typer",
    "click",
    "rich",
    "pydantic",
    "jsonschema",
    "jsonschema_rs",
    "adk_gitops.check.rules",
    "adk_gitops.check.pipeline",
)


@pytest.fixture()
def root(tmp_path: Path, renderer: Renderer, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped example as the working directory of a user whose renderer is the real one."""
    repo = copy_example(tmp_path / "repo")
    monkeypatch.chdir(repo)
    monkeypatch.setenv("ADK_GITOPS_KUSTOMIZE", renderer.executable)
    return repo


@pytest.fixture()
def started(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Every kustomize build started from here on (the real one, counted)."""
    builds: list[Path] = []
    real_start = Renderer.start

    def counted(self: Renderer, path: Path, **kwargs: Any) -> Running:
        builds.append(path)
        return real_start(self, path, **kwargs)

    monkeypatch.setattr(Renderer, "start", counted)
    return builds


@pytest.mark.parametrize(
    ("argv", "overlay"),
    [
        (["check", "overlays/a"], "overlays/a"),
        (["check", "-o", "json", "overlays/a", "--fail-on=warning", "-k", "1.36"], "overlays/a"),
        (["check", "--", "overlays/a"], "overlays/a"),
        (["check"], None),  # every overlay: no single render to start
        (["check", "overlays/a", "overlays/b"], None),
        (["check", "overlays/a", "--allow-remote"], None),  # changes what is rendered
        (["check", "overlays/a", "--config", "x.yaml"], None),
        (["check", "overlays/a", "--timeout"], None),
        (["check", "overlays/a", "-o"], None),  # a missing value: Typer says so
        (["render", "overlays/a"], None),
        (["check", "--changed", "overlays/a/values.yaml"], None),  # files, not an overlay
    ],
)
def test_which_command_lines_get_a_head_start(argv: list[str], overlay: str | None) -> None:
    assert prestart.overlay_of(argv) == overlay


def test_the_head_start_imports_nothing_heavy(tmp_path: Path, renderer: Renderer) -> None:
    root = copy_example(tmp_path / "repo")
    probe = (
        "import json, sys\n"
        "from adk_gitops.prestart import begin\n"
        "head = begin(['check', 'overlays/postgres'])\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(tuple(sys.argv[1:])))\n"
        "print(json.dumps({'started': head is not None, 'loaded': loaded}))\n"
        "head.discard()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *HEAVY],
        cwd=root,
        env={
            "PATH": str(Path(renderer.executable).parent) + ":/usr/bin:/bin",
            "ADK_GITOPS_KUSTOMIZE": renderer.executable,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert json.loads(done.stdout) == {"started": True, "loaded": []}
    assert not list((root / "overlays").glob(".adk-gitops-batch-*"))  # discarded: its folder removed


def test_kept_parses_spare_the_head_start_the_yaml_parser(tmp_path: Path, renderer: Renderer) -> None:
    """The second run of a pre-commit hook: every kustomization's parse is kept, so
    kustomize starts before PyYAML (~12 ms) is imported."""
    root = copy_example(tmp_path / "repo")
    probe = (
        "import json, sys\n"
        "from adk_gitops.prestart import begin\n"
        "head = begin(['check', 'overlays/cloudsql'])\n"
        "parser = ['yaml' in sys.modules, 'adk_gitops.yamlparse' in sys.modules]\n"
        "print(json.dumps([head is not None, *parser]))\n"
        "head.discard()\n"
    )
    env = {
        "PATH": str(Path(renderer.executable).parent) + ":/usr/bin:/bin",
        "ADK_GITOPS_KUSTOMIZE": renderer.executable,
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    argv = [sys.executable, "-c", probe]
    first, second = (
        json.loads(subprocess.run(argv, cwd=root, env=env, capture_output=True, timeout=120).stdout)
        for _ in range(2)
    )
    assert (first, second) == ([True, True, True], [True, False, False])


def test_check_takes_the_head_start_it_would_have_started(root: Path, started: list[Path]) -> None:
    head = prestart.begin(["check", "overlays/postgres"])
    assert head is not None and not head.run.ended and len(started) == 1
    command_renderer, _ = configure(root)
    targets = targets_from_args(["overlays/postgres"], root)
    report = pipeline.check(
        targets, kubernetes_versions=("1.34",), repo_root=root, renderer=command_renderer, head_start=head.run
    )
    assert len(started) == 1  # no second kustomize: the head start's output was used
    assert head.run.ended and head.run.running.proc.returncode == 0
    assert [t.resources for t in report.targets] == [5]
    # Asked for another render (a different deadline): the head start is stopped, and
    # the run renders as always.
    other = prestart.begin(["check", "overlays/postgres"])
    assert other is not None and len(started) == 2
    again = pipeline.check(
        targets,
        kubernetes_versions=("1.34",),
        repo_root=root,
        renderer=command_renderer,
        head_start=other.run,
        render_timeout=30,
    )
    assert other.run.ended and len(started) == 3
    assert [t.resources for t in again.targets] == [5]
    assert not list((root / "overlays").glob(".adk-gitops-batch-*"))


def test_the_cli_with_a_head_start_reports_as_before(tmp_path: Path, renderer: Renderer) -> None:
    root = copy_example(tmp_path / "repo")
    env = {"PATH": "/usr/bin:/bin", "ADK_GITOPS_KUSTOMIZE": renderer.executable, "NO_COLOR": "1"}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "adk_gitops", "check", *args, "-o", "json"],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        for args in (["overlays/postgres"], ["overlays/postgres", "--timeout", "119"])  # with, without
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert runs[0].stdout == runs[1].stdout and runs[0].stderr == runs[1].stderr == ""


def test_check_help_loads_no_rules_schemas_or_pydantic() -> None:
    probe = (
        "import json, sys\n"
        "heavy = tuple(sys.argv[1:])\n"
        "sys.argv = ['adk-gitops', 'check', '--help']\n"
        "from adk_gitops.entry import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith(heavy))), file=sys.stderr)\n"
    )
    heavy = [h for h in HEAVY if h not in ("typer", "click")]
    done = subprocess.run(
        [sys.executable, "-c", probe, *heavy], capture_output=True, text=True, timeout=60, check=True
    )
    assert "Render every overlay with real kustomize" in done.stdout
    assert json.loads(done.stderr.splitlines()[-1]) == []


@pytest.mark.parametrize(
    ("changed", "overlay"),
    [
        (["overlays/postgres/values.yaml"], "overlays/postgres"),  # one environment's values
        (["components/db-cloudsql/proxy-sidecar.yaml"], "overlays/cloudsql"),  # only cloudsql uses it
        (["bases/adk-agent/deployment.yaml"], None),  # both overlays: check batches them itself
        (["README.md"], None),  # no overlay
    ],
)
def test_a_change_that_reaches_one_overlay_gets_a_head_start(
    root: Path, changed: list[str], overlay: str | None
) -> None:
    head = prestart.begin(["check", "--changed", *changed])
    try:
        assert (head.run.overlays[0].relative_to(root).as_posix() if head else None) == overlay
    finally:
        if head is not None:
            head.discard()


def test_check_changed_takes_the_head_start(root: Path, started: list[Path]) -> None:
    from adk_gitops.check import changes

    head = prestart.begin(["check", "--changed", "overlays/postgres/values.yaml"])
    assert head is not None and len(started) == 1
    targets = changes.affected(discover(root), [Path("overlays/postgres/values.yaml")], root)
    command_renderer, _ = configure(root)
    report = pipeline.check(
        targets, kubernetes_versions=("1.34",), repo_root=root, renderer=command_renderer, head_start=head.run
    )
    assert len(started) == 1 and head.run.ended and head.run.running.proc.returncode == 0
    assert [(t.label, t.resources) for t in report.targets] == [("overlays/postgres", 5)]
