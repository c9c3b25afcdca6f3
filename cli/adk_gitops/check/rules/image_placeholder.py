"""## What it does
Flags images that are still a base's placeholder (`adk-agent` by default;
option `names`) with no registry, tag or digest: no `images:` entry rewrote
them. Any other untagged image (`mongo`, `debian`) is `image-tag-pinned`'s.

## Why is this bad?
The kubelet pulls `docker.io/library/adk-agent:latest`, which does not exist
(or, worse, is someone else's): ImagePullBackOff, and the migration never runs.

## Example
```yaml
images:
  - name: adk-agnet        # typo: matches nothing
    newName: us-docker.pkg.dev/my-project/adk/adk-agent
    newTag: "2026.11.1"
```

## Use instead
```yaml
images:
  - name: adk-agent
    newName: us-docker.pkg.dev/my-project/adk/adk-agent
    newTag: "2026.11.1"
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, violation
from adk_gitops.check.rules._rule import Category, Rule, RuleOption


def placeholders(ctx: Context) -> frozenset[str]:
    return frozenset(ctx.option(RULE, "names"))


def _check(ctx: Context) -> Iterator[Violation]:
    names = placeholders(ctx)
    for res, _, container in containers(ctx):
        ref = str(container.body.get("image", ""))
        if ref in names:
            yield violation(
                res, f"{container.pointer}/image", f"image {ref!r} is a placeholder no images: entry rewrote"
            )


RULE = Rule(
    category=Category.SECURITY,
    id="image-placeholder",
    severity=Severity.ERROR,
    summary="No base image placeholder reaches the rendered output.",
    fix="Add (or fix the name of) the kustomization's images: entry for this placeholder.",
    check=_check,
    doc=__doc__ or "",
    options=(RuleOption("names", ["adk-agent"], "Image names your bases use as placeholders."),),
)
