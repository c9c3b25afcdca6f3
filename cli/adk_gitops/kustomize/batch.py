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

import json
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from adk_gitops.errors import ManifestError, RenderError, RenderTimeout
from adk_gitops.kube.manifests import parse_documents
from adk_gitops.kustomize.failures import explain_failure
from adk_gitops.kustomize.origin import ORIGIN, TRANSFORMATIONS, Origin, parse_origin
from adk_gitops.kustomize.renderer import BUILD_TIMEOUT_S, Renderer, Running

TAG = "adk-gitops.io/batch-overlay"
BATCH_PREFIX = ".adk-gitops-batch-"


def _wrapper(relative: str, index: int) -> tuple[str, str]:
    # Quoted (a JSON string is a YAML one): a folder named `postgres #x` or `cloudsql `
    # must stay itself, not become `postgres` (a comment) or `cloudsql` (trimmed).
    kustomization = f"resources:\n  - {json.dumps(relative)}\ntransformers:\n  - tag.yaml\n"
    tag = (
        "apiVersion: builtin\n"
        "kind: AnnotationsTransformer\n"
        "metadata:\n  name: adk-gitops-batch-tag\n"
        f'annotations:\n  {TAG}: "{index}"\n'
        "fieldSpecs:\n  - path: metadata/annotations\n    create: true\n"
    )
    return kustomization, tag


Rendered = tuple[dict[str, Any], Origin | None]


def _untag(doc: Mapping[str, Any], wrappers: Path) -> tuple[int, Rendered]:
    body = dict(doc)
    metadata = dict(body["metadata"])
    annotations = dict(metadata["annotations"])
    index = int(annotations.pop(TAG))
    origin = parse_origin(annotations, wrappers)  # kustomize: relative to the build's root
    annotations.pop(ORIGIN, None)
    annotations.pop(TRANSFORMATIONS, None)
    if annotations:
        metadata["annotations"] = annotations
    else:
        del metadata["annotations"]
    body["metadata"] = metadata
    return index, (body, origin)


class BatchUnavailable(RenderError):
    """No temporary folder can be made beside the overlays (a read-only checkout)."""


def render_batch(
    renderer: Renderer, overlays: Sequence[Path], root: Path, *, timeout: float = BUILD_TIMEOUT_S
) -> list[list[Rendered]]:
    """Each overlay's objects with their origins, in kustomize's order; RenderError
    if the batch fails. ``root``: the repository, which nothing may be read outside of."""
    return start_batch(renderer, overlays, root, timeout=timeout).result()


@dataclass
class BatchRun:
    """A batch under way (``start_batch``): ``result`` waits and splits its output;
    ``discard`` stops it. Either removes the batch folder."""

    renderer: Renderer
    overlays: tuple[Path, ...]
    root: Path
    timeout: float
    folder: Path
    running: Running
    ended: bool = False  # its result was taken, or it was discarded

    def matches(self, renderer: Renderer, overlays: Sequence[Path], root: Path, timeout: float) -> bool:
        """Whether this is the batch those arguments would start (a head start's test)."""
        return (
            self.renderer == renderer
            and [p.resolve() for p in self.overlays] == [p.resolve() for p in overlays]
            and self.root.resolve() == root.resolve()
            and self.timeout == timeout
        )

    def discard(self) -> None:
        """Stop it, unless it has ended already (then nothing)."""
        if self.ended:
            return
        self.ended = True
        try:
            self.running.discard()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def result(self) -> list[list[Rendered]]:
        if self.ended:
            raise RenderError(f"{self.folder}: this batch has ended")
        self.ended = True
        try:
            text = self.running.result()
        except RenderTimeout:
            raise
        except RenderError as exc:
            raise RenderError(explain_failure(str(exc), self.folder, self.root, self.overlays)) from None
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        try:
            split: list[list[Rendered]] = [[] for _ in self.overlays]
            for doc in parse_documents(text, source="batch"):
                index, rendered = _untag(doc, self.folder)
                split[index].append(rendered)
        except (ManifestError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise RenderError(f"batch output could not be split: {exc}") from None
        return split


def start_batch(
    renderer: Renderer, overlays: Sequence[Path], root: Path, *, timeout: float = BUILD_TIMEOUT_S
) -> BatchRun:
    """``render_batch``'s first half: write the batch folder, start kustomize on it."""
    common = Path(os.path.commonpath([str(p.resolve().parent) for p in overlays]))
    if not common.is_relative_to(root.resolve()):
        # An overlay at the repository's root: a wrapper can only sit outside the
        # repository (kustomize refuses one inside the overlay it wraps: a cycle).
        raise BatchUnavailable(f"cannot batch {overlays[0]}: it is the repository's root")
    try:
        # Named after this process: an edit command removes batches of runs that were killed.
        tmp = Path(tempfile.mkdtemp(prefix=f"{BATCH_PREFIX}{os.getpid()}-", dir=common))
    except OSError as exc:
        raise BatchUnavailable(f"cannot batch overlays in {common}: {exc.strerror}") from None
    try:
        entries = []
        for i, overlay in enumerate(overlays):
            wrapper = tmp / f"o{i}"
            wrapper.mkdir()
            relative = os.path.relpath(overlay.resolve(), wrapper)
            if not relative.isprintable() or "\udc80" <= max(relative, default=" ") <= "\udcff":
                # Not UTF-8 (a surrogate-escaped byte): kustomize would echo it into the
                # origin annotations, and its output must be UTF-8.
                raise BatchUnavailable(f"{overlay}: its path is not UTF-8 text")
            kustomization, tag = _wrapper(relative, i)
            (wrapper / "kustomization.yaml").write_text(kustomization)
            (wrapper / "tag.yaml").write_text(tag)
            entries.append(f"  - o{i}\n")
        # buildMetadata (honoured only in the kustomization being built): where each
        # object came from, and what changed it (locate.py); paths relative to tmp.
        (tmp / "kustomization.yaml").write_text(
            "resources:\n" + "".join(entries) + "buildMetadata: [originAnnotations, transformerAnnotations]\n"
        )
        running = renderer.start(tmp, root=root, timeout=timeout)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return BatchRun(renderer, tuple(overlays), root, timeout, tmp, running)
