"""``adk-gitops diff``: what a change does to each environment, as Argo CD would
apply it. Frozen data in, frozen data out; the reporters print it.

Per environment, two renders of the same overlay (the base revision's tree and the
working tree) become object changes, keyed by group, kind, namespace and name with
kustomize's generator hash suffix removed (a new ConfigMap hash is a content
change, not a delete and an add), in Argo CD's apply order (phase, wave, kind,
name: gitops-engine pkg/sync/sync_tasks.go, as ``syncplan`` models it). Secret
values never leave this module: each becomes ``***``, or ``*** (changed)`` when
it differs from the base's. Hooks are objects like any other here: the migration
Job is the point.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
import tarfile
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from adk_gitops import git
from adk_gitops.argocd.applications import Pruning, pruning
from adk_gitops.argocd.syncplan import build_plan
from adk_gitops.check.rules._helpers import is_migration_job, main_container
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource
from adk_gitops.kustomize.renderer import BUILD_TIMEOUT_S, Renderer
from adk_gitops.targets.discover import Target, discover

if TYPE_CHECKING:
    from adk_gitops.check.checkconfig import CheckConfig
    from adk_gitops.check.rules._context import RepoIndex

# kustomize's name hash: the first 10 hex digits of a sha256 with 0, 1, 3, a, e written
# g, h, k, m, t (sigs.k8s.io/kustomize/api hasher/hasher.go encode).
_GENERATED = re.compile(r"^(?P<name>.+)-[2456789bcdfghkmt]{10}$")
_GENERATED_KINDS = frozenset({"ConfigMap", "Secret"})
MASK = "***"


class Status(StrEnum):
    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"


class Impact(StrEnum):
    """What a reviewer needs to know first, most important first."""

    RENDER_FAILED = "render-failed"
    NEW_ENVIRONMENT = "new-environment"
    REMOVED_ENVIRONMENT = "removed-environment"
    SYNC_ERROR = "sync-error"
    MIGRATION = "migration"
    ROLLOUT = "rollout"
    CONFIGURATION = "configuration"
    OBJECTS_ADDED = "objects-added"
    OBJECTS_REMOVED = "objects-removed"


@dataclass(frozen=True)
class ObjectKey:
    group: str
    kind: str
    namespace: str
    name: str  # generator hash suffix removed

    def __str__(self) -> str:
        where = f" -n {self.namespace}" if self.namespace else ""
        return f"{self.kind}/{self.name}{where}"


@dataclass(frozen=True)
class ObjectChange:
    key: ObjectKey
    status: Status
    before: Resource | None
    after: Resource | None
    diff: tuple[str, ...]  # unified diff lines of the (masked) objects


@dataclass(frozen=True)
class ImpactLine:
    impact: Impact
    text: str


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


@dataclass(frozen=True)
class Side:
    """One side of one environment: its objects, or why there are none; ``root`` and
    ``path`` are that side's tree and the target's folder in it."""

    exists: bool
    resources: tuple[Resource, ...] = ()
    error: str = ""
    root: Path | None = None
    path: Path | None = None


def key_of(res: Resource) -> ObjectKey:
    name = res.name
    match = _GENERATED.match(name) if res.kind in _GENERATED_KINDS else None
    return ObjectKey(res.group, res.kind, res.namespace, match["name"] if match else name)


def _masked(res: Resource, other: Resource | None) -> dict[str, Any]:
    """The object as shown: Secret values masked, marked where they differ from ``other``."""
    body = copy.deepcopy(dict(res.body))
    if res.kind != "Secret":
        return body
    theirs = dict(other.body) if other is not None else {}
    for field in ("data", "stringData"):
        values = body.get(field)
        if not isinstance(values, dict):
            continue
        held = theirs.get(field)
        before: dict[str, Any] = held if isinstance(held, dict) else {}
        body[field] = {
            k: MASK if other is None or before.get(k) == v else f"{MASK} (changed)" for k, v in values.items()
        }  # a key the other side lacks counts as changed
    return body


def _lines(body: Mapping[str, Any] | None) -> list[str]:
    if body is None:
        return []
    text = yaml.safe_dump(dict(body), sort_keys=False, default_flow_style=False, width=1 << 16)
    return text.splitlines()


def object_diff(
    label: str, key: ObjectKey, before: Resource | None, after: Resource | None
) -> tuple[str, ...]:
    """Unified diff lines; a Secret's values all read ``***`` on the base side and
    ``***`` or ``*** (changed)`` on this side."""
    old = _lines(_masked(before, None)) if before is not None else []
    new = _lines(_masked(after, before)) if after is not None else []
    return tuple(difflib.unified_diff(old, new, f"a/{label}: {key}", f"b/{label}: {key}", n=3, lineterm=""))


def _apply_order(resources: Sequence[Resource]) -> dict[ObjectKey, int]:
    plan = build_plan(resources)
    order: dict[ObjectKey, int] = {}
    tasks = [t for step in plan.steps for t in step.tasks] + list(plan.on_failure)
    for task in tasks:
        order.setdefault(key_of(task.resource), len(order))
    return order


def changes_of(label: str, before: Side, after: Side) -> tuple[ObjectChange, ...]:
    old = {key_of(r): r for r in before.resources}
    new = {key_of(r): r for r in after.resources}
    order = _apply_order(after.resources)
    for key, rank in _apply_order(before.resources).items():
        order.setdefault(key, len(order) + rank)
    found: list[ObjectChange] = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (order.get(k, len(order)), str(k))):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and dict(a.body) == dict(b.body):
            continue
        status = Status.ADDED if a is None else Status.REMOVED if b is None else Status.CHANGED
        found.append(ObjectChange(key, status, a, b, object_diff(label, key, a, b)))
    return tuple(found)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _image(res: Resource | None) -> str:
    container = main_container(res) if res is not None else None
    return str(container.body.get("image", "")) if container is not None else ""


def _arrow(before: str, after: str) -> str:
    """``A -> B``; for one repository, its tags or digests: ``REPO:A -> B``."""
    if before == after or not before:
        return after
    repo_a, _, ref_a = before.rpartition("@") if "@" in before else before.rpartition(":")
    repo_b, _, ref_b = after.rpartition("@") if "@" in after else after.rpartition(":")
    if repo_a and repo_a == repo_b and "/" not in ref_a + ref_b:
        return f"{repo_b}: {ref_a} -> {ref_b}"
    return f"{before} -> {after}"


def _template(res: Resource | None) -> Any:
    return (res.body.get("spec") or {}).get("template") if res is not None else None


SyncErrors = Callable[[Side], tuple[str, ...]]
ApplicationOf = Callable[[Side], Resource | None]  # the Application deploying a side, if any


def impacts_of(
    label: str,
    before: Side,
    after: Side,
    changes: Sequence[ObjectChange],
    errors_of: SyncErrors,
    application_of: ApplicationOf,
) -> tuple[ImpactLine, ...]:
    lines: list[ImpactLine] = []
    if before.error or after.error:
        side = "the base" if before.error else "this change"
        lines.append(
            ImpactLine(Impact.RENDER_FAILED, f"does not render at {side}: {before.error or after.error}")
        )
        return tuple(lines)
    if not after.exists:
        lines.append(
            ImpactLine(
                Impact.REMOVED_ENVIRONMENT,
                f"environment removed: its {_count(len(before.resources), 'object')} stay in the cluster "
                "until its Application is deleted (with the resources finalizer: deleted with it)",
            )
        )
        return tuple(lines)
    if not changes:
        return ()
    if label == "argocd":
        shown = ", ".join(str(c.key) for c in changes)
        return (ImpactLine(Impact.CONFIGURATION, f"Argo CD's own objects change: {shown}"),)
    if not before.exists:
        lines.append(
            ImpactLine(
                Impact.NEW_ENVIRONMENT,
                f"new environment: the first sync creates {_count(len(after.resources), 'object')}",
            )
        )
    known = set(errors_of(before))  # judged once: running the sync rules is the cost
    new_errors = [e for e in errors_of(after) if e not in known]
    lines += [ImpactLine(Impact.SYNC_ERROR, f"sync now fails: {e}") for e in new_errors]
    old_jobs = {key_of(r): r for r in before.resources if is_migration_job(r)}
    for job in (r for r in after.resources if is_migration_job(r)):
        previous = old_jobs.get(key_of(job))
        image = _arrow(_image(previous), _image(job)) if previous is not None else _image(job)
        if previous is None or _image(previous) != _image(job):
            text = f"the migration Job {job.name} runs with {image}, before the app rolls out"
        else:
            text = f"the migration Job {job.name} runs again, same image {image} (every sync runs it)"
        lines.append(ImpactLine(Impact.MIGRATION, text))
    rollouts = [
        c
        for c in changes
        if c.after is not None
        and c.key.kind != "Job"
        and podspec.pod_spec(c.after) is not None
        and (c.before is None or _template(c.before) != _template(c.after))
    ]
    for change in rollouts:
        if change.before is None:
            what = f"starts with {_image(change.after)}"
        elif _image(change.before) != _image(change.after):
            what = f"rolls out {_arrow(_image(change.before), _image(change.after))}"
        else:
            what = "rolls out (pod template changed)"
        lines.append(ImpactLine(Impact.ROLLOUT, f"{change.key.kind} {change.key.name} {what}"))
    if not rollouts and before.exists:
        changed = sum(1 for c in changes if c.status is Status.CHANGED)
        if changed:
            lines.append(
                ImpactLine(
                    Impact.CONFIGURATION,
                    f"configuration only: {_count(changed, 'object')} change, no pod restarts",
                )
            )
    if before.exists:
        added = [str(c.key) for c in changes if c.status is Status.ADDED]
        if added:
            lines.append(ImpactLine(Impact.OBJECTS_ADDED, f"{len(added)} added: {', '.join(added)}"))
        # The next sync follows the Application after the change (it is applied first).
        app = application_of(after) or application_of(before)
        fates: dict[str, list[str]] = {}
        for change in changes:
            if change.status is Status.REMOVED and change.before is not None:
                fate = _FATES[pruning(app, change.before)] if app is not None else _NO_APPLICATION
                fates.setdefault(fate, []).append(str(change.key))
        for fate, keys in fates.items():
            lines.append(
                ImpactLine(Impact.OBJECTS_REMOVED, f"{len(keys)} removed: {', '.join(keys)} ({fate})")
            )
    return tuple(lines)


# What the next sync does with an object the change removes (applications.pruning).
_FATES = {
    Pruning.AUTOMATED: "deleted by the next automated sync: automated.prune",
    Pruning.NOT_AUTOMATED: "left in the cluster: automated sync does not prune; a sync with prune deletes it",
    Pruning.MANUAL: "deleted when someone syncs with prune: the Application does not sync automatically",
    Pruning.KEPT: "kept in the cluster: Prune=false",
    Pruning.CONFIRM: "deleted once someone confirms the prune: Prune=confirm",
}
_NO_APPLICATION = "deleted only if the Application prunes"


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


# --- the two trees -------------------------------------------------------------


def default_base(root: Path) -> str:
    """The default branch a pull request merges into: origin's HEAD, else main or master."""
    try:
        head = git.run(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", what="default branch")
        return head.decode().strip().removeprefix("refs/remotes/")
    except AdkGitopsError:
        pass
    for name in ("origin/main", "main", "origin/master", "master"):
        try:
            git.run(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", what=name)
            return name
        except AdkGitopsError:
            continue
    raise AdkGitopsError("diff: no default branch found (origin/HEAD, main, master); give --from REF")


def merge_base(root: Path, ref: str) -> str:
    """The commit the change started from: ``git merge-base REF HEAD``."""
    if ref.startswith("-") or not ref.strip():
        raise AdkGitopsError(f"--from {ref!r}: not a git revision")
    return git.run(root, "merge-base", ref, "HEAD", what=f"--from {ref}").decode().strip()


def changed_files(root: Path, commit: str) -> list[Path]:
    """What differs between ``commit`` and the working tree, untracked files included."""
    tracked = git.run(
        root, "diff", "--name-only", "--no-renames", "--no-ext-diff", "--no-textconv", commit, "--",
        what="diff",
    )  # fmt: skip
    untracked = git.run(root, "ls-files", "--others", "--exclude-standard", what="diff")
    names = (tracked + b"\n" + untracked).decode("utf-8", "surrogateescape").splitlines()
    return [root / n for n in dict.fromkeys(names) if n]


def extract(root: Path, commit: str, into: Path) -> Path:
    """The tree of ``commit`` under ``into`` (``git archive``; links and special files
    refused by tarfile's data filter, so nothing lands outside ``into``)."""
    data = git.run(root, "archive", "--format=tar", commit, what=f"archive {commit[:12]}")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


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
        from adk_gitops.check.engine import run_rules
        from adk_gitops.check.model import Severity
        from adk_gitops.check.rules import SYNC_RULES
        from adk_gitops.check.rules._context import Context

        if not side.exists or side.error or side.path is None:
            return ()
        if not (side.path / "kustomization.yaml").is_file():
            return ()  # argocd/: not an overlay
        label = side.path.relative_to(self.root).as_posix()
        create, destination, found = self.index.deployment(side.path)
        ctx = Context(
            label,
            side.resources,
            repo=self.index,
            default_file=label,
            settings=self.config.for_target(label),
            adk_selector=self.config.adk_selector,
            create_namespace=create,
            destination_namespace=destination,
            application=found,
        )
        errors = (f for f in run_rules(ctx, SYNC_RULES) if f.severity is Severity.ERROR and not f.suppressed)
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
            wanted = {Path(p).as_posix().rstrip("/") for p in paths}
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
