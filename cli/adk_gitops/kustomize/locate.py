"""Where to fix a finding: the file, line and column a person must edit.

Kustomize says where each rendered object came from when the build asks for it
(``buildMetadata: [originAnnotations, transformerAnnotations]``): the
``config.kubernetes.io/origin`` annotation names the source file, and
``alpha.config.kubernetes.io/transformations`` the kustomization that configured
each patch or replacement applied to it. ``batch`` asks for both and strips them
into an ``Origin``. A finding's JSON pointer is then looked up:

1. in the source file, when the field is written there;
2. else in the patch files of the kustomizations that patched the object (the
   last applied first): strategic-merge patches walked like the source, JSON 6902
   operations by their ``path``;
3. else, for a value a replacement copied, in the replacement's source files;
4. else at the object in its source file.

List items are matched by ``name`` where both sides have one, as strategic merge
matches them, so an index in the rendered object finds its item in a patch.
Rendered-file and stdin inputs keep their own lines (no origin: the object's
document in that file).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from adk_gitops import bounded
from adk_gitops.kustomize import kustomization
from adk_gitops.kustomize.origin import Origin, join
from adk_gitops.syntax import pointer_segments


@dataclass(frozen=True)
class Location:
    file: Path
    line: int  # 1-based; 0 when unknown
    column: int  # 1-based; 0 when unknown


def _steps(text: str) -> list[str]:
    return pointer_segments(text)


def _key(node: MappingNode, key: str) -> Node | None:
    for k, v in node.value:
        if isinstance(k, ScalarNode) and k.value == key:
            found: Node = v
            return found
    return None


def _walk(node: Node, steps: Sequence[str], rendered: Any) -> tuple[Node, bool]:
    """The deepest node of ``node`` along ``steps``; True when every step was found.
    ``rendered`` is the rendered value at the same place, for matching list items."""
    for step in steps:
        if isinstance(node, MappingNode):
            child = _key(node, step)
            rendered = rendered.get(step) if isinstance(rendered, Mapping) else None
        elif isinstance(node, SequenceNode) and step.isdigit():
            index = int(step)
            item = rendered[index] if isinstance(rendered, list) and index < len(rendered) else None
            name = item.get("name") if isinstance(item, Mapping) else None
            child = None
            if name is not None:  # strategic merge matches list items by name
                child = next(
                    (
                        n
                        for n in node.value
                        if isinstance(n, MappingNode)
                        and isinstance(_key(n, "name"), ScalarNode)
                        and _key(n, "name").value == str(name)  # type: ignore[union-attr]
                    ),
                    None,
                )
            elif index < len(node.value):
                child = node.value[index]
            rendered = item
        else:
            child = None
        if child is None:
            return node, False
        node = child
    return node, True


@dataclass(frozen=True)
class _Parsed:
    """A file's documents as YAML nodes (with their marks), and the object documents
    by (kind, name): a finding is found in one lookup, not a scan of the file."""

    docs: tuple[Node, ...]
    by_kind_name: Mapping[tuple[str, str], tuple[MappingNode, ...]]
    by_kind: Mapping[str, tuple[MappingNode, ...]]


_EMPTY = _Parsed((), {}, {})


def _parsed(file: Path) -> _Parsed:
    """Parsed once per run however many findings point into the file: 10,000
    findings in one file cost one parse and 10,000 lookups (none when the loader
    already parsed it: remember())."""
    try:
        st = file.stat()
    except OSError:
        return _EMPTY
    known = _remembered.get((st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size))
    return known if known is not None else _composed(file, st.st_mtime_ns, st.st_size)


# Files the loader parsed, by identity and version (device, inode, mtime, size): the
# same text, whatever path names it. Bounded like _composed's cache.
_remembered: dict[tuple[int, int, int, int], _Parsed] = {}


def remember(file: Path, nodes: Sequence[Node]) -> None:
    """The nodes the loader built from ``file``'s current content, for locating."""
    try:
        st = file.stat()
    except OSError:
        return
    if len(_remembered) >= 256:
        _remembered.pop(next(iter(_remembered)))
    _remembered[st.st_dev, st.st_ino, st.st_mtime_ns, st.st_size] = _index(tuple(nodes))


def _documents(file: Path) -> tuple[Node, ...]:
    return _parsed(file).docs


# libyaml's parser when PyYAML has it (marks included): ~10x faster on big files.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=256)
def _composed(file: Path, mtime_ns: int, size: int) -> _Parsed:
    # Keyed by modification time and size, as kustomization._parse: an edit re-reads.
    try:
        text = bounded.read_text(file)
        docs = tuple(d for d in yaml.compose_all(text, Loader=_LOADER) if d is not None)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return _EMPTY
    return _index(docs)


def _index(docs: tuple[Node, ...]) -> _Parsed:
    docs = tuple(d for d in docs if d is not None)
    by_kind_name: dict[tuple[str, str], list[MappingNode]] = {}
    by_kind: dict[str, list[MappingNode]] = {}
    for doc in docs:
        if not isinstance(doc, MappingNode):
            continue
        doc_kind = _key(doc, "kind")
        if not isinstance(doc_kind, ScalarNode):
            continue
        meta = _key(doc, "metadata")
        doc_name = _key(meta, "name") if isinstance(meta, MappingNode) else None
        by_kind.setdefault(doc_kind.value, []).append(doc)
        if isinstance(doc_name, ScalarNode):
            by_kind_name.setdefault((doc_kind.value, doc_name.value), []).append(doc)
    return _Parsed(
        docs,
        {k: tuple(v) for k, v in by_kind_name.items()},
        {k: tuple(v) for k, v in by_kind.items()},
    )


def _matching_in(file: Path, kind: str, name: str) -> tuple[MappingNode, ...]:
    """The file's documents of this kind and name (any name when ``name`` is "")."""
    parsed = _parsed(file)
    if not name:
        return parsed.by_kind.get(kind, ())
    return parsed.by_kind_name.get((kind, name), ())


def _at(file: Path, node: Node) -> Location:
    return Location(file, node.start_mark.line + 1, node.start_mark.column + 1)


def in_file(
    file: Path, doc_index: int | None, kind: str, name: str, pointer: str, body: Any
) -> Location | None:
    """The pointer in ``file``'s document for this object (by index, else kind and name)."""
    docs = _documents(file)
    if doc_index is not None and doc_index < len(docs):
        candidates: Sequence[Node] = [docs[doc_index]]
    else:
        candidates = _matching_in(file, kind, name) or _matching_in(file, kind, "")
    for doc in candidates:
        node, _ = _walk(doc, _steps(pointer), body)
        return _at(file, node)
    return None


def _patch_files(kustomization_file: Path) -> Iterator[Path]:
    doc = kustomization.load(kustomization_file.parent)
    for item in doc.get("patches") or []:
        if isinstance(item, dict) and isinstance(item.get("path"), str):
            yield join(kustomization_file.parent, item["path"])
    for item in doc.get("patchesStrategicMerge") or []:
        if isinstance(item, str) and "\n" not in item:
            yield join(kustomization_file.parent, item)


def _in_patch(file: Path, kind: str, pointer: str, body: Any) -> Location | None:
    docs = _documents(file)
    steps = _steps(pointer)
    for doc in docs:
        if isinstance(doc, SequenceNode):  # JSON 6902: [{op, path, value}]
            for op in doc.value:
                path = _key(op, "path") if isinstance(op, MappingNode) else None
                if isinstance(path, ScalarNode) and _steps(path.value) == steps[: len(_steps(path.value))]:
                    return _at(file, op)
        elif isinstance(doc, MappingNode):
            doc_kind = _key(doc, "kind")
            if isinstance(doc_kind, ScalarNode) and doc_kind.value not in (kind, ""):
                # A target-selected patch may name another kind (Deployment applied to a Job):
                # the walk below decides.
                pass
            node, complete = _walk(doc, steps, body)
            if complete:
                return _at(file, node)
    return None


def _leaf(body: Any, pointer: str) -> Any:
    value = body
    for step in _steps(pointer):
        if isinstance(value, Mapping):
            value = value.get(step)
        elif isinstance(value, list) and step.isdigit() and int(step) < len(value):
            value = value[int(step)]
        else:
            return None
    return value


def _replacement_source(kustomization_file: Path, value: str) -> Location | None:
    """A replaced value, found literally in the local resource files of the kustomization."""
    doc = kustomization.load(kustomization_file.parent)
    for entry in doc.get("resources") or []:
        if not isinstance(entry, str) or not entry.endswith((".yaml", ".yml")):
            continue
        file = join(kustomization_file.parent, entry)
        for source in _documents(file):
            found = _scalar(source, value)
            if found is not None:
                return _at(file, found)
    return None


def _scalar(node: Node, value: str) -> Node | None:
    if isinstance(node, ScalarNode):
        return node if node.value == value else None
    children = [v for _, v in node.value] if isinstance(node, MappingNode) else list(node.value)
    for child in children:
        found = _scalar(child, value)
        if found is not None:
            return found
    return None


def _renamed(file: Path, kind: str, name: str) -> tuple[MappingNode, ...]:
    """The document a namePrefix/nameSuffix (or a Helm-style release prefix) renamed:
    of the same kind, whose own name the rendered one contains; the longest such name
    wins (``web`` and ``web-api`` in one file: ``dev-web-api-v1`` is ``web-api``)."""
    found = [
        (len(doc_name), doc)
        for (doc_kind, doc_name), docs in _parsed(file).by_kind_name.items()
        if doc_kind == kind and doc_name and doc_name in name
        for doc in docs
    ]
    if not found:
        return ()
    longest = max(length for length, _ in found)
    return tuple(doc for length, doc in found if length == longest)


def locate(origin: Origin, kind: str, name: str, pointer: str, body: Any) -> Location | None:
    """The file and line to edit for the field ``pointer`` of a rendered object."""
    steps = _steps(pointer)
    if origin.file is not None:
        for doc in _matching_in(origin.file, kind, name) or _renamed(origin.file, kind, name):
            node, complete = _walk(doc, steps, body)
            if complete:
                return _at(origin.file, node)
            fallback: Location | None = _at(origin.file, node)
            break
        else:
            fallback = None
    elif origin.generated_by is not None:
        # A generated object: its generator's entry, found by the object's name (kustomize
        # appends a content hash to generated names).
        fallback = Location(origin.generated_by, 0, 0)
        for generator_doc in _documents(origin.generated_by):
            for candidate in (name, name.rsplit("-", 1)[0]):
                entry = _scalar(generator_doc, candidate)
                if entry is not None:
                    fallback = _at(origin.generated_by, entry)
                    break
            if fallback.line:
                break
    else:
        fallback = None
    for configured in reversed(origin.patched_in):
        for patch in _patch_files(configured):
            found = _in_patch(patch, kind, pointer, body)
            if found is not None:
                return found
    value = _leaf(body, pointer)
    if isinstance(value, str) and value:
        for configured in reversed(origin.replaced_in):
            found = _replacement_source(configured, value)
            if found is not None:
                return found
    return fallback
