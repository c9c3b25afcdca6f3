"""Render many overlays in few kustomize processes.

Starting kustomize dominates a small overlay's render (~40 ms each). A batch
is a temporary kustomization that lists one wrapper per overlay; each wrapper
includes its overlay and tags the objects' ``metadata.annotations`` (nothing
else) with the overlay's index, so the combined output splits back exactly
into each overlay's own. Any failure of a batch (a broken overlay, two overlays
with the same object) falls back to one render per overlay, which also pins
the broken one down. The temporary folder sits next to the overlays (kustomize
refuses absolute resource paths) and starts with a dot, which discovery skips.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from adk_gitops.errors import ManifestError, RenderError
from adk_gitops.manifests import parse_documents
from adk_gitops.renderer import BUILD_TIMEOUT_S, Renderer

TAG = "adk-gitops.io/batch-overlay"
BATCH_PREFIX = ".adk-gitops-batch-"


def _wrapper(relative: str, index: int) -> tuple[str, str]:
    kustomization = f"resources:\n  - {relative}\ntransformers:\n  - tag.yaml\n"
    tag = (
        "apiVersion: builtin\n"
        "kind: AnnotationsTransformer\n"
        "metadata:\n  name: adk-gitops-batch-tag\n"
        f'annotations:\n  {TAG}: "{index}"\n'
        "fieldSpecs:\n  - path: metadata/annotations\n    create: true\n"
    )
    return kustomization, tag


def _untag(doc: Mapping[str, Any]) -> tuple[int, dict[str, Any]]:
    body = dict(doc)
    metadata = dict(body["metadata"])
    annotations = dict(metadata["annotations"])
    index = int(annotations.pop(TAG))
    if annotations:
        metadata["annotations"] = annotations
    else:
        del metadata["annotations"]
    body["metadata"] = metadata
    return index, body


def render_batch(
    renderer: Renderer, overlays: Sequence[Path], root: Path, *, timeout: float = BUILD_TIMEOUT_S
) -> list[list[dict[str, Any]]]:
    """Each overlay's objects, in kustomize's order; RenderError if the batch fails.
    ``root``: the repository, which nothing may be read outside of."""
    common = Path(os.path.commonpath([str(p.resolve().parent) for p in overlays]))
    try:
        # Named after this process: an edit command removes batches of runs that were killed.
        tmp = Path(tempfile.mkdtemp(prefix=f"{BATCH_PREFIX}{os.getpid()}-", dir=common))
    except OSError as exc:
        raise RenderError(f"cannot batch overlays in {common}: {exc.strerror}") from None
    try:
        entries = []
        for i, overlay in enumerate(overlays):
            wrapper = tmp / f"o{i}"
            wrapper.mkdir()
            kustomization, tag = _wrapper(os.path.relpath(overlay.resolve(), wrapper), i)
            (wrapper / "kustomization.yaml").write_text(kustomization)
            (wrapper / "tag.yaml").write_text(tag)
            entries.append(f"  - o{i}\n")
        (tmp / "kustomization.yaml").write_text("resources:\n" + "".join(entries))
        text = renderer.build(tmp, root=root, timeout=timeout)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    try:
        split: list[list[dict[str, Any]]] = [[] for _ in overlays]
        for doc in parse_documents(text, source="batch"):
            index, body = _untag(doc)
            split[index].append(body)
    except (ManifestError, KeyError, ValueError, TypeError, IndexError) as exc:
        raise RenderError(f"batch output could not be split: {exc}") from None
    return split
