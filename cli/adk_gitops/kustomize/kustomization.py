"""Reading kustomization files as data (never rendering: that is kustomize's job)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from adk_gitops import bounded, yamlread
from adk_gitops.bounded import RealPaths
from adk_gitops.kube.manifests import ResourceId

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
# kustomize's own API group for a kustomization (kustomize.config.k8s.io/v1beta1).
GROUP = "kustomize.config.k8s.io"


def kustomization_id(path: str) -> ResourceId:
    """A kustomization file as the object it is (kind Kustomization, in kustomize's own
    API group), named by its path in the repository: findings about it carry this."""
    return ResourceId(GROUP, "Kustomization", "", path)


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def load(directory: Path, real_paths: RealPaths | None = None) -> Mapping[str, Any]:
    """The kustomization in ``directory`` as a mapping ({} if absent or unreadable)."""
    return read(directory, real_paths)[0]


def read(directory: Path, real_paths: RealPaths | None = None) -> tuple[Mapping[str, Any], str | None]:
    """The kustomization in ``directory`` and why it cannot be read (None if it can, or
    is absent). ``real_paths``: the caller's walk's resolver."""
    path = kustomization_file(directory)
    if path is None:
        return {}, None
    try:
        stat = path.stat()
    except OSError as exc:
        return {}, f"cannot read: {exc.strerror}"
    return _parse((real_paths or RealPaths()).resolve(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _parse(path: Path, mtime_ns: int, size: int) -> tuple[Mapping[str, Any], str | None]:
    # Keyed by modification time and size: a fleet's overlays share their base and
    # components, which are read once per run instead of once per overlay.
    try:
        doc = yamlread.load(bounded.read_text(path), path.name, keep=True)
    except OSError as exc:
        return {}, f"cannot read: {exc.strerror}"
    except UnicodeDecodeError:
        return {}, "not UTF-8 text"
    except yamlread.YamlError as exc:
        return {}, str(exc)
    if doc is not None and not isinstance(doc, Mapping):
        return {}, f"a kustomization must be a mapping, not a {type(doc).__name__}"
    return _folded(doc or {}), None


# The field names this module and its readers look up. kustomize reads a
# kustomization as JSON into Go structs (sigs.k8s.io/yaml, encoding/json), which
# match field names with strings.EqualFold: `Resources:` and `re\u017fources:`
# are `resources:`. The guard must see what kustomize sees, so keys are folded to
# these names on reading.
_FIELDS = (
    "resources", "components", "bases", "crds", "configurations", "generators", "transformers", "validators",
    "patchesStrategicMerge", "patches", "patchesJson6902", "replacements", "configMapGenerator",
    "secretGenerator", "helmChartInflationGenerator", "helmCharts", "openapi", "path", "files", "envs", "env",
    "repo", "namespace", "images", "name", "newName", "newTag", "digest", "kind", "apiVersion", "namePrefix",
    "nameSuffix", "buildMetadata", "literals", "options", "behavior", "type", "chartHome", "valuesFile",
    "additionalValuesFiles",
)  # fmt: skip
# Fields whose value is a map of the user's own keys (labels, annotations): not folded.
_USER_MAPS = frozenset({"commonlabels", "commonannotations", "pairs", "labels", "annotations", "data"})


def fold(key: str) -> str:
    """``key`` as Go's strings.EqualFold compares it: each character by its simple
    case folding (one character to one: U+017F is s, U+212A is k; ß stays ß)."""
    return "".join(f if len(f := c.casefold()) == 1 else c for c in key).lower()


_CANONICAL = {fold(name): name for name in _FIELDS}


def _folded(node: Any) -> Any:
    """``node`` with every key that folds to a known field renamed to it. Two keys that
    fold alike both count: lists are joined (the guard judges every entry kustomize
    might read), otherwise the later one wins, as encoding/json lets it. A ``!!binary``
    scalar is the string it decodes to: sigs.k8s.io/yaml converts YAML to JSON, where
    bytes become a string (invalid UTF-8 replaced), so kustomize reads
    ``resources: [!!binary Y20ueWFtbA==]`` as ``cm.yaml``."""
    if isinstance(node, bytes):
        return node.decode("utf-8", errors="replace")
    if isinstance(node, list):
        return [_folded(item) for item in node]
    if not isinstance(node, Mapping):
        return node
    out: dict[Any, Any] = {}
    for raw_key, value in node.items():
        key = raw_key.decode("utf-8", errors="replace") if isinstance(raw_key, bytes) else raw_key
        name = _CANONICAL.get(fold(key), key) if isinstance(key, str) else key
        value = value if isinstance(key, str) and fold(key) in _USER_MAPS else _folded(value)
        if name in out and isinstance(out[name], list) and isinstance(value, list):
            out[name] = [*out[name], *value]
        else:
            out[name] = value
    return out


def is_component(directory: Path) -> bool:
    return load(directory).get("kind") == "Component"


# Entries that are paths (or remote URLs) of files or kustomization directories.
_PATH_LISTS = ("resources", "components", "bases", "crds", "configurations", "generators", "transformers",
               "validators", "patchesStrategicMerge")  # fmt: skip
_PATH_ITEMS = ("patches", "patchesJson6902", "replacements")  # each item's `path`
_GENERATORS = ("configMapGenerator", "secretGenerator", "helmChartInflationGenerator")


def path_entries(doc: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    """(entry, may be a kustomization directory) for every path a kustomization names."""
    for key in _PATH_LISTS:
        for entry in _list(doc.get(key)):
            if isinstance(entry, str) and "\n" not in entry:  # multi-line strings are inline YAML
                yield entry, key in ("resources", "components", "bases", "generators", "transformers",
                                     "validators")  # fmt: skip
    for key in _PATH_ITEMS:
        for item in _list(doc.get(key)):
            if isinstance(item, Mapping) and isinstance(item.get("path"), str):
                yield item["path"], False
    openapi = doc.get("openapi")
    if isinstance(openapi, Mapping) and isinstance(openapi.get("path"), str):
        yield openapi["path"], False
    for key in _GENERATORS:
        for gen in _list(doc.get(key)):
            if not isinstance(gen, Mapping):
                continue
            for field in ("files", "envs"):
                for entry in _list(gen.get(field)):
                    if isinstance(entry, str):
                        yield entry.split("=", 1)[-1] if field == "files" else entry, False
            if isinstance(gen.get("env"), str):
                yield gen["env"], False
            if isinstance(gen.get("repo"), str):
                yield gen["repo"], False


def entry_path(directory: Path, entry: str) -> Path:
    """The path kustomize reads for ``entry`` named in ``directory``: joined and cleaned
    lexically (Go's filepath.Join), so ``link/..`` is ``directory`` itself whatever
    ``link`` points to; links are resolved only afterwards, by the file system."""
    return Path(os.path.normpath(directory / entry))


HELM_DEFAULT_HOME = "charts"  # kustomize's types.HelmDefaultHome


def helm_entries(doc: Mapping[str, Any]) -> Iterator[tuple[str, str | None]]:
    """(local path, chart repository or None) for what inflating each of ``helmCharts``
    reads (with --enable-helm only: without it kustomize reads none of it): its values
    files, and its chart folder ``chartHome/name``, which kustomize pulls from the
    repository when absent (api/internal/builtins/HelmChartInflationGenerator.go,
    Generate and chartExistsLocally)."""
    for chart in _list(doc.get("helmCharts")):
        if not isinstance(chart, Mapping):
            continue
        for key in ("valuesFile", "additionalValuesFiles"):
            for entry in _list(chart.get(key)) if key == "additionalValuesFiles" else [chart.get(key)]:
                if isinstance(entry, str) and entry:
                    yield entry, None
        home = chart.get("chartHome") or HELM_DEFAULT_HOME
        name = chart.get("name")
        if isinstance(home, str) and isinstance(name, str) and name:
            repo = chart.get("repo")
            yield f"{home}/{name}", repo if isinstance(repo, str) and repo else None


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def walk(
    directory: Path, *, is_remote: Callable[[str], bool], real_paths: RealPaths | None = None
) -> Iterator[tuple[Path, Mapping[str, Any], list[Path]]]:
    """The kustomization at ``directory`` and every local one it includes, each once:
    (its file, its document, the local files it names that are no kustomization
    directory). ``is_remote`` tells remote references, which are skipped.
    ``real_paths``: a resolver shared with the caller's other walks."""
    real_paths = real_paths or RealPaths()
    seen: set[Path] = set()
    stack = [real_paths.resolve(directory)]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        file = kustomization_file(current)
        if file is None:
            continue
        doc = load(current, real_paths)
        named: list[Path] = []
        for entry, may_be_dir in path_entries(doc):
            if is_remote(entry):
                continue
            target = entry_path(current, entry)
            if may_be_dir and target.is_dir():
                stack.append(real_paths.resolve(target))
            else:
                named.append(real_paths.resolve(target))
        yield file, doc, named


def graph_files(
    directory: Path,
    *,
    is_remote: Callable[[str], bool],
    memo: dict[Path, frozenset[Path]] | None = None,
    real_paths: RealPaths | None = None,
) -> frozenset[Path]:
    """Every local file the kustomization at ``directory`` reads: its own file, the
    kustomizations it includes and their files (resolved). ``memo``: each included
    kustomization's own graph, shared between calls, so a fleet's overlays walk their
    common base and components once (``changes.affected``); ``real_paths``: the
    resolver shared between those calls."""
    real_paths = real_paths or RealPaths()
    memo = {} if memo is None else memo
    return _graph(real_paths.resolve(directory), is_remote, memo, (), real_paths)[0]


def _graph(
    current: Path,
    is_remote: Callable[[str], bool],
    memo: dict[Path, frozenset[Path]],
    above: tuple[Path, ...],
    real_paths: RealPaths,
) -> tuple[frozenset[Path], bool]:
    """(the graph's files, whether it is complete). A kustomization that includes one
    above it (a cycle, which kustomize refuses) yields what is gathered where the cycle
    began, and nothing on that path is memoised."""
    if current in memo:
        return memo[current], True
    if current in above:
        return frozenset(), False
    file = kustomization_file(current)
    if file is None:
        memo[current] = frozenset()
        return memo[current], True
    files = {real_paths.resolve(file)}
    complete = True
    for entry, may_be_dir in path_entries(load(current, real_paths)):
        if is_remote(entry):
            continue
        target = entry_path(current, entry)
        if may_be_dir and target.is_dir():
            included, whole = _graph(
                real_paths.resolve(target), is_remote, memo, (*above, current), real_paths
            )
            files |= included
            complete = complete and whole
        else:
            files.add(real_paths.resolve(target))
    found = frozenset(files)
    if complete:
        memo[current] = found
    return found, complete
