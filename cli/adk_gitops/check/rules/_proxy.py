"""Reading the Cloud SQL Auth Proxy's configuration from its container."""

from __future__ import annotations

from adk_gitops.adk.workloads import argv
from adk_gitops.check.rules._helpers import env_value
from adk_gitops.kube import podspec

POSTGRES_DEFAULT_PORT = 5432


def positional_args(proxy: podspec.Container) -> list[tuple[int, str]]:
    """(index in args, value) of the instance connection names. Flags with a
    separate value (``--port 5432``) are skipped with their value."""
    args = [str(a) for a in proxy.body.get("args") or []]
    out: list[tuple[int, str]] = []
    skip = False
    for i, arg in enumerate(args):
        if skip:
            skip = False
        elif arg.startswith("-"):
            skip = "=" not in arg and arg.lstrip("-") in _FLAGS_WITH_VALUE
        else:
            out.append((i, arg))
    return out


_FLAGS_WITH_VALUE = frozenset({
    "port", "p", "address", "a", "http-port", "http-address", "admin-port", "credentials-file", "token",
    "login-token", "max-connections", "max-sigterm-delay", "min-sigterm-delay", "unix-socket", "fuse",
    "fuse-tmp-dir", "sqladmin-api-endpoint", "quota-project", "impersonate-service-account",
    "telemetry-project", "telemetry-prefix", "telemetry-sample-rate", "prometheus-namespace",
    "universe-domain", "config-file",
})  # fmt: skip


def _v1_instances(proxy: podspec.Container) -> list[tuple[str, str]]:
    """Proxy v1 (``/cloud_sql_proxy -instances=P:R:I=tcp:5432,P:R:J``), in command or
    args: each name without its ``=tcp:PORT`` / ``=unix:PATH`` listener."""
    found: list[tuple[str, str]] = []
    for field in ("command", "args"):
        words = [str(a) for a in proxy.body.get(field) or []]
        for i, word in enumerate(words):
            value = None
            if word.lstrip("-").startswith("instances="):
                value = word.split("=", 1)[1]
            elif word.lstrip("-") == "instances" and i + 1 < len(words):
                value = words[i + 1]
            for item in (value or "").split(","):
                if item.strip():
                    found.append((f"{proxy.pointer}/{field}/{i}", item.strip().split("=", 1)[0]))
    return found


def instance_names(proxy: podspec.Container) -> list[tuple[str, str]]:
    """(pointer, name) of every instance the proxy serves: positional args (v2),
    ``-instances=`` (v1) or CSQL_PROXY_INSTANCE_CONNECTION_NAME. A ``?port=N`` query is kept."""
    names = [(f"{proxy.pointer}/args/{i}", value) for i, value in positional_args(proxy)]
    names += _v1_instances(proxy)
    for i, env in enumerate(proxy.body.get("env") or []):
        if str(env.get("name", "")).startswith("CSQL_PROXY_INSTANCE_CONNECTION_NAME") and "value" in env:
            names.append((f"{proxy.pointer}/env/{i}/value", str(env["value"])))
    return names


def listen_ports(proxy: podspec.Container) -> set[int]:
    """The ports the proxy listens on: ``--port`` (v2), each ``=tcp:PORT`` of
    ``-instances=`` (v1), ``CSQL_PROXY_PORT``, else PostgreSQL's 5432."""
    words = argv(proxy.body)
    for i, word in enumerate(words):
        if word.startswith(("--port=", "-p=")):
            return {_int(word.split("=", 1)[1])}
        if word in ("--port", "-p") and i + 1 < len(words):
            return {_int(words[i + 1])}
    v1 = {
        _int(item.split("=tcp:", 1)[1].rsplit(":", 1)[-1])
        for word in words
        if word.lstrip("-").startswith("instances=")
        for item in word.split("=", 1)[1].split(",")
        if "=tcp:" in item
    }
    if v1:
        return v1
    from_env = env_value(proxy, "CSQL_PROXY_PORT")
    return {_int(from_env) if from_env else POSTGRES_DEFAULT_PORT}


def _int(text: str) -> int:
    return int(text) if text.strip().isdigit() else -1
