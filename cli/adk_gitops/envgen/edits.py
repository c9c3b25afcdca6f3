"""Round-trip edits of users' YAML (ruamel.yaml): comments, key order and
quoting survive; only the touched values change. Never a PyYAML dump of a
user's file."""

from __future__ import annotations

import io
from typing import Any

from adk_gitops import yamlread
from adk_gitops.adk.migration import COMPONENTS, SCHEMA_GATE, Strategy, component_name
from adk_gitops.envgen.reader import image_entry
from adk_gitops.envgen.spec import IMAGE_PLACEHOLDER
from adk_gitops.errors import AdkGitopsError
from adk_gitops.syntax import ImageRef


def _yaml() -> Any:
    from ruamel.yaml import YAML

    rt = YAML(typ="rt")
    rt.preserve_quotes = True
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    return rt


def _load(text: str, source: str) -> tuple[Any, Any]:
    yamlread.load(text, source)  # bounded and strict first: ruamel expands aliases unchecked
    rt = _yaml()
    try:
        return rt, rt.load(text)
    except Exception as exc:  # ruamel raises many error types, all mean "not YAML we can edit"
        raise AdkGitopsError(f"{source}: cannot parse for editing: {exc}") from None


def _load_mapping(text: str, source: str, what: str) -> tuple[Any, Any]:
    """``_load``, refusing a document that is not a mapping (``what`` it should be)."""
    rt, doc = _load(text, source)
    if not isinstance(doc, dict):
        raise AdkGitopsError(f"{source}: not {what}")
    return rt, doc


def _dump(rt: Any, doc: Any) -> str:
    out = io.StringIO()
    rt.dump(doc, out)
    return out.getvalue()


def set_image(text: str, image: ImageRef, source: str) -> str:
    """The kustomization with its placeholder's images: entry pointing at ``image``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    rt, doc = _load_mapping(text, source, "a kustomization")
    images = doc.get("images")
    if images is None:
        images = doc["images"] = CommentedSeq()
    try:
        entry = image_entry(doc)
    except AdkGitopsError as exc:
        raise AdkGitopsError(f"{source}: {exc}") from None
    if entry is None:
        entry = CommentedMap([("name", IMAGE_PLACEHOLDER)])
        images.append(entry)
    entry["newName"] = image.repository
    for key, value in (("newTag", image.tag), ("digest", image.digest)):
        if not value:
            entry.pop(key, None)
        else:
            # Tags are always quoted: unquoted 1.10 is a float, 706798e8 a number.
            entry[key] = DoubleQuotedScalarString(value) if key == "newTag" else value
    return _dump(rt, doc)


def set_migration(text: str, strategy: Strategy, source: str) -> str:
    """The kustomization with ``components:`` selecting ``strategy`` (comments kept).
    New entries sit beside the overlay's other components (``../../components/``)."""
    from ruamel.yaml.comments import CommentedSeq

    rt, doc = _load_mapping(text, source, "a kustomization")
    components = doc.get("components")
    if components is None:
        components = doc["components"] = CommentedSeq()
    if not isinstance(components, list):
        raise AdkGitopsError(f"{source}: components: is not a list")
    strategy_components = set(COMPONENTS.values())
    prefix = next((str(c).rsplit("/", 1)[0] + "/" for c in components if "/" in str(c)), "../../components/")
    for i in reversed(range(len(components))):
        if component_name(components[i]) in strategy_components:
            del components[i]
    if strategy in COMPONENTS:
        names = [component_name(c) for c in components]
        # Before the schema gate, which must stay last (it copies the app's env as the others left it).
        at = names.index(SCHEMA_GATE) if SCHEMA_GATE in names else len(components)
        components.insert(at, prefix + COMPONENTS[strategy])
    if not components:
        del doc["components"]
    return _dump(rt, doc)


def set_data(text: str, values: dict[str, str], source: str, *, quoted: bool = False) -> str:
    """The values ConfigMap with ``data:`` holding ``values`` (other keys and comments
    kept); ``quoted``: written double-quoted, as new-env writes a version."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    rt, doc = _load_mapping(text, source, "a ConfigMap")
    data = doc.get("data")
    if data is None:
        data = doc["data"] = CommentedMap()
    if not isinstance(data, dict):
        raise AdkGitopsError(f"{source}: data: must be a mapping, not a {type(data).__name__}")
    for key, value in values.items():
        data[key] = DoubleQuotedScalarString(value) if quoted else value
    return _dump(rt, doc)


def add_component(text: str, component: str, after: str, source: str) -> str:
    """The kustomization with ``component`` listed right after ``after`` (both
    named by their folder), unless it is listed already; comments kept."""
    rt, doc = _load_mapping(text, source, "a kustomization")
    components = doc.get("components")
    if not isinstance(components, list):
        raise AdkGitopsError(f"{source}: components: lists no {after}")
    names = [component_name(c) for c in components]
    if component in names:
        return text
    if after not in names:
        raise AdkGitopsError(f"{source}: components: lists no {after}")
    at = names.index(after)
    prefix = str(components[at]).rstrip("/").rsplit("/", 1)[0] + "/" if "/" in str(components[at]) else ""
    components.insert(at + 1, prefix + component)
    return _dump(rt, doc)


def allow_environment(text: str, project: str, server: str, namespace: str, source: str) -> str | None:
    """The AppProject allowing a new environment's first sync: ``server``/``namespace``
    among its destinations, and that one Namespace in its ``clusterResourceWhitelist``
    (``CreateNamespace=true`` creates it, and Argo CD checks that task against the
    project like any other: controller/sync.go validateSyncPermissions). None when
    the file is not this project's or already allows both (judged by appproject.py,
    the model ``check`` uses)."""
    from ruamel.yaml.comments import CommentedMap

    from adk_gitops.argocd.appproject import AppProject, destination_cluster
    from adk_gitops.kube.manifests import Resource

    rt, doc = _load(text, source)
    if not isinstance(doc, dict) or doc.get("kind") != "AppProject":
        return None
    if (doc.get("metadata") or {}).get("name") != project:
        return None
    spec = doc.setdefault("spec", CommentedMap())
    if not isinstance(spec, dict):
        raise AdkGitopsError(f"{source}: spec: must be a mapping, not a {type(spec).__name__}")
    model = AppProject.from_resource(Resource(doc))
    changed = False
    if not model.permits_destination(destination_cluster(server, ""), namespace):
        _append(spec, "destinations", CommentedMap([("server", server), ("namespace", namespace)]), source)
        changed = True
    if not model.permits_kind("", "Namespace", namespace, namespaced=False):
        entry = CommentedMap([("group", ""), ("kind", "Namespace"), ("name", namespace)])
        _append(spec, "clusterResourceWhitelist", entry, source)
        changed = True
    return _dump(rt, doc) if changed else None


def _append(spec: Any, key: str, entry: Any, source: str) -> None:
    """Append ``entry`` to the list ``spec[key]`` in block style, keeping the comments
    around it (an empty or missing list becomes a block list)."""
    from ruamel.yaml.comments import CommentedSeq

    items = spec.get(key)
    if items is None or (isinstance(items, list) and not items):
        fresh = CommentedSeq()
        if isinstance(items, CommentedSeq):
            fresh.ca.comment = items.ca.comment
        spec[key] = items = fresh
    if not isinstance(items, list):
        raise AdkGitopsError(f"{source}: spec.{key}: must be a list, not a {type(items).__name__}")
    trailing = _take_trailing_comment(items)
    items.append(entry)
    if trailing is not None:
        # ruamel keeps a comment that follows a list on the list's last item; keep it after the list.
        last = list(entry.keys())[-1]
        entry.ca.items[last] = [None, None, trailing, None]


def _take_trailing_comment(node: Any) -> Any:
    """Detach and return the comment token that follows ``node``'s last element, if any."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedSeq) and len(node):
        held = node.ca.items.get(len(node) - 1)
        if held and held[0] is not None:
            token, held[0] = held[0], None
            return token
        return _take_trailing_comment(node[-1])
    if isinstance(node, CommentedMap) and len(node):
        last = list(node.keys())[-1]
        held = node.ca.items.get(last)
        if held and len(held) > 2 and held[2] is not None:
            token, held[2] = held[2], None
            return token
        return _take_trailing_comment(node[last])
    return None
