"""Batch rendering gives each overlay exactly its own render, and falls back to
one render per overlay on any failure, leaving no trace in the repository."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from adk_gitops.check import pipeline
from adk_gitops.check.checkconfig import CheckConfig
from adk_gitops.envgen import flow, service
from adk_gitops.envgen.choices import Db
from adk_gitops.envgen.spec import EnvInput
from adk_gitops.errors import RenderError
from adk_gitops.kube.manifests import parse_documents
from adk_gitops.kustomize.batch import BATCH_PREFIX, render_batch
from adk_gitops.kustomize.processes import Processes
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.targets.discover import Target, discover
from tests.conftest import REPO

pytestmark = pytest.mark.e2e
IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"
CLOUDSQL = EnvInput(
    db=Db.CLOUDSQL,
    cloudsql_instance="my-project:europe-west1:adk-sessions",
    gsa="adk-agent@my-project.iam.gserviceaccount.com",
)


@pytest.fixture()
def fleet(tmp_path: Path, renderer: Renderer) -> Path:
    root = tmp_path / "fleet"
    for name in ("bases", "components"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "adk-gitops.yaml", root / "adk-gitops.yaml")
    variants = {
        "dev": EnvInput(image=IMAGE),
        "qa": EnvInput(image=IMAGE, replicas=2, cpu_request="500m"),
        "staging": EnvInput(image=IMAGE).over(CLOUDSQL),
        "prod": EnvInput(
            image=IMAGE,
            iam_auth=True,
            app_gsa="adk-agent-app@my-project.iam.gserviceaccount.com",
            memory_limit="2Gi",
        ).over(CLOUDSQL),
        "perf": EnvInput(image=IMAGE.replace("2026.11.1", "2026.12.0")),
    }
    for name, given in variants.items():
        plan = service.plan_new_env(root, name, given)
        flow.land(root, plan.changes, f"overlays/{name}", check_first=False, renderer=lambda: renderer)
    return root


def overlays(root: Path) -> list[Path]:
    return sorted(p for p in (root / "overlays").iterdir() if p.is_dir())


def overlay_targets(root: Path) -> list[Target]:
    return [t for t in discover(root) if t.kind == "kustomization"]


def test_batch_equals_one_render_per_overlay(fleet: Path, renderer: Renderer) -> None:
    paths = overlays(fleet)
    batched = render_batch(renderer, paths, fleet)
    for path, docs in zip(paths, batched, strict=True):
        assert [body for body, _ in docs] == parse_documents(renderer.build(path)), path.name
        assert all(origin is not None and origin.file is not None for _, origin in docs), path.name
    assert not list((fleet / "overlays").glob(f"{BATCH_PREFIX}*"))


def test_a_broken_overlay_fails_the_batch_and_check_falls_back(fleet: Path, renderer: Renderer) -> None:
    (fleet / "overlays/qa/values.yaml").unlink()
    with pytest.raises(RenderError):
        render_batch(renderer, overlays(fleet), fleet)
    report = pipeline.check(
        overlay_targets(fleet), kubernetes_versions=("1.34",), repo_root=fleet, renderer=renderer
    )
    assert [(f.overlay, f.rule) for f in report.findings if f.severity == "error"] == [
        ("overlays/qa", "render-failed")
    ]
    assert [t.resources > 0 for t in report.targets] == [True, True, True, False, True]
    assert not list((fleet / "overlays").glob(f"{BATCH_PREFIX}*"))


def test_colliding_objects_fall_back_too(fleet: Path, renderer: Renderer) -> None:
    kustomization = fleet / "overlays/perf/kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("adk-agent-perf", "adk-agent-dev"))
    with pytest.raises(RenderError):
        render_batch(renderer, overlays(fleet), fleet)  # two overlays render the same objects
    report = pipeline.check(
        overlay_targets(fleet), kubernetes_versions=("1.34",), repo_root=fleet, renderer=renderer
    )
    assert not report.failed


def test_a_batch_the_guard_stops_renders_overlay_by_overlay(fleet: Path, renderer: Renderer) -> None:
    """The batch starts before check turns to its rules; when it cannot start (the guard
    refuses one overlay), each overlay renders alone, and only that one is refused."""
    kustomization = fleet / "overlays/qa/kustomization.yaml"
    text = kustomization.read_text().replace(
        "resources:\n", "resources:\n  - https://github.com/example/remote//base\n"
    )
    kustomization.write_text(text)
    report = pipeline.check(
        overlay_targets(fleet), kubernetes_versions=("1.34",), repo_root=fleet, renderer=renderer
    )
    assert [(f.overlay, f.rule) for f in report.findings if f.severity == "error"] == [
        ("overlays/qa", "remote-reference")
    ]
    assert [t.resources > 0 for t in report.targets] == [True, True, True, False, True]
    assert not list((fleet / "overlays").glob(f"{BATCH_PREFIX}*"))


def test_an_interrupted_check_leaves_no_batch_behind(fleet: Path, renderer: Renderer) -> None:
    """Ctrl-C while kustomize renders (here: while the configuration loads): the
    batches already started are stopped and their folders removed."""

    def interrupted() -> CheckConfig:
        raise KeyboardInterrupt

    own = dataclasses.replace(renderer, processes=Processes())  # the shared one is not cancelled

    with pytest.raises(KeyboardInterrupt):
        pipeline.check(
            overlay_targets(fleet),
            kubernetes_versions=("1.34",),
            repo_root=fleet,
            renderer=own,
            jobs=1,
            config=interrupted,
        )
    assert not list((fleet / "overlays").glob(f"{BATCH_PREFIX}*"))
    assert own.processes.cancelled


def test_batched_and_unbatched_checks_agree(fleet: Path, renderer: Renderer) -> None:
    targets = discover(fleet)
    runs = [
        pipeline.check(targets, kubernetes_versions=("1.34",), repo_root=fleet, renderer=renderer, batch=b)
        for b in (True, False)
    ]
    assert runs[0].findings == runs[1].findings
    assert [f.message for f in runs[0].findings] == [f.message for f in runs[1].findings]


def test_discovery_skips_dot_folders(fleet: Path) -> None:
    stray = fleet / "overlays" / f"{BATCH_PREFIX}left-over" / "o0"
    stray.mkdir(parents=True)
    (stray / "kustomization.yaml").write_text("resources: []\n")
    names = ("dev", "perf", "prod", "qa", "staging")
    assert [t.label for t in overlay_targets(fleet)] == [f"overlays/{n}" for n in names]
