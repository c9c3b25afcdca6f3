"""How check splits overlays into kustomize processes (pipeline._chunks)."""

from __future__ import annotations

from pathlib import Path

from adk_gitops.check.pipeline import MAX_BATCH, MIN_BATCH, _chunks
from adk_gitops.targets.discover import Target, TargetKind


def overlays(n: int) -> list[Target]:
    return [Target(f"overlays/e{i}", Path(f"overlays/e{i}"), TargetKind.KUSTOMIZATION) for i in range(n)]


def test_few_overlays_render_one_per_process() -> None:
    assert [len(c) for c in _chunks(overlays(MIN_BATCH - 1), 2, True)] == [1] * (MIN_BATCH - 1)


def test_a_fleet_is_one_batch_per_cpu() -> None:
    assert [len(c) for c in _chunks(overlays(100), 2, True)] == [50, 50]


def test_a_large_fleet_is_split_into_batches_of_at_most_max_batch() -> None:
    """Past ~200 overlays one kustomize process slows per overlay: 1,000 environments
    on 2 CPUs are 7 batches of at most 150, not 2 of 500."""
    chunks = _chunks(overlays(1000), 2, True)
    assert len(chunks) == 7 and max(len(c) for c in chunks) <= MAX_BATCH
    assert sorted(t.label for c in chunks for t in c) == sorted(t.label for t in overlays(1000))


def test_without_batching_each_overlay_is_alone() -> None:
    assert [len(c) for c in _chunks(overlays(10), 2, False)] == [1] * 10
