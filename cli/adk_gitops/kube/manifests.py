"""Rendered YAML -> immutable Kubernetes objects."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from adk_gitops import yamlread
from adk_gitops.errors import ManifestError

if TYPE_CHECKING:
    from adk_gitops.kustomize.origin import Origin


@dataclass(frozen=True, order=True)
class ResourceId:
    """How Argo CD and kubectl name an object: group/Kind namespace/name."""

    group: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        prefix = f"{self.group}/" if self.group else ""
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{prefix}{self.kind} {where}{self.name}"


@dataclass(frozen=True)
class Resource:
    """One object of a rendered stream. ``body`` must be treated as read-only."""

    body: Mapping[str, Any] = field(compare=False, hash=False)
    index: int = 0
    source: str = ""  # the file (or overlay) it was read from
    origin: Origin | None = field(default=None, compare=False, hash=False)  # kustomize's, when rendered

    @property
    def api_version(self) -> str:
        return str(self.body.get("apiVersion", ""))

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def metadata(self) -> Mapping[str, Any]:
        meta = self.body.get("metadata")
        return meta if isinstance(meta, Mapping) else {}

    @property
    def name(self) -> str:
        # str() of whatever YAML gave (`name: false` is a bool): the schema rule reports the type.
        name = self.metadata.get("name")
        if name is None:
            name = self.metadata.get("generateName")
        return "" if name is None else str(name)

    @property
    def namespace(self) -> str:
        namespace = self.metadata.get("namespace")
        return "" if namespace is None else str(namespace)

    @property
    def annotations(self) -> Mapping[str, str]:
        ann = self.metadata.get("annotations")
        return {str(k): str(v) for k, v in ann.items()} if isinstance(ann, Mapping) else {}

    @property
    def id(self) -> ResourceId:
        return ResourceId(self.group, self.kind, self.namespace, self.name)


def parse_documents(text: str, *, source: str = "<stream>", keep: bool = False) -> list[Mapping[str, Any]]:
    """The objects of a multi-document YAML stream; empty documents are skipped,
    and ``kind: List`` is flattened as kubectl does. ``keep``: see yamlread.load_all."""
    return list(flatten(yamlread.load_all(text, source, kubectl=True, keep=keep), source))


def resources_from(
    bodies: Sequence[Mapping[str, Any]], source: str, origins: Sequence[Origin | None] = ()
) -> tuple[Resource, ...]:
    return tuple(
        Resource(body, i, source, origins[i] if i < len(origins) else None) for i, body in enumerate(bodies)
    )


def load_stream(text: str, *, source: str = "<stream>", keep: bool = False) -> tuple[Resource, ...]:
    return resources_from(parse_documents(text, source=source, keep=keep), source)


def flatten(docs: list[Any], source: str) -> Iterator[Mapping[str, Any]]:
    """The objects of loaded documents: empty ones skipped, ``*List`` items flattened."""
    for number, doc in enumerate(docs, start=1):
        if doc is None:
            continue
        problem = _not_an_object(doc)
        if problem:
            raise ManifestError(f"{source}: document {number} is not a Kubernetes object: {problem}")
        # kubectl flattens any *List with items (List, SecretList, ConfigMapList...).
        if str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list):
            yield from flatten(doc["items"], source)
        else:
            yield doc


def _not_an_object(doc: Any) -> str:
    """Why kubectl would refuse this document as an object, or ""."""
    if not isinstance(doc, Mapping):
        return f"a {type(doc).__name__}, not a mapping"
    for key in ("apiVersion", "kind"):
        if not isinstance(doc.get(key), str) or not doc[key]:
            return f"{key} must be a non-empty string"
    if str(doc["kind"]).endswith("List") and isinstance(doc.get("items"), list):
        return ""
    metadata = doc.get("metadata")
    if not isinstance(metadata, Mapping):
        return "no metadata"
    name = metadata.get("name")
    if isinstance(name, bool):  # `name: no` is the boolean false to kubectl (YAML 1.1)
        value = str(name).lower()
        return f"metadata.name is the boolean {value} (YAML 1.1 reads yes/no/on/off/y/n so): quote it"
    if isinstance(name, int | float):
        return f"metadata.name is the number {name}, not a string: quote it"
    if not name and not metadata.get("generateName"):
        return "metadata has no name"
    return ""
