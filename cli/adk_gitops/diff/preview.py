"""``adk-gitops diff``: what a change does to each environment, as Argo CD would
apply it. Frozen data in, frozen data out; the reporters print it.

Per environment, two renders of the same overlay (the base revision's tree, from
``revisions``, and the working tree) become object changes (``objects``) and what a
reviewer needs to know first (``impacts``). Hooks are objects like any other here:
the migration Job is the point.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from adk_gitops.diff.impacts import ApplicationOf, Impact, ImpactLine, SyncErrors, impacts_of
from adk_gitops.diff.objects import ObjectChange, Side, changes_of
from adk_gitops.diff.revisions import changed_files, default_base, extract, merge_base
from adk_gitops.kube.manifests import Resource
from adk_gitops.kustomize.renderer import BUILD_TIMEOUT_S, Renderer
from adk_gitops.targets.discover import Target, discover, named, repo_label

if TYPE_CHECKING:
    from adk_gitops.check.checkconfig import CheckConfig
    from adk_gitops.check.rules._context import RepoIndex


@dataclass(frozen=True)
class EnvironmentDiff:
    label: str
    impacts: tuple[ImpactLine, ...]
    changes: tuple[ObjectChange, ...]
    before_error: str = ""  # why the base side did not render ("" when it did, or is absent)
    after_error: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.impacts)


@dataclass(frozen=True)
class DiffReport:
    base: str  # the revision diffed against, as given
    base_commit: str
    environments: tuple[EnvironmentDiff, ...]

    @property
    def changed(self) -> bool:
        return any(e.changed for e in self.environments)

    def has(self, impact: Impact) -> bool:
        return any(line.impact is impact for e in self.environments for line in e.impacts)


def environment_diff(
    label: str,
    before: Side,
    after: Side,
    errors_of: SyncErrors,
    application_of: ApplicationOf,
) -> EnvironmentDiff:
    changes = () if before.error or after.error else changes_of(label, before, after)
    impacts = impacts_of(label, before, after, changes, errors_of, application_of)
    return EnvironmentDiff(label, impacts, changes, before.error, after.error)


@dataclass(frozen=True)
class Tree:
    """One side's repository as ``diff`` judges it: its check configuration and its
    Applications, read once (a diff of 100 environments judges 200 sides)."""

    root: Path
    config: CheckConfig
    index: RepoIndex

    def application(self, side: Side) -> Resource | None:
        """The Application (or ApplicationSet) deploying this side's folder, if any."""
        if not side.exists or side.path is None:
            return None
        _, _, found = self.index.deployment(side.path)
        return found.resource if found is not None else None

    def errors(self, side: Side) -> tuple[str, ...]:
        """What ``plan`` reports as error-level sync findings for this side (rule: message)."""
        from adk_gitops.check.model import Severity
        from adk_gitops.check.syncfindings import sync_findings

        if not side.exists or side.error or side.path is None:
            return ()
        if not (side.path / "kustomization.yaml").is_file():
            return ()  # argocd/: not an overlay
        label = side.path.relative_to(self.root).as_posix()
        judged = sync_findings(label, side.resources, folder=side.path, index=self.index, config=self.config)
        errors = (f for f in judged.findings if f.severity is Severity.ERROR and not f.suppressed)
        return tuple(sorted({f"{f.rule}: {f.message}" for f in errors}))


def tree(root: Path) -> Tree:
    """The tree at ``root``, with its configuration and Applications read."""
    from adk_gitops.check import checkconfig
    from adk_gitops.check.rules._context import repo_index

    config = checkconfig.load(root)
    return Tree(root, config, repo_index(root, config.repo_url))


def diff_repository(
    root: Path,
    ref: str | None,
    paths: Sequence[str],
    renderer: Renderer,
    *,
    jobs: int | None = None,
    render_timeout: float = BUILD_TIMEOUT_S,
) -> DiffReport:
    """Every environment the change since ``ref``'s merge base affects (or the
    ``paths`` given), rendered at that commit and in the working tree."""
    from adk_gitops.check import pipeline
    from adk_gitops.check.changes import affected

    base_ref = ref or default_base(root)
    commit = merge_base(root, base_ref)
    with tempfile.TemporaryDirectory(prefix="adk-gitops-diff-") as tmp:
        base_root = extract(root, commit, Path(tmp) / "base")
        after_targets = {t.label: t for t in discover(root)}
        before_targets = {t.label: t for t in discover(base_root)}
        changed = changed_files(root, commit)
        labels = {t.label for t in affected(list(after_targets.values()), changed, root)}
        in_base = [base_root / p.relative_to(root) for p in changed]
        labels |= {t.label for t in affected(list(before_targets.values()), in_base, base_root)}
        if paths:
            wanted = {repo_label(named(p, root), root).rstrip("/") for p in paths}
            labels &= wanted
        ordered = sorted(labels)

        def rendered(targets: Mapping[str, Target], tree: Path) -> dict[str, pipeline.Rendered]:
            chosen = [targets[label] for label in ordered if label in targets]
            done = pipeline.render_targets(chosen, renderer, tree, jobs=jobs, render_timeout=render_timeout)
            return {r.target.label: r for r in done}

        with ThreadPoolExecutor(max_workers=2) as pool:  # both sides at once: the renders are the cost
            later = pool.submit(rendered, after_targets, root)
            before = rendered(before_targets, base_root)
            after = later.result()

        def side(found: pipeline.Rendered | None, tree: Path) -> Side:
            if found is None:
                return Side(False)
            return Side(True, found.resources, found.error, tree, found.target.path)

        trees = {base_root: tree(base_root), root: tree(root)}

        def errors_of(s: Side) -> tuple[str, ...]:
            return trees[s.root].errors(s) if s.root is not None else ()

        def application_of(s: Side) -> Resource | None:
            return trees[s.root].application(s) if s.root is not None else None

        environments = tuple(
            environment_diff(
                label,
                side(before.get(label), base_root),
                side(after.get(label), root),
                errors_of,
                application_of,
            )
            for label in ordered
        )
    return DiffReport(base_ref, commit, environments)
