"""The package's layers by stage, and the imports that hold to them.

Every import of an adk_gitops module by another, at module level or inside a
function (a lazy import is still a dependency), is read with ``ast``; imports under
``if TYPE_CHECKING:`` are annotations only and left out. The graph has no circle, and
every edge points down ``LAYERS``: a newcomer reads the pipeline from the tree, bottom
to top. Changing the layering is one edit, to ``LAYERS``."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "cli" / "adk_gitops"

# Bottom to top. A module may import its own group and any group on a lower line; the
# groups on one line are siblings that never import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    # The root foundations: errors, bounded reads, strict YAML, names, the edit
    # transaction, masking, and the package's constants (adk_gitops/__init__.py).
    ("foundations",),
    ("kube",),  # Kubernetes objects offline: manifests, pod specs, schemas, API validation
    ("kustomize",),  # reading kustomizations, the guard, the sandboxed renderer, the batch
    ("argocd",),  # annotations, health, Applications, AppProjects, the sync model
    ("adk",),  # ADK workloads, migration strategies, run-hook's pod environment
    ("targets",),  # what a command reads: discovery and loading
    ("check",),  # the pipeline, its judge, the rules, findings, config, changes
    ("diff", "envgen", "live"),  # a change previewed; every write to a repository; the cluster
    ("reporters",),  # pure functions from a result to text
    ("commands",),  # Typer: options, one library call, a reporter, an exit code
    ("startup",),  # the console entry point and kustomize's head start
)
FOUNDATIONS = frozenset(
    {
        "errors",
        "bounded",
        "yamlread",
        "yamlparse",
        "syntax",
        "txn",
        "redact",
        "git",
        "repoconfig",
        "usercache",
    }
)
STARTUP = frozenset({"entry", "__main__", "prestart"})


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of the import nodes inside ``if TYPE_CHECKING:`` blocks."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            found.update(id(inner) for inner in ast.walk(node))
    return found


def import_graph() -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_only(tree)
        deps: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                deps.add(node.module)
                deps.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                deps.update(alias.name for alias in node.names)
        graph[name] = {d for d in deps if d in modules and d != name}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def group(module: str) -> str:
    """The layer group of a module: its top package, or foundations/startup at the root."""
    parts = module.split(".")
    if len(parts) == 1:
        return "foundations"  # adk_gitops/__init__.py
    top = parts[1]
    if top in FOUNDATIONS:
        return "foundations"
    if top in STARTUP:
        return "startup"
    return top


def level(name: str) -> int:
    return next(i for i, groups in enumerate(LAYERS) if name in groups)


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Every edge that does not point down LAYERS (a sibling counts as up)."""
    return sorted(
        f"{module} -> {dep}"
        for module, deps in graph.items()
        for dep in deps
        if group(module) != group(dep) and level(group(dep)) >= level(group(module))
    )


def test_every_module_belongs_to_a_layer() -> None:
    graph = import_graph()
    groups = {name for line in LAYERS for name in line}
    assert sorted({group(m) for m in graph} - groups) == []
    assert sorted(groups - {group(m) for m in graph}) == []  # no stale entry


def test_every_import_points_down_the_layers() -> None:
    assert upward(import_graph()) == []


def test_an_upward_or_sibling_import_is_found() -> None:
    graph = {
        "adk_gitops.kube.manifests": {"adk_gitops.errors", "adk_gitops.check.model"},
        "adk_gitops.live.api": {"adk_gitops.envgen.apply", "adk_gitops.kube.manifests"},
        "adk_gitops.check.judge": {"adk_gitops.check.engine", "adk_gitops.txn"},
    }
    assert upward(graph) == [
        "adk_gitops.kube.manifests -> adk_gitops.check.model",
        "adk_gitops.live.api -> adk_gitops.envgen.apply",
    ]


def test_the_import_graph_has_no_circle() -> None:
    graph = import_graph()
    assert len(graph) > 100  # the whole package was read
    assert circles(graph) == []


def test_a_circle_is_found() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]


MAX_MODULE_LINES = 400


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}
