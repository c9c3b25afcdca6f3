"""## What it does
Checks that every image has a tag other than `latest`, or a digest. (A bare
placeholder name is `image-placeholder`'s finding.)

## Why is this bad?
`latest` or no tag deploys whatever was pushed last: the migration and the app
may even pull different builds, and a rollback rolls back nothing.

## Example
```yaml
image: us-docker.pkg.dev/my-project/adk/adk-agent:latest
```

## Use instead
```yaml
image: us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.check.rules.image_placeholder import placeholders
from adk_gitops.syntax import split_image


def _check(ctx: Context) -> Iterator[Violation]:
    names = placeholders(ctx)  # image-placeholder reports those
    for res, _, container in containers(ctx):
        ref = str(container.body.get("image", ""))
        if not ref or ref in names:
            continue
        image = split_image(ref)
        if not image.digest and image.tag in ("", "latest"):
            what = "latest" if image.tag else "untagged: the runtime pulls :latest"
            yield violation(res, f"{container.pointer}/image", f"image {ref!r} is {what}")


RULE = Rule(
    category=Category.SECURITY,
    id="image-tag-pinned",
    severity=Severity.ERROR,
    summary="Every image has a real tag or a digest (never latest).",
    fix="Pin a release tag or a digest (with Kustomize: the images: entry's newTag or digest).",
    check=_check,
    doc=__doc__ or "",
)
