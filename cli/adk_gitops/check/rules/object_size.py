"""## What it does
Checks each object's size against the limits the API server and Argo CD's apply
meet, per object:

- a ConfigMap's `data` and `binaryData`, or a Secret's `data`, over 1 MiB in
  total (pkg/apis/core/validation/validation.go `ValidateConfigMap`,
  `ValidateSecret`: `core.MaxSecretSize`, 1048576 bytes): **error**;
- any object over 1.5 MiB as JSON: etcd refuses a value over its default
  `--max-request-bytes` (1572864), and the API server a request body over 3 MiB
  (k8s.io/apiserver pkg/server/config.go `MaxRequestBodyBytes`): **error**;
- any object over 256 KiB as JSON: a client-side apply, Argo CD's default,
  stores the whole object in the `kubectl.kubernetes.io/last-applied-configuration`
  annotation, and annotations may total at most 262144 bytes
  (apimachinery pkg/api/validation/objectmeta.go `TotalAnnotationSizeLimitB`):
  **warning**, unless the Application syncs with `ServerSideApply=true` or
  `Replace=true`.

## Why is this bad?
`check` would pass an object the cluster refuses: the sync fails at apply time
with `Too long: must have at most 1048576 bytes`, `etcdserver: request is too
large` or `metadata.annotations: Too long: must have at most 262144 bytes`.

## Example
```yaml
kind: ConfigMap
data:
  model.bin: "...2 MiB of text..."
```

## Use instead
Keep large data out of ConfigMaps (an image, a volume, object storage); for a
large custom resource definition, sync with `ServerSideApply=true`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from adk_gitops.argocd.applications import sync_options
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule

MAX_DATA_BYTES = 1024 * 1024  # core.MaxSecretSize
MAX_OBJECT_BYTES = 1572864  # etcd's default --max-request-bytes (below the API server's 3 MiB)
MAX_ANNOTATIONS_BYTES = 256 * 1024  # TotalAnnotationSizeLimitB
_SSA_OPTIONS = ("ServerSideApply=true", "Replace=true")


def _data_size(res: Any, fields: tuple[str, ...]) -> int:
    """Bytes of the values as the API server counts them (decoded for base64 fields)."""
    import base64
    import binascii

    total = 0
    for field in fields:
        values = res.body.get(field)
        for value in values.values() if isinstance(values, dict) else ():
            text = str(value)
            if field in ("data", "binaryData") and (res.kind == "Secret" or field == "binaryData"):
                try:
                    total += len(base64.b64decode(text, validate=True))
                    continue
                except (binascii.Error, ValueError):
                    pass  # schema-valid reports it
            total += len(text.encode("utf-8"))
    return total


def _client_side_apply(ctx: Context) -> bool:
    app = ctx.application
    return app is None or not any(o in _SSA_OPTIONS for o in sync_options(app.resource))


def _check(ctx: Context) -> Iterator[Violation]:
    for res in ctx.resources:
        if res.group == "" and res.kind in ("ConfigMap", "Secret"):
            fields = ("data", "binaryData") if res.kind == "ConfigMap" else ("data", "stringData")
            size = _data_size(res, fields)
            if size > MAX_DATA_BYTES:
                yield violation(
                    res,
                    "/data",
                    f"{res.kind} data holds {size} bytes: Too long: must have at most {MAX_DATA_BYTES} bytes",
                )
                continue
        size = len(json.dumps(res.body, separators=(",", ":")).encode("utf-8"))
        if size > MAX_OBJECT_BYTES:
            yield violation(
                res, "", f"the object is {size} bytes as JSON: etcd refuses more than {MAX_OBJECT_BYTES}"
            )
        elif size > MAX_ANNOTATIONS_BYTES and _client_side_apply(ctx):
            found = violation(
                res,
                "",
                f"the object is {size} bytes as JSON: a client-side apply stores it in an annotation, and "
                f"annotations may total {MAX_ANNOTATIONS_BYTES} bytes; sync with ServerSideApply=true",
            )
            yield Violation(found.pointer, found.message, found.subject, Severity.WARNING, res)


RULE = Rule(
    category=Category.SCHEMAS,
    id="object-size",
    severity=Severity.ERROR,
    summary="Each object fits what the API server, etcd and a client-side apply accept.",
    fix="Move large data out of the object, or sync it with ServerSideApply=true.",
    check=_check,
    doc=__doc__ or "",
)
