"""## What it does
Checks that each `images:` entry of the overlay changed some container's image:
a rendered image carries the entry's `newName` (or `name`) and its `newTag` or
`digest`.

## Why is this bad?
A misspelled `name` matches nothing, silently: the old (or placeholder) image
deploys and the promotion you merged did nothing.

## Example
```yaml
images:
  - name: adk-agnet
    newTag: "2026.11.2"
```

## Use instead
```yaml
images:
  - name: adk-agent
    newTag: "2026.11.2"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kustomize import kustomization
from adk_gitops.kustomize.kustomization import kustomization_id
from adk_gitops.syntax import split_image


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.overlay_dir is None:
        return
    file = kustomization.kustomization_file(ctx.overlay_dir)
    entries = kustomization.load(ctx.overlay_dir).get("images") or []
    rendered = [split_image(str(c.body.get("image", ""))) for _, _, c in containers(ctx)]
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "name" not in entry:
            continue
        name = str(entry.get("newName") or entry["name"])
        tag = str(entry["newTag"]) if "newTag" in entry else None
        digest = str(entry["digest"]) if "digest" in entry else None
        used = any(
            image.repository == name
            and (tag is None or image.tag == tag)
            and (digest is None or image.digest == digest)
            for image in rendered
        )
        if not used:
            path = ctx.repo_path(file) if file else str(ctx.overlay_dir)
            message = f"images entry {entry['name']!r} changed no container image"
            yield Violation(f"/images/{i}", message, kustomization_id(path), file=path)


RULE = Rule(
    category=Category.KUSTOMIZE,
    id="kustomize-image-unused",
    severity=Severity.WARNING,
    summary="Every images: entry of the overlay matches a container.",
    fix="Fix the entry's name to the image name used in the base, or remove the entry.",
    check=_check,
    doc=__doc__ or "",
)
