#!/usr/bin/env python3
"""Build ``cli/adk_gitops/schemas/argocd.json`` from Argo CD's own CRDs.

The CRDs (Application, AppProject, ApplicationSet) come from the pinned
``github.com/argoproj/argo-cd/v3`` module zip on the Go module proxy
(``manifests/crds/``), hash-checked and cached. Each CRD's OpenAPI v3 schema is
turned into the JSON Schema the API server effectively enforces with strict
field validation (kubectl's default since 1.27):

- unknown fields are errors unless ``x-kubernetes-preserve-unknown-fields``;
- ``null`` is accepted for every field: the server prunes nulls of non-nullable
  fields before validating (apiextensions-apiserver, structural defaulting
  ``PruneNonNullableNullsWithoutDefaults``);
- ``x-kubernetes-int-or-string`` is an integer or a string;
- ``metadata`` is Kubernetes' ObjectMeta (the CRD says only ``type: object``; the
  server validates ObjectMeta itself), from the bundled Kubernetes definitions;
- CEL rules (``x-kubernetes-validations``) and ``format`` are left out: this
  validator cannot evaluate the one and formats differ between engines.

  python scripts/gen-argocd-schemas.py          # rewrite the shipped file
  python scripts/gen-argocd-schemas.py --check  # exit 1 if it differs
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import sys
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

import yaml

from adk_gitops.schemas import DEFAULT_VERSION, _definitions, _inline

MODULE = "github.com/argoproj/argo-cd/v3"
VERSION = "v3.6.1"
ZIP_SHA256 = "f7fa21a39dae04e030aea81151ccaca0e7541fcff6cca0dd018671189cdf1de5"
CRDS = {
    "Application": "application-crd.yaml",
    "AppProject": "appproject-crd.yaml",
    "ApplicationSet": "applicationset-crd.yaml",
}
OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
TARGET = Path(__file__).resolve().parent.parent / "cli/adk_gitops/schemas/argocd.json"
DOWNLOAD_TIMEOUT_S = 300


def module_zip() -> bytes:
    """The pinned module zip: from the cache, else the Go module proxy; hash-checked either way."""
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cached = cache_home / "adk-gitops" / f"argo-cd-{VERSION}.zip"
    if cached.is_file():
        data = cached.read_bytes()
    else:
        proxy = (os.environ.get("GOPROXY") or "https://proxy.golang.org").split(",")[0].rstrip("/")
        if not proxy.startswith("https://"):
            proxy = "https://proxy.golang.org"
        url = f"{proxy}/{MODULE}/@v/{VERSION}.zip"
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT_S) as response:
            data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != ZIP_SHA256:
        raise SystemExit(f"{MODULE}@{VERSION}: sha256 {digest} is not the pinned {ZIP_SHA256}")
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(cached)
    return data


def convert(node: dict[str, Any]) -> dict[str, Any]:
    """One OpenAPI v3 structural schema node as JSON Schema (see the module doc)."""
    out: dict[str, Any] = {}
    if node.get("x-kubernetes-int-or-string"):
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}, {"type": "null"}]
    elif "type" in node:
        out["type"] = [node["type"], "null"]
    for key in ("enum", "minimum", "maximum", "minLength", "maxLength", "pattern", "minItems", "maxItems"):
        if key in node:
            out[key] = node[key]
    if "enum" in out:
        out["enum"] = [*out["enum"], None]
    if "required" in node:
        out["required"] = node["required"]
    if "items" in node:
        out["items"] = convert(node["items"])
    if "properties" in node:
        out["properties"] = {name: convert(child) for name, child in node["properties"].items()}
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = convert(node["additionalProperties"])
    elif node.get("type") == "object" and not node.get("x-kubernetes-preserve-unknown-fields"):
        out["additionalProperties"] = False
    return out


def build() -> dict[str, Any]:
    archive = zipfile.ZipFile(io.BytesIO(module_zip()))
    prefix = f"{MODULE}@{VERSION}/manifests/crds/"
    defs = _definitions(DEFAULT_VERSION)["$defs"]
    meta = _inline(defs[OBJECT_META], defs)
    kinds: dict[str, Any] = {}
    for kind, name in CRDS.items():
        crd = yaml.safe_load(archive.read(prefix + name))
        (served,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
        schema = convert(served["schema"]["openAPIV3Schema"])
        schema["properties"]["apiVersion"] = {"const": "argoproj.io/v1alpha1"}
        schema["properties"]["kind"] = {"const": kind}
        schema["properties"]["metadata"] = meta
        schema["type"] = "object"
        kinds[kind] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$comment": (
            f"Generated by scripts/gen-argocd-schemas.py from {MODULE}@{VERSION} manifests/crds/ "
            f"(zip sha256 {ZIP_SHA256}); metadata is ObjectMeta of Kubernetes {DEFAULT_VERSION}. Do not edit."
        ),
        "$defs": kinds,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    args = parser.parse_args()
    text = json.dumps(build(), sort_keys=True, separators=(",", ":")) + "\n"
    if args.check:
        if not TARGET.is_file() or TARGET.read_text(encoding="utf-8") != text:
            print(f"{TARGET.name} differs from what {Path(__file__).name} builds: rerun it", file=sys.stderr)
            return 1
        return 0
    partial = TARGET.with_suffix(f".{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(TARGET)
    print(f"wrote {TARGET} ({len(text) // 1024} KiB) from {MODULE}@{VERSION}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
