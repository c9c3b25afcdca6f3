"""## What it does
Checks that the port the Cloud SQL Auth Proxy listens on (`--port`, default
5432) is the port the pod's database URL (or `PGPORT`) connects to on
`127.0.0.1`/`localhost`.

## Why is this bad?
The app and the migration connect to a port nobody listens on: "connection
refused" at run time, after the sync has started.

## Example
```yaml
initContainers:
  - name: cloud-sql-proxy
    args: ["--port=5433", "p:r:i"]
containers:
  - env: [{name: DATABASE_URL, value: "postgresql+asyncpg://127.0.0.1:5432"}]
```

## Use instead
```yaml
    args: ["--port=5432", "p:r:i"]
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import db_urls, env_value, is_cloudsql_proxy, pods, violation
from adk_gitops.check.rules._proxy import POSTGRES_DEFAULT_PORT, listen_ports
from adk_gitops.check.rules._rule import Category, Rule
from adk_gitops.kube import podspec

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _check(ctx: Context) -> Iterator[Violation]:
    for res, pod in pods(ctx):
        all_containers = list(podspec.containers(pod))
        ports = {port for c in all_containers if is_cloudsql_proxy(c) for port in listen_ports(c)}
        if not ports:
            continue
        for container in all_containers:
            if is_cloudsql_proxy(container):
                continue
            pgport = env_value(container, "PGPORT")
            for url in db_urls(container):
                if url.host not in LOCAL_HOSTS:
                    continue
                port = url.port or (int(pgport) if pgport and pgport.isdigit() else POSTGRES_DEFAULT_PORT)
                if port not in ports:
                    yield violation(
                        res,
                        url.pointer,
                        f"connects to port {port}, the proxy listens on {', '.join(map(str, sorted(ports)))}",
                    )


RULE = Rule(
    category=Category.CLOUDSQL_PROXY,
    id="cloudsql-proxy-port-matches-url",
    severity=Severity.ERROR,
    summary="The database URL uses the port the Cloud SQL proxy listens on.",
    fix="Make the proxy's --port and the URL's (or PGPORT's) port the same.",
    check=_check,
    doc=__doc__ or "",
)
