"""## What it does
Flags an overlay whose folder name holds white space, `#` or a control
character: a name no environment can have (`new-env` takes DNS labels), and one
that tools read loosely (YAML cuts `postgres #x` at the comment and trims
`postgres `; a terminal hides a control character).

## Why is this bad?
Such a folder is easily taken for another environment: a generated Argo CD
Application (`{{path.basename}}`) gets an invalid name, and a reviewer reads
`overlays/postgres` where the tree says `overlays/postgres #x`. `check` renders
and judges it as itself, but says so.

## Example
```text
overlays/postgres #x/kustomization.yaml
```

## Use instead
```text
overlays/postgres-x/kustomization.yaml
```
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._rule import Category, Rule

_LOOSE = re.compile(r"[\s#\x00-\x1f\x7f-\x9f]")


def _check(ctx: Context) -> Iterator[Violation]:
    if ctx.overlay_dir is None:
        return
    name = ctx.overlay_dir.name
    found = _LOOSE.search(name)
    if found:
        yield Violation(
            "", f"the overlay's folder name {name!r} holds {found.group()!r}: no environment's can"
        )


RULE = Rule(
    category=Category.KUSTOMIZE,
    id="overlay-name-exact",
    severity=Severity.ERROR,
    summary="Overlay folder names hold no white space, '#' or control characters.",
    fix="Rename the folder to the environment's name (a DNS label).",
    check=_check,
    doc=__doc__ or "",
)
