"""Where kustomize says a rendered object came from, when the build asks for it
(``buildMetadata: [originAnnotations, transformerAnnotations]``): the
``config.kubernetes.io/origin`` annotation names the source file, and
``alpha.config.kubernetes.io/transformations`` the kustomizations that patched or
replaced it. ``batch`` strips both into an ``Origin``; locate.py turns one into a line."""

from __future__ import annotations

import os.path
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from adk_gitops import yamlread

ORIGIN = "config.kubernetes.io/origin"
TRANSFORMATIONS = "alpha.config.kubernetes.io/transformations"


@dataclass(frozen=True)
class Origin:
    """Where kustomize took an object from, and which kustomizations changed it."""

    file: Path | None  # absolute; None for a generated object (configMapGenerator, ...)
    generated_by: Path | None  # the kustomization whose generator made it
    patched_in: tuple[Path, ...]  # kustomizations whose PatchTransformers applied, in order
    replaced_in: tuple[Path, ...]  # kustomizations whose ReplacementTransformers applied


def parse_origin(annotations: Mapping[str, str], base: Path) -> Origin | None:
    """The Origin in kustomize's annotations; paths are relative to ``base``."""
    if ORIGIN not in annotations:
        return None
    try:
        origin = _annotation(annotations[ORIGIN], ORIGIN) or {}
        changes = _annotation(annotations.get(TRANSFORMATIONS, "") or "[]", TRANSFORMATIONS) or []
    except yamlread.YamlError:
        return None
    if not isinstance(origin, dict) or not isinstance(changes, list):
        return None
    path = origin.get("path")
    configured_in = origin.get("configuredIn")
    patched, replaced = [], []
    for change in changes:
        if not isinstance(change, dict) or not isinstance(change.get("configuredIn"), str):
            continue
        kind = (
            (change.get("configuredBy") or {}).get("kind")
            if isinstance(change.get("configuredBy"), dict)
            else ""
        )
        where = join(base, change["configuredIn"])
        if kind == "PatchTransformer" and where not in patched:
            patched.append(where)
        elif kind == "ReplacementTransformer" and where not in replaced:
            replaced.append(where)
    return Origin(
        join(base, path) if isinstance(path, str) and not origin.get("repo") else None,
        join(base, configured_in) if isinstance(configured_in, str) else None,
        tuple(patched),
        tuple(replaced),
    )


@lru_cache(maxsize=1024)
def _annotation(text: str, name: str) -> Any:
    """An annotation's YAML, parsed once per text: every overlay's copy of a shared base's
    object names the same source file (relative to the batch folder), so a fleet's objects
    repeat their origins. Read, never changed, by ``parse_origin``."""
    return yamlread.load(text, name)


def join(base: Path, relative: str) -> Path:
    # Pure path arithmetic: the batch folder kustomize ran in is gone by now.
    return Path(os.path.normpath(base / relative))
