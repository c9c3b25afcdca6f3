"""Every YAML this tool reads goes through here: bounded and strict.

- **Alias bombs.** Aliases share one node, so a 1 KB file can describe billions of
  nodes; whatever walks the result (schema validation, a rule, ``json.dumps``)
  then runs out of memory. Each document's *expanded* size is counted on the
  composed node graph (each shared node once, memoised) before anything is
  constructed, and a document over ``NODE_BUDGET`` is refused. Recursive aliases
  are refused too.
- **Duplicate keys** are refused, as ``kubectl`` (strict decoding) and Argo CD
  refuse them; PyYAML would silently keep the last.
- **Timestamps stay strings**, as ``sigs.k8s.io/yaml`` (YAML -> JSON) reads them:
  ``released: 2024-01-01`` is the string ``"2024-01-01"``, never a ``date``.

Errors are one line: ``SOURCE: line N: what``.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from adk_gitops.errors import ManifestError

# Far above any real manifest (a large Deployment is ~500 nodes), far below what
# exhausts memory when walked.
NODE_BUDGET = 200_000
_MERGE_TAG = "tag:yaml.org,2002:merge"

# libyaml's loader is ~8x faster on large streams; fall back to pure Python.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlError(ManifestError):
    """A YAML text this tool refuses to read."""


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def expanded_size(root: Node, budget: int = NODE_BUDGET) -> int:
    """How many nodes ``root`` stands for once every alias is expanded; raises
    ValueError past ``budget`` or on a recursive alias. Iterative: deep nesting
    cannot exhaust Python's stack."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > budget:
                raise ValueError(f"aliases expand to more than {budget:,} nodes (an alias bomb?)")
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in on_path:
            raise ValueError("a recursive alias (a node that contains itself)")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


class Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with a node budget, duplicate-key refusal and string timestamps."""

    def construct_document(self, node: Node) -> Any:
        try:
            expanded_size(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None
        return super().construct_document(node)

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _error(exc: yaml.YAMLError, source: str) -> YamlError:
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}:" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return YamlError(f"{source}:{where} invalid YAML: {' '.join(str(problem).split())}")


def load_all(text: str, source: str) -> list[Any]:
    """Every document of a YAML stream; YamlError (one line) if refused."""
    try:
        return list(yaml.load_all(text, Loader=Loader))
    except yaml.YAMLError as exc:
        raise _error(exc, source) from None
    except RecursionError:
        raise YamlError(f"{source}: invalid YAML: nested too deeply") from None


def load(text: str, source: str) -> Any:
    """A single-document YAML text (None when empty); YamlError if refused."""
    docs = load_all(text, source)
    if len(docs) > 1:
        raise YamlError(f"{source}: expected one YAML document, found {len(docs)}")
    return docs[0] if docs else None
