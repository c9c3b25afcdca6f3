"""Reading kustomization files as data (never rendering: that is kustomize's job)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from adk_gitops import bounded, yamlread

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def kustomization_file(directory: Path) -> Path | None:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            return directory / name
    return None


def load(directory: Path) -> Mapping[str, Any]:
    """The kustomization in ``directory`` as a mapping ({} if absent or unreadable)."""
    return _read(directory)[0]


def problem(directory: Path) -> str | None:
    """Why the kustomization in ``directory`` cannot be read (None if it can, or is absent)."""
    return _read(directory)[1]


def _read(directory: Path) -> tuple[Mapping[str, Any], str | None]:
    path = kustomization_file(directory)
    if path is None:
        return {}, None
    try:
        stat = path.stat()
    except OSError as exc:
        return {}, f"cannot read: {exc.strerror}"
    return _parse(path.resolve(), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4096)
def _parse(path: Path, mtime_ns: int, size: int) -> tuple[Mapping[str, Any], str | None]:
    # Keyed by modification time and size: a fleet's overlays share their base and
    # components, which are read once per run instead of once per overlay.
    try:
        doc = yamlread.load(bounded.read_text(path), path.name)
    except OSError as exc:
        return {}, f"cannot read: {exc.strerror}"
    except UnicodeDecodeError:
        return {}, "not UTF-8 text"
    except yamlread.YamlError as exc:
        return {}, str(exc)
    if doc is not None and not isinstance(doc, Mapping):
        return {}, f"a kustomization must be a mapping, not a {type(doc).__name__}"
    return doc or {}, None


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


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def walk(
    directory: Path, *, is_remote: Callable[[str], bool]
) -> Iterator[tuple[Path, Mapping[str, Any], list[Path]]]:
    """The kustomization at ``directory`` and every local one it includes, each once:
    (its file, its document, the local files it names that are no kustomization
    directory). ``is_remote`` tells remote references, which are skipped."""
    seen: set[Path] = set()
    stack = [directory.resolve()]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        file = kustomization_file(current)
        if file is None:
            continue
        doc = load(current)
        named: list[Path] = []
        for entry, may_be_dir in path_entries(doc):
            if is_remote(entry):
                continue
            target = current / entry
            if may_be_dir and target.is_dir():
                stack.append(target.resolve())
            else:
                named.append(target.resolve())
        yield file, doc, named


def graph_files(directory: Path, *, is_remote: Callable[[str], bool]) -> frozenset[Path]:
    """Every local file the kustomization at ``directory`` reads: its own file, the
    kustomizations it includes and their files (resolved)."""
    files: set[Path] = set()
    for file, _, named in walk(directory, is_remote=is_remote):
        files.add(file.resolve())
        files.update(named)
    return frozenset(files)
