"""## What it does
Checks that the Cloud SQL Auth Proxy image is pinned to a full release version
(`2.25.3`, optionally with a `-alpine`/`-bookworm` variant) or a digest.

## Why is this bad?
`latest`, no tag, or a floating `2` changes the proxy under a running system:
new flags, new defaults and new bugs arrive without a commit.

## Example
```yaml
image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:latest
```

## Use instead
```yaml
image: gcr.io/cloud-sql-connectors/cloud-sql-proxy:2.25.3
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import containers, is_cloudsql_proxy, violation
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.syntax import split_image

RELEASE = re.compile(r"v?\d+\.\d+\.\d+(-[a-z0-9.]+)?")


def _check(ctx: Context) -> Iterator[Violation]:
    for res, _, container in containers(ctx):
        if not is_cloudsql_proxy(container):
            continue
        image = split_image(str(container.body.get("image", "")))
        if not image.digest and not RELEASE.fullmatch(image.tag):
            shown = image.tag or "no tag"
            yield violation(
                res, f"{container.pointer}/image", f"proxy image is not pinned to a release ({shown})"
            )


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="cloudsql-proxy-image-pinned",
    severity=Severity.ERROR,
    summary="The Cloud SQL proxy image is pinned to a release version.",
    fix="Pin the proxy image to a release, e.g. cloud-sql-proxy:2.25.3.",
    check=_check,
    doc=__doc__ or "",
)
