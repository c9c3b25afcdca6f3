"""``check``'s pipeline: targets -> render (in parallel) -> rules -> report.

A target that fails to build is recorded as a ``render-failed`` finding and the
others still run; only a missing renderer or bad options stop the run."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from adk_gitops.check.model import Report, Severity
from adk_gitops.errors import RenderError, RenderTimeout
from adk_gitops.kube.manifests import Resource, resources_from
from adk_gitops.kustomize.batch import BatchRun, start_batch
from adk_gitops.kustomize.renderer import BUILD_TIMEOUT_S, Renderer, find_renderer
from adk_gitops.targets.discover import Loaded, Target, TargetKind, discover
from adk_gitops.targets.load import load_target

if TYPE_CHECKING:
    from adk_gitops.check.checkconfig import CheckConfig


ProgressFn = Callable[[str], None]
MIN_BATCH = 4  # below this, one process per overlay is as fast
# Past ~200 overlays one kustomize process gets slower per overlay (measured on 1,000
# environments: ~61 ms each in batches of 100-200, ~75 ms in batches of 400-500).
MAX_BATCH = 150


def _adopted(
    head_start: BatchRun | None,
    targets: Sequence[Target],
    renderer: Renderer | None,
    root: Path,
    timeout: float,
) -> BatchRun | None:
    """The head start when it is this run's one render, else None (and it is stopped)."""
    if head_start is None:
        return None
    overlays = [t.path for t in targets if t.kind is TargetKind.KUSTOMIZATION and t.path is not None]
    if len(overlays) == 1 and renderer is not None and head_start.matches(renderer, overlays, root, timeout):
        renderer.processes.adopt(head_start.running)
        head_start.running.renderer = renderer
        return head_start
    head_start.discard()
    return None


def _is_batch(chunk: Sequence[Target], renderer: Renderer | None) -> bool:
    return len(chunk) > 1 and renderer is not None


def _start(chunk: Sequence[Target], renderer: Renderer, root: Path, deadline: float) -> BatchRun:
    """A batch chunk's kustomize, started; RenderError when it cannot start."""
    overlays = [t.path for t in chunk if t.path is not None]
    return start_batch(renderer, overlays, root, timeout=deadline - time.monotonic())


def _started(chunk: Sequence[Target], renderer: Renderer, root: Path, deadline: float) -> BatchRun | None:
    """A batch chunk's render, started by the caller's thread before it turns to its own
    work: the guard's walk and the batch folder are many small system calls, each slow
    in a worker that must win the GIL back from a thread importing modules (~4x here).
    None when the batch cannot start (then each overlay is rendered alone)."""
    try:
        return _start(chunk, renderer, root, deadline)
    except RenderError:
        return None


def _load_chunk(
    chunk: Sequence[Target],
    renderer: Renderer | None,
    root: Path,
    deadline: float,
    early: BatchRun | None = None,
    started: BatchRun | None = None,
) -> list[Loaded] | None:
    """Render a chunk of overlays in one kustomize process. None when the batch
    failed for a reason one render per overlay would pin down; a batch that ran
    out of time fails every overlay in it (the run's deadline is spent). ``early``:
    the run's one overlay, already rendering; ``started``: this chunk's batch, already
    started (``_started``)."""
    if not _is_batch(chunk, renderer):
        return [load_target(t, renderer, root, deadline, early) for t in chunk]
    assert renderer is not None
    try:
        outputs = (started or _start(chunk, renderer, root, deadline)).result()
    except RenderTimeout as exc:
        return [Loaded(t, (), f"{t.label}: rendered with {len(chunk) - 1} others: {exc}", "") for t in chunk]
    except RenderError:
        return None
    return [
        Loaded(
            t,
            resources_from([b for b, _ in docs], t.default_file, [o for _, o in docs]),
            "",
            renderer.description,
        )
        for t, docs in zip(chunk, outputs, strict=True)
    ]


@dataclass(frozen=True)
class Rendered:
    """One target's objects as ``check`` loads them, or why it could not."""

    target: Target
    resources: tuple[Resource, ...]
    error: str  # "" when rendered


def render_targets(
    targets: Sequence[Target],
    renderer: Renderer | None,
    root: Path,
    *,
    jobs: int | None = None,
    render_timeout: float = BUILD_TIMEOUT_S,
) -> list[Rendered]:
    """Every target rendered (or read) exactly as ``check`` does it, in parallel
    batches with one deadline; in the order given."""
    renders = _Renders(renderer, root, jobs=jobs, deadline=time.monotonic() + render_timeout)
    try:
        renders.start(targets, batch=renderer is not None)
        loaded = renders.loaded()
    except BaseException:
        renders.stop()
        raise
    renders.close()
    out = []
    for target in targets:
        item = loaded[id(target)]
        refused = "; ".join(str(r) for r in item.refusals)
        out.append(Rendered(target, item.resources, item.error or refused))
    return out


class _Renders:
    """A run's renders: its chunks handed to a pool of workers, each batch's kustomize
    started first from the calling thread (``_started``); ``loaded`` waits for them all,
    rendering a failed batch's overlays one by one."""

    def __init__(self, renderer: Renderer | None, root: Path, *, jobs: int | None, deadline: float) -> None:
        self.renderer, self.root, self.deadline = renderer, root, deadline
        self.workers = max(1, jobs or os.cpu_count() or 1)
        self.pool = ThreadPoolExecutor(max_workers=self.workers)
        self.pending: dict[Future[list[Loaded] | None], list[Target]] = {}
        self.started: list[BatchRun] = []

    def start(self, targets: Sequence[Target], *, batch: bool, early: BatchRun | None = None) -> None:
        renderer = self.renderer
        ahead = self.workers  # batches started here; more would only queue for a CPU
        for chunk in _chunks(targets, self.workers, batch):
            run = None
            if renderer is not None and _is_batch(chunk, renderer) and ahead > 0:
                ahead -= 1
                run = _started(chunk, renderer, self.root, self.deadline)
                if run is None:  # one render per overlay pins down why the batch cannot start
                    self._one_by_one(chunk)
                    continue
                self.started.append(run)
            future = self.pool.submit(_load_chunk, chunk, renderer, self.root, self.deadline, early, run)
            self.pending[future] = chunk

    def _one_by_one(self, chunk: Sequence[Target]) -> None:
        for target in chunk:
            future = self.pool.submit(_load_chunk, [target], self.renderer, self.root, self.deadline)
            self.pending[future] = [target]

    def loaded(self, on_progress: ProgressFn | None = None) -> dict[int, Loaded]:
        """Each target's load, by ``id`` of the target."""
        by_target: dict[int, Loaded] = {}
        while self.pending:
            done, _ = wait(self.pending, return_when=FIRST_COMPLETED)
            for future in done:
                chunk = self.pending.pop(future)
                items = future.result()
                if items is None:  # the batch failed: one render per overlay, in parallel
                    self._one_by_one(chunk)
                    continue
                for item in items:
                    by_target[id(item.target)] = item
                    if on_progress is not None:
                        on_progress(item.target.label)
        return by_target

    def stop(self) -> None:
        """Stop everything at once (Ctrl-C): kustomize is killed, so the workers end now
        and remove their batch folders; then so go the folders of batches no worker took."""
        if self.renderer is not None:
            self.renderer.processes.kill_all()
        self.pool.shutdown(wait=True, cancel_futures=True)
        for run in self.started:
            run.discard()

    def close(self) -> None:
        self.pool.shutdown()


def _chunks(targets: Sequence[Target], workers: int, batch: bool) -> list[list[Target]]:
    overlays = [t for t in targets if t.kind is TargetKind.KUSTOMIZATION]
    others = [[t] for t in targets if t.kind is not TargetKind.KUSTOMIZATION]
    if not batch or len(overlays) < MIN_BATCH:
        return [[t] for t in overlays] + others
    count = max(min(workers, len(overlays) // MIN_BATCH), -(-len(overlays) // MAX_BATCH), 1)
    return [overlays[i::count] for i in range(count)] + others


def check(
    targets: Sequence[Target],
    *,
    kubernetes_versions: tuple[str, ...],
    repo_root: Path,
    fail_on: Severity = Severity.ERROR,
    discovered: Sequence[Target] | None = None,
    renderer: Renderer | None = None,
    jobs: int | None = None,
    batch: bool = True,
    render_timeout: float = BUILD_TIMEOUT_S,
    config: CheckConfig | Callable[[], CheckConfig] | None = None,
    on_progress: ProgressFn | None = None,
    head_start: BatchRun | None = None,
    while_rendering: Callable[[], object] | None = None,
) -> Report:
    """Check every target; raise AdkGitopsError only for what stops the whole run.
    ``discovered``: the repository's overlays when the caller already listed them
    (``discover``), so a run walks the tree once.
    Rendering shares one deadline, ``render_timeout`` from now, however many
    overlays there are; Ctrl-C kills every kustomize process at once. kustomize
    starts first: the rules, their configuration (``config``, or a function that
    loads it) and the schemas load while it runs. ``head_start``: the render of the
    one overlay checked, started before this run (prestart.py); taken when it is the
    render this run would start, else stopped. ``while_rendering``: the caller's own
    preparation (its report's imports), done while kustomize runs, after the rules'."""
    root = repo_root.absolute()
    needs_renderer = any(t.kind is TargetKind.KUSTOMIZATION for t in targets)
    if needs_renderer and renderer is None:
        renderer = find_renderer()
    early = _adopted(head_start, targets, renderer, root, render_timeout)
    renders = _Renders(renderer, root, jobs=jobs, deadline=time.monotonic() + render_timeout)
    try:
        renders.start(targets, batch=batch and renderer is not None, early=early)
        # While kustomize runs: ask the renderer its version (a process of its own, which
        # each result names; waited for by a worker, not by this thread), import the rules,
        # load the configuration, warm the schemas.
        if renderer is not None:
            renders.pool.submit(lambda: renderer.version)
        from adk_gitops.check import judge

        resolved = judge.configuration(config)
        judge.warm_schemas(kubernetes_versions)
        import_module("adk_gitops.yamlparse")  # the render's output is parsed with it (yamlread.py)
        if while_rendering is not None:
            while_rendering()
        by_target = renders.loaded(on_progress)
    except BaseException:  # Ctrl-C above all: stop kustomize now, not when it finishes
        renders.stop()
        raise
    renders.close()
    loaded = [by_target[id(t)] for t in targets]
    return judge.judge(
        loaded,
        root,
        kubernetes_versions,
        fail_on,
        resolved,
        discover(root) if discovered is None else discovered,
    )
