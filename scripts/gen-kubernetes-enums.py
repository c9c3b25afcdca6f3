#!/usr/bin/env python3
"""Build ``cli/adk_gitops/kube/schemas/kubernetes-enums.json``: the enum values the
Kubernetes API server publishes in its OpenAPI v3 (``/openapi/v3``), for every
supported minor.

The bundled strict schemas (kubernetes-validate's) come from the OpenAPI v2
documents, which carry no ``enum``: ``imagePullPolicy: always`` or a Service
``type: Cluster`` passed them. The server's v3 documents list the values of every
``+enum`` type. The checked-in ``api/openapi-spec/v3`` files of a release are
written without them, so this reads the source the server's documents are built
from: ``pkg/generated/openapi/zz_generated.openapi.go`` of the
``k8s.io/kubernetes`` module at each pinned release (Go module proxy zip,
sha256-pinned, cached in $XDG_CACHE_HOME/adk-gitops). A cluster test checks that
the data for 1.34 equals what the real v1.34.4 API server serves at /openapi/v3.

  python scripts/gen-kubernetes-enums.py          # rewrite the shipped file
  python scripts/gen-kubernetes-enums.py --check  # exit 1 if it differs
"""

from __future__ import annotations

import io
import json
import re
import sys
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _generate  # a sibling module of these scripts

MODULE = "k8s.io/kubernetes"
# minor -> (release, sha256 of the module zip as the Go module proxy serves it)
RELEASES: dict[str, tuple[str, str]] = {
    "1.28": ("v1.28.15", "747b304a3adce86668f6f7c7db5cbd69c1e35b222b9f6ce37d9537d211517282"),
    "1.29": ("v1.29.15", "3b627faeee946a80e98e2a489866fa8534ccf33860f3d0c3c8fe1c035346a46e"),
    "1.30": ("v1.30.14", "37f61393f5f6303eca578cb027b3d4b83bb4ac3916426ba6961a78cddf083815"),
    "1.31": ("v1.31.14", "823014fb3b8643f3ec52be922cabf0446e92423b2d8f40ffa0c1f5ff3fbe82e8"),
    "1.32": ("v1.32.13", "545b73e6a5df5b9db8c724e4d9b60d2c0c70f55e48de455a067c16f4f2dad86e"),
    "1.33": ("v1.33.13", "cd4e4f983deae0fe76915c8d0ae4caf0c2d74c7f377b2e0cd27cc5ce3794b56d"),
    "1.34": ("v1.34.4", "6641440638f79b2115813c8f2ba26d35b2ab7fb4d8a5111fbee279d93abf1fcb"),
    "1.35": ("v1.35.4", "9fc1e1dc3b24a61495c578c5c631c45d74707dd415d748e13fc27441f44327a6"),
    "1.36": ("v1.36.3", "42944231bce5403ec572575f23d4306e88df359108774a6de35f41d2f9a13384"),
    "1.37": ("v1.37.2", "dcfaeb46861398df1c931948c9775b31cbe6eba35cc97ed1bb87106ab7327b9e"),
}
SOURCE = "pkg/generated/openapi/zz_generated.openapi.go"
TARGET = Path(__file__).resolve().parent.parent / "cli/adk_gitops/kube/schemas/kubernetes-enums.json"

# `"k8s.io/api/core/v1.Container": schema_k8sio_api_core_v1_Container(ref),` and, from
# 1.35, `corev1.Container{}.OpenAPIModelName(): schema_k8sio_api_core_v1_Container(ref),`
# with `corev1 "k8s.io/api/core/v1"` among the imports.
_TABLE = re.compile(r'^\s*"(?P<name>[^"]+)":\s*(?P<func>schema_\w+)\(ref\),$')
_MODEL_TABLE = re.compile(
    r"^\s*(?P<alias>\w+)\.(?P<type>\w+)\{\}\.OpenAPIModelName\(\):\s*(?P<func>schema_\w+)\(ref\),$"
)
_IMPORT = re.compile(r'^\t(?P<alias>\w+) "(?P<path>[^"]+)"$')
_FUNC = re.compile(r"^func (?P<func>schema_\w+)\(ref common\.ReferenceCallback\)")
_KEY = re.compile(r'^(?P<tabs>\t*)"(?P<key>[^"]+)": \{$')
_ENUM = re.compile(r"^(?P<tabs>\t*)Enum:\s*\[\]interface\{\}\{(?P<values>.*)\},$")
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def module_zip(minor: str) -> bytes:
    release, pinned = RELEASES[minor]
    return _generate.module_zip(MODULE, release, pinned, f"kubernetes-{release}.zip")


def openapi_name(go_name: str) -> str:
    """kube-openapi's definition naming: k8s.io/api/core/v1.Container ->
    io.k8s.api.core.v1.Container (the host reversed, slashes to dots)."""
    path, _, type_name = go_name.rpartition(".")
    host, _, rest = path.partition("/")
    return ".".join([*reversed(host.split(".")), *rest.split("/"), type_name])


def enums_of(source: str) -> dict[str, dict[str, dict[str, Any]]]:
    """definition -> property -> {"values": [...], "items": bool} from generated Go.

    Generated code nests ``"property": {`` blocks; an ``Enum:`` line belongs to
    the nearest key above it that is less indented, and to the property's items
    when an ``Items:`` line comes between them."""
    lines = source.splitlines()
    imports = {m["alias"]: m["path"] for m in map(_IMPORT.match, lines) if m}
    names = {m["func"]: openapi_name(m["name"]) for m in map(_TABLE.match, lines) if m}
    for m in filter(None, map(_MODEL_TABLE.match, lines)):
        if m["alias"] in imports:
            names[m["func"]] = openapi_name(f"{imports[m['alias']]}.{m['type']}")
    found: dict[str, dict[str, dict[str, Any]]] = {}
    definition = ""
    keys: list[tuple[int, str, int]] = []  # (depth, key, line number)
    for number, line in enumerate(lines):
        if (func := _FUNC.match(line)) is not None:
            definition = names.get(func["func"], "")
            keys = []
            continue
        if (key := _KEY.match(line)) is not None:
            depth = len(key["tabs"])
            keys = [k for k in keys if k[0] < depth]
            keys.append((depth, key["key"], number))
            continue
        enum = _ENUM.match(line)
        if enum is None or not definition:
            continue
        depth = len(enum["tabs"])
        owner = next((k for k in reversed(keys) if k[0] < depth), None)
        if owner is None:
            continue
        between = lines[owner[2] : number]
        if any("AdditionalProperties:" in b for b in between):
            continue  # the values of a map: not modelled
        values = [json.loads(f'"{v}"') for v in _STRING.findall(enum["values"])]
        found.setdefault(definition, {})[owner[1]] = {
            "values": values,
            "items": any("Items:" in b for b in between),
        }
    return found


def build() -> dict[str, Any]:
    sources: dict[str, str] = {}
    enums: dict[str, Any] = {}
    for minor, (release, _) in RELEASES.items():
        archive = zipfile.ZipFile(io.BytesIO(module_zip(minor)))
        text = archive.read(f"{MODULE}@{release}/{SOURCE}").decode()
        sources[minor] = f"{MODULE}@{release} {SOURCE}"
        enums[minor] = enums_of(text)
    return {"sources": sources, "enums": enums}


def main() -> int:
    releases = ", ".join(release for release, _ in RELEASES.values())
    return _generate.main(__doc__, TARGET, build, f"{MODULE} {releases}")


if __name__ == "__main__":
    sys.exit(main())
