"""Every YAML this tool reads goes through here: bounded and strict.

- **Alias bombs.** Aliases share one node, so a 1 KB file can describe billions of
  nodes; whatever walks the result (schema validation, a rule, ``json.dumps``)
  then runs out of memory. Each document's *expanded* size is counted on the
  composed node graph, up to the budget, before anything is constructed, and a
  document over ``yamlparse.NODE_BUDGET`` is refused. Recursive aliases are refused too.
- **Duplicate keys** are refused, as ``kubectl`` (strict decoding) and Argo CD
  refuse them; PyYAML would silently keep the last.
- **Timestamps stay strings**, as ``sigs.k8s.io/yaml`` (YAML -> JSON) reads them:
  ``released: 2024-01-01`` is the string ``"2024-01-01"``, never a ``date``.
- **Manifests are read as kubectl and Argo CD read them** (``kubectl=True``):
  ``sigs.k8s.io/yaml`` resolves plain scalars with its go-yaml v2 fork (YAML
  1.1), where ``y``/``n`` are booleans, ``1e3`` is a number and ``1:20`` (a
  sexagesimal int to PyYAML) is a string. ``ENABLED: y`` in a ConfigMap is the
  boolean the API server rejects, not the string PyYAML would make of it.

Errors are one line: ``SOURCE: line N: what``. The parser itself (yamlparse.py, and
PyYAML) is imported only when a text is parsed: a run whose small files are all kept
parses none of them, and starts kustomize sooner.

- **Kept between runs** (``keep=True``): the small files read on every run of a fleet
  (each overlay's kustomization, each Application, ``adk-gitops.yaml``) are unchanged
  from one run to the next; their parse is kept in the user's cache (usercache.py),
  named by a digest of this module's code, PyYAML's and the text itself, so a kept
  parse is exactly the one this text gives. Only a text that parsed is kept: a refused
  one is parsed, and refused with its own words, every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import marshal
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from adk_gitops import usercache
from adk_gitops.errors import YamlError as YamlError  # where callers have always found it

if TYPE_CHECKING:
    from yaml.nodes import Node


def load_all(text: str, source: str, *, kubectl: bool = False, keep: bool = False) -> list[Any]:
    """Every document of a YAML stream; YamlError (one line) if refused.
    ``kubectl``: plain scalars as kubectl and Argo CD read manifests. ``keep``: a
    small file read on every run, whose parse is kept between runs."""
    entry = _kept(text, kubectl) if keep and len(text) <= KEPT_TEXT_BYTES else None
    if entry is not None:
        data = usercache.read(entry)
        if data is not None:
            try:
                kept: list[Any] = marshal.loads(data)
                return kept
            except (EOFError, ValueError, TypeError):
                pass  # a damaged entry: parse again, and replace it
    docs = [doc for _, doc in _documents(text, source, kubectl)]
    if entry is not None:
        # Nothing a parse gives is unmarshallable; if it were, it is simply not kept.
        with contextlib.suppress(ValueError):
            usercache.store(entry, marshal.dumps(docs))
    return docs


# The files worth keeping are kustomizations and Applications, a few KiB each.
KEPT_TEXT_BYTES = 256 * 1024


@cache
def _kept_folder() -> Path:
    """Named by everything that decides a parse besides the text: the parser's code
    (this module and yamlparse.py) and PyYAML's (its package's first file, which holds
    its version, and the names of its files: whether libyaml's extension is there),
    all read without importing PyYAML."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("yamlread.py", "yamlparse.py"):
        digest.update((here / name).read_bytes())
    spec = importlib.util.find_spec("yaml")
    if spec is not None and spec.origin is not None:
        package = Path(spec.origin)
        digest.update(package.read_bytes())
        digest.update("\0".join(sorted(p.name for p in package.parent.iterdir())).encode())
    return usercache.home() / "yaml" / digest.hexdigest()[:16]


def _kept(text: str, kubectl: bool) -> Path:
    digest = hashlib.sha256(b"kubectl\0" if kubectl else b"yaml\0")
    digest.update(text.encode("utf-8", "surrogatepass"))
    return _kept_folder() / digest.hexdigest()


def load_all_nodes(text: str, source: str, *, kubectl: bool = False) -> tuple[list[Any], list[Node]]:
    """load_all's documents and the YAML nodes they were built from (with their
    marks): a caller that later locates fields in the same text need not parse it again."""
    pairs = list(_documents(text, source, kubectl))
    return [doc for _, doc in pairs], [node for node, _ in pairs]


def _documents(text: str, source: str, kubectl: bool) -> Iterator[tuple[Node, Any]]:
    from adk_gitops import yamlparse

    return yamlparse.documents(text, source, kubectl)


def load(text: str, source: str, *, keep: bool = False) -> Any:
    """A single-document YAML text (None when empty); YamlError if refused."""
    docs = load_all(text, source, keep=keep)
    if len(docs) > 1:
        raise YamlError(f"{source}: expected one YAML document, found {len(docs)}")
    return docs[0] if docs else None
