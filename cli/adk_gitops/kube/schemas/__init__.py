"""Offline, strict schema validation: Kubernetes objects against the schemas
kubernetes-validate ships (1.25 to 1.37; we accept 1.28 onward) with the enum
values each minor's API server publishes in OpenAPI v3 added
(``kubernetes-enums.json``, built by scripts/gen-kubernetes-enums.py; the
v2-derived schemas carry none), Argo CD objects against ``argocd.json``, built
from Argo CD's own CRDs by scripts/gen-argocd-schemas.py.

kubernetes-validate's own ``validate()`` re-reads the schema files on every
call and stops at the first error; here each (version, apiVersion, kind) gets
one compiled validator, reused, and every error is reported with its pointer.
The validator is jsonschema-rs (compiled, ~40x faster on pod specs) where its
wheel installs, python-jsonschema otherwise; both report the same pointers.
References never leave the machine: the definitions come from a local registry
and any other retrieval is refused.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from adk_gitops import usercache
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.schemas.messages import YAML_11_HINT, bool_for_string, out_of_range, unsupported
from adk_gitops.syntax import pointer

MIN_VERSION = (1, 28)
DEFAULT_VERSION = "1.34"
ARGOCD_KINDS = frozenset({"Application", "AppProject", "ApplicationSet"})
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?")


class SchemaVersionError(AdkGitopsError):
    """A --kubernetes-version this build cannot check."""


@dataclass(frozen=True)
class SchemaError:
    version: str
    pointer: str
    message: str


def _schema_root() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")  # locate the data without importing the package
    if spec is None or not spec.submodule_search_locations:
        raise AdkGitopsError("kubernetes-validate is not installed: pip install kubernetes-validate")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema"


@cache
def available_versions() -> tuple[str, ...]:
    found = []
    for entry in _schema_root().glob("v*-local-strict"):
        match = _VERSION.match(entry.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return tuple(f"{a}.{b}" for a, b in sorted(found) if (a, b) >= MIN_VERSION)


def normalize_version(text: str) -> str:
    """'v1.30.2' -> '1.30'; raise SchemaVersionError for versions we cannot check."""
    match = _VERSION.fullmatch(text.strip())
    supported = available_versions()
    if not match or f"{int(match.group(1))}.{int(match.group(2))}" not in supported:
        raise SchemaVersionError(
            f"Kubernetes version {text!r} is not supported: use one of {supported[0]} to {supported[-1]}"
        )
    return f"{int(match.group(1))}.{int(match.group(2))}"


def _file_stem(kind: str, api_version: str) -> str:
    # kubernetes-validate's naming: rbac.authorization.k8s.io/v1 -> rbac-v1, batch/v1 -> batch-v1.
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return f"{kind.lower()}-{group_version}"


@cache
def _definitions(version: str) -> dict[str, Any]:
    path = _schema_root() / f"v{version}.0-local-strict" / "_definitions.json"
    doc: dict[str, Any] = json.loads(path.read_text())
    _add_enums(doc["$defs"], _enums().get(version, {}))
    _add_format_bounds(doc["$defs"])
    return doc


# What a JSON number or string must be for Go's decoder to put it in the field:
# an int32 or int64 in range, a []byte in standard base64 (encoding/json decodes
# []byte with base64.StdEncoding, which skips \r and \n).
_FORMAT_BOUNDS: dict[str, dict[str, Any]] = {
    "int32": {"minimum": -(2**31), "maximum": 2**31 - 1},
    "int64": {"minimum": -(2**63), "maximum": 2**63 - 1},
    "byte": {
        "pattern": r"^[\r\n]*(?:(?:[A-Za-z0-9+/][\r\n]*){4})*"
        r"(?:(?:[A-Za-z0-9+/][\r\n]*){2}=[\r\n]*=[\r\n]*|(?:[A-Za-z0-9+/][\r\n]*){3}=[\r\n]*)?$"
    },
}


def _add_format_bounds(node: Any) -> None:
    """The ranges and encodings the v2 ``format`` names, as JSON Schema, in place."""
    if isinstance(node, dict):
        form = node.get("format")
        bounds = _FORMAT_BOUNDS.get(form) if isinstance(form, str) else None
        if bounds is not None:
            node.update(bounds)
        for value in node.values():
            _add_format_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _add_format_bounds(value)


@cache
def _enums() -> dict[str, Any]:
    """The server's enum values per minor (kubernetes-enums.json, built from each
    release's generated OpenAPI by scripts/gen-kubernetes-enums.py)."""
    text = importlib.resources.files("adk_gitops.kube.schemas").joinpath("kubernetes-enums.json").read_text()
    enums: dict[str, Any] = json.loads(text)["enums"]
    return enums


def _add_enums(defs: dict[str, Any], enums: dict[str, dict[str, Any]]) -> None:
    """The v2-derived definitions carry no ``enum``: add the server's, in place.
    ``null`` stays allowed (an unset field), as the strict schemas allow it."""
    for name, properties in enums.items():
        definition = defs.get(name)
        if not isinstance(definition, dict):
            continue
        for field, enum in properties.items():
            node = definition.get("properties", {}).get(field)
            if isinstance(node, dict) and enum["items"]:
                node = node.get("items")
            if isinstance(node, dict) and "$ref" not in node:
                node["enum"] = [*enum["values"], None]


@cache
def _registry(version: str) -> Any:
    from referencing import Registry
    from referencing import Resource as RefResource

    return RefResource.from_contents(_definitions(version)) @ Registry()


_DEFS_REF = "#/$defs/"  # "/api/_definitions.json#/$defs/X" in kind files, "#/$defs/X" inside definitions
_ABSOLUTE_REF = "/api/_definitions.json#/$defs/"
# Keywords whose value maps names to schemas: a key there is a name (a field called
# `description`, as in every CustomResourceDefinition's schema), never annotation text.
_NAMED_SCHEMAS = frozenset({"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"})


def _inline(node: Any, defs: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """The schema with every non-recursive ``$ref`` replaced by its target and
    ``description`` text dropped: jsonschema then walks plain dicts instead of
    resolving references on every validation. Recursive references stay
    ``$ref`` and resolve through the registry."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and _DEFS_REF in ref:
            name = ref.split(_DEFS_REF, 1)[1]
            if name not in stack and name in defs:
                target = _inline(defs[name], defs, (*stack, name))
                rest = _schema_keys({k: v for k, v in node.items() if k != "$ref"}, defs, stack)
                return {**target, **rest}
            # Recursive: keep the reference, qualified so it resolves from the kind schema's $id.
            node = {**node, "$ref": _ABSOLUTE_REF + name}
        return _schema_keys(node, defs, stack)
    if isinstance(node, list):
        return [_inline(v, defs, stack) for v in node]
    return node


def _schema_keys(node: dict[str, Any], defs: dict[str, Any], stack: tuple[str, ...]) -> dict[str, Any]:
    """A schema object's keywords, inlined: ``description`` text dropped; the
    name-to-schema maps keep every name, ``description`` included."""
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key == "description":
            continue
        if key in _NAMED_SCHEMAS and isinstance(value, dict):
            out[key] = {name: _inline(schema, defs, stack) for name, schema in value.items()}
        else:
            out[key] = _inline(value, defs, stack)
    return out


@cache
def _argocd_schemas() -> dict[str, Any]:
    text = (
        importlib.resources.files("adk_gitops.kube.schemas")
        .joinpath("argocd.json")
        .read_text(encoding="utf-8")
    )
    doc: dict[str, Any] = json.loads(text)
    return doc


def default_engine() -> str:
    return "rs" if importlib.util.find_spec("jsonschema_rs") is not None else "python"


def _no_retrieval(uri: str) -> Any:
    raise ValueError(f"refusing to fetch {uri}: schemas are offline")


DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"


@cache
def _rs_registry(version: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Registry([(DEFINITIONS_URI, _definitions(version))], retriever=_no_retrieval)


def _schema_for(version: str, api_version: str, kind: str) -> dict[str, Any] | None:
    if kind in ARGOCD_KINDS and api_version == "argoproj.io/v1alpha1":
        return {"$ref": f"#/$defs/{kind}", "$defs": _argocd_schemas()["$defs"]}
    path = _schema_root() / f"v{version}.0-local-strict" / f"{_file_stem(kind, api_version)}.json"
    if not path.is_file():
        return None
    cached = _cache_dir() / f"v{version}" / path.name
    try:
        found: dict[str, Any] = json.loads(cached.read_bytes())
        return found
    except (OSError, ValueError):
        pass  # not cached yet, or unreadable: build it
    own = json.loads(path.read_text())
    _add_format_bounds(own)  # a kind file spells its own top-level properties out
    inlined: dict[str, Any] = _inline(own, _definitions(version)["$defs"])
    _store(cached, inlined)
    return inlined


@cache
def _cache_dir() -> Path:
    """Where inlined schemas are kept between runs: building one needs the 1.5 MB of
    definitions (~30 ms to read) and an inlining pass; reading it back is one small
    JSON file (measured in bench/README.md). Named by a digest of everything that
    decides the result (this module's code, the enums, the schema package's data),
    so a change in any of them starts a new cache instead of reusing a stale one."""
    digest = hashlib.sha256()
    digest.update(Path(__file__).read_bytes())
    digest.update(
        importlib.resources.files("adk_gitops.kube.schemas").joinpath("kubernetes-enums.json").read_bytes()
    )
    root = _schema_root()  # kubernetes-validate's data: where it is, and its release
    digest.update(str(root).encode())
    version = root.parent / "version.py"
    digest.update(version.read_bytes() if version.is_file() else b"")
    return usercache.home() / "schemas" / digest.hexdigest()[:16]


def _store(path: Path, schema: dict[str, Any]) -> None:
    """Write ``schema`` to the cache, whole or not at all (usercache.store)."""
    usercache.store(path, json.dumps(schema, separators=(",", ":")).encode())


@cache
def _validator(version: str, api_version: str, kind: str, engine: str) -> Any:
    """One compiled validator per (version, apiVersion, kind), or None if no schema exists."""
    schema = _schema_for(version, api_version, kind)
    if schema is None:
        return None
    kubernetes = "$defs" not in schema
    if engine == "rs":
        import jsonschema_rs

        # Building the offline registry converts 1.5 MB of definitions (~30 ms): only
        # schemas that kept a (recursive) reference need it.
        registry = _rs_registry(version) if kubernetes and _has_ref(schema) else None
        return jsonschema_rs.Draft202012Validator(schema, registry=registry, retriever=_no_retrieval)
    from jsonschema import Draft202012Validator

    return (
        Draft202012Validator(schema, registry=_registry(version))
        if kubernetes
        else Draft202012Validator(schema)
    )


def _has_ref(node: Any) -> bool:
    if isinstance(node, dict):
        return "$ref" in node or any(_has_ref(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_ref(v) for v in node)
    return False


class NoSchema(Exception):
    """No schema for this apiVersion/kind (a custom resource)."""


def _pointer(path: Any) -> str:
    return pointer(*path)


class SchemaSet:
    def __init__(self, versions: tuple[str, ...], engine: str | None = None) -> None:
        self.versions = versions
        self.engine = engine or default_engine()

    def warm(self, kinds: Sequence[tuple[str, str]]) -> None:
        """Compile the validators of these (apiVersion, kind) pairs now (cached)."""
        for version in self.versions:
            for api_version, kind in kinds:
                _validator(version, api_version, kind, self.engine)

    def has_schema(self, resource: Resource) -> bool:
        return any(
            _validator(v, resource.api_version, resource.kind, self.engine) is not None for v in self.versions
        )

    def validate(self, resource: Resource) -> Iterator[SchemaError]:
        """Every schema error of this object, for each version; NoSchema if none applies."""
        any_schema = False
        convert = _rs_error if self.engine == "rs" else _schema_error
        for version in self.versions:
            validator = _validator(version, resource.api_version, resource.kind, self.engine)
            if validator is None:
                continue
            any_schema = True
            for error in validator.iter_errors(dict(resource.body)):
                yield convert(version, error)
        if not any_schema:
            raise NoSchema(f"{resource.api_version}/{resource.kind}")


def _rs_error(version: str, error: Any) -> SchemaError:
    pointer = _pointer(error.instance_path)
    message = str(error.message)
    kind = getattr(error.kind, "name", "")
    if kind == "enum":
        message = unsupported(error.instance, error.kind.options)
    elif kind in ("maximum", "minimum"):
        message = out_of_range(error.instance, error.kind.limit, kind == "maximum")
    elif kind == "pattern" and error.kind.pattern == _FORMAT_BOUNDS["byte"]["pattern"]:
        message = "Invalid value: illegal base64 data"
    elif kind == "type" and bool_for_string(error.instance, error.kind.as_dict().get("types")):
        message += YAML_11_HINT
    if error.kind.name == "additionalProperties" or type(error.kind).__name__ == "AdditionalProperties":
        extra = sorted(error.kind.unexpected)
        if len(extra) == 1:
            pointer = f"{pointer}/{_pointer([extra[0]])[1:]}"
            message = f"unknown field {extra[0]!r}"
    return SchemaError(version, pointer, message)


def _schema_error(version: str, error: Any) -> SchemaError:
    pointer = _pointer(error.absolute_path)
    message = str(error.message)
    if error.validator == "enum":
        message = unsupported(error.instance, error.validator_value)
    elif error.validator in ("maximum", "minimum"):
        message = out_of_range(error.instance, error.validator_value, error.validator == "maximum")
    elif error.validator == "pattern" and error.validator_value == _FORMAT_BOUNDS["byte"]["pattern"]:
        message = "Invalid value: illegal base64 data"
    elif error.validator == "type" and bool_for_string(error.instance, error.validator_value):
        message += YAML_11_HINT
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = set((error.schema or {}).get("properties", {}))
        extra = sorted(k for k in error.instance if k not in known)
        if len(extra) == 1:
            pointer = f"{pointer}/{extra[0]}"
            message = f"unknown field {extra[0]!r}"
    return SchemaError(version, pointer, message)
