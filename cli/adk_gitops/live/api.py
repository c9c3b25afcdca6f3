"""The one door to a live cluster. Only ``preflight`` and ``status`` come here,
and only here is the ``kubernetes`` client imported (it costs about a second of
imports cold; ``check`` and ``--help`` must not pay for it).

The client is used for what it is good at and what stays the same across its
releases: reading kubeconfig files and contexts, and the credentials they name
(tokens, client certificates, exec and OIDC plugins) into a ``Configuration``.
Requests are plain REST over urllib3 with that configuration, so the API
server's ``Warning`` headers (Pod Security, deprecations) reach the caller, and
no request API of the client (which changed shape in its v37) is relied on.
Bodies come back as plain JSON data, never as client models.
"""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from adk_gitops import __version__
from adk_gitops.errors import ClusterUnreachable
from adk_gitops.live.kubeconfig import KubeconfigError, Loaded, expired
from adk_gitops.live.kubeconfig import load as load_kubeconfig
from adk_gitops.live.responses import MAX_JSON_DEPTH, bounded, last_line, within_depth

FIELD_MANAGER = "adk-gitops-preflight"
USER_AGENT = f"adk-gitops/{__version__}"


@dataclass(frozen=True)
class Response:
    status: int
    body: Any  # decoded JSON, or the raw text when the body is not JSON
    warnings: tuple[str, ...] = ()
    text: str = ""  # the body as sent (a log is text even when a line of it is JSON)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def message(self) -> str:
        """The API server's own words for a failure (a Status object's message)."""
        if isinstance(self.body, Mapping):
            return str(self.body.get("message") or self.body.get("reason") or f"HTTP {self.status}")
        return str(self.body).strip() or f"HTTP {self.status}"


def group_path(api_version: str) -> str:
    """Where a group version is served: the legacy core group under /api."""
    return "/api/v1" if api_version == "v1" else f"/apis/{api_version}"


@dataclass(frozen=True)
class ApiResource:
    """A resource type as discovery lists it."""

    group_version: str
    kind: str
    plural: str
    namespaced: bool

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        parts = [group_path(self.group_version)]
        if self.namespaced and namespace:
            parts.append(f"namespaces/{quote(namespace, safe='')}")
        parts.append(self.plural)
        if name:
            parts.append(quote(name, safe=""))
        return "/".join(parts)


def _warning_text(header: str) -> str:
    """The text of one RFC 7234 Warning value, ``299 - "text"``, as the server sends it."""
    code, _, rest = header.partition(" ")
    _agent, _, text = rest.partition(" ")
    if code.isdigit() and text.startswith('"') and text.endswith('"'):
        return text[1:-1].replace('\\"', '"')
    return header


@dataclass
class Cluster:
    """A connection to one API server. Discovery is read once per group version."""

    configuration: Any  # kubernetes.client.Configuration, from the kubeconfig
    pool: Any  # urllib3.PoolManager with its TLS settings
    server: str
    context: str
    loaded: Loaded | None = None  # the kubeconfig as read: when its exec credential expires
    source: tuple[Path | None, str | None] = (None, None)  # (--kubeconfig, --context), to read it again
    _discovery: dict[str, dict[str, ApiResource] | None] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        query: Sequence[tuple[str, str]] = (),
        body: Any = None,
        content_type: str = "application/json",
    ) -> Response:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **self._auth()}
        if body is not None:
            headers["Content-Type"] = content_type
        url = f"{self.server}{path}" + (f"?{urlencode(list(query))}" if query else "")
        encoded = None if body is None else json.dumps(body).encode()
        status, data, said = bounded(self.pool, self.server, method, url, encoded, headers)
        text = data.decode("utf-8", errors="replace")
        too_deep = f"{self.server}: answered JSON nested over {MAX_JSON_DEPTH} levels deep"
        decoded: Any
        try:
            decoded = json.loads(text)
        except ValueError:
            decoded = text
        except RecursionError:  # deeper than the interpreter's stack
            raise ClusterUnreachable(too_deep) from None
        if not within_depth(decoded, MAX_JSON_DEPTH):
            raise ClusterUnreachable(too_deep)
        if status == 401:
            raise ClusterUnreachable(f"{self.server}: not authorized (401): the kubeconfig's credentials")
        return Response(status, decoded, tuple(_warning_text(w) for w in said), text)

    def _auth(self) -> dict[str, str]:
        """The Authorization header the kubeconfig's credentials give. An exec
        plugin's credential is asked for again once it expires (`status --watch`
        outlives a short-lived token); an OIDC token is refreshed by the client's hook."""
        if self.loaded is not None and expired(self.loaded):
            self.configuration, self.loaded = _configure(*self.source)
            self.pool = _pool(self.configuration)
        config = self.configuration
        try:
            # The client's kubeconfig loader files the token ("Bearer ...") under
            # "BearerToken" from v37, under "authorization" before.
            token = config.get_api_key_with_prefix("BearerToken") or config.get_api_key_with_prefix(
                "authorization"
            )
        except Exception as exc:  # an exec credential plugin that fails
            raise ClusterUnreachable(f"{self.server}: credentials: {last_line(str(exc))}") from None
        if token:
            return {"Authorization": str(token)}
        if getattr(config, "username", None) and getattr(config, "password", None):
            return {"Authorization": str(config.get_basic_auth_token())}
        return {}

    def version(self) -> Mapping[str, Any]:
        response = self.request("GET", "/version")
        if not response.ok or not isinstance(response.body, Mapping):
            raise ClusterUnreachable(f"{self.server}: /version answered {response.status}")
        return response.body

    def resource(self, api_version: str, kind: str) -> ApiResource | None:
        """The resource type of ``kind`` in ``api_version``; None when the cluster
        does not serve it (a CRD not installed, an API removed)."""
        if api_version not in self._discovery:
            response = self.request("GET", group_path(api_version))
            found: dict[str, ApiResource] | None = None
            if response.ok and isinstance(response.body, Mapping):
                found = {}
                for item in response.body.get("resources") or []:
                    if "/" in str(item.get("name")):  # subresources: pods/log, jobs/status
                        continue
                    found[str(item["kind"])] = ApiResource(
                        api_version, str(item["kind"]), str(item["name"]), bool(item.get("namespaced"))
                    )
            self._discovery[api_version] = found
        served = self._discovery[api_version]
        return None if served is None else served.get(kind)

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> Response:
        resource = self.resource(api_version, kind)
        if resource is None:
            return Response(404, {"message": f"the server does not serve {kind} in {api_version}"})
        return self.request("GET", resource.path(namespace, name))

    def list(
        self,
        api_version: str,
        kind: str,
        namespace: str | None = None,
        *,
        labels: str = "",
        fields: str = "",
    ) -> list[Mapping[str, Any]]:
        resource = self.resource(api_version, kind)
        if resource is None:
            return []
        query = [(k, v) for k, v in (("labelSelector", labels), ("fieldSelector", fields)) if v]
        response = self.request("GET", resource.path(namespace), query=query)
        if not response.ok or not isinstance(response.body, Mapping):
            return []
        return [item for item in response.body.get("items") or [] if isinstance(item, Mapping)]

    def dry_run_apply(self, obj: Mapping[str, Any], namespace: str | None) -> Response:
        """Server-side apply with ``dryRun=All`` and strict field validation: every
        admission plugin and validator runs, nothing is stored."""
        return self._dry_run("PATCH", obj, namespace, force=True)

    def dry_run_create(self, obj: Mapping[str, Any], namespace: str | None) -> Response:
        """A dry-run create (POST), for objects created anew on every sync (hooks)."""
        return self._dry_run("POST", obj, namespace, force=False)

    def _dry_run(
        self, method: str, obj: Mapping[str, Any], namespace: str | None, *, force: bool
    ) -> Response:
        api_version, kind = str(obj.get("apiVersion") or ""), str(obj.get("kind") or "")
        resource = self.resource(api_version, kind)
        if resource is None:
            return Response(404, {"message": f"the server does not serve {kind} in {api_version}"})
        query = [("dryRun", "All"), ("fieldManager", FIELD_MANAGER), ("fieldValidation", "Strict")]
        if method == "POST":
            return self.request(method, resource.path(namespace), query=query, body=dict(obj))
        name = str((obj.get("metadata") or {}).get("name") or "")
        return self.request(
            method,
            resource.path(namespace, name),
            query=[*query, ("force", "true")] if force else query,
            body=dict(obj),
            content_type="application/apply-patch+yaml",  # JSON is YAML
        )

    def logs(self, namespace: str, pod: str, container: str, tail: int) -> Response:
        path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods/{quote(pod, safe='')}/log"
        query = [("container", container), ("tailLines", str(tail))]
        return self.request("GET", path, query=query)


def connect(kubeconfig: Path | None, context: str | None) -> Cluster:
    """A cluster from a kubeconfig (``--kubeconfig``, else $KUBECONFIG, else
    ~/.kube/config) and a context (``--context``, else the current one), as
    kubectl reads them (live/kubeconfig.py). No process-wide client configuration
    is touched."""
    configuration, loaded = _configure(kubeconfig, context)
    server = str(configuration.host).rstrip("/")
    return Cluster(
        configuration, _pool(configuration), server, context or "current-context",
        loaded=loaded, source=(kubeconfig, context),
    )  # fmt: skip


def _configure(kubeconfig: Path | None, context: str | None) -> tuple[Any, Loaded]:
    try:
        from kubernetes.client import Configuration
        from kubernetes.config.config_exception import ConfigException
        from kubernetes.config.kube_config import load_kube_config_from_dict
    except ImportError:
        raise ClusterUnreachable(
            "the `kubernetes` Python client is not installed (pip install adk-gitops installs it)"
        ) from None
    try:
        loaded = load_kubeconfig(kubeconfig, context)
    except KubeconfigError as exc:
        raise ClusterUnreachable(str(exc)) from None
    configuration = type.__call__(Configuration)  # a fresh one, never the client's process-wide default
    try:
        load_kube_config_from_dict(  # type: ignore[no-untyped-call]
            loaded.config, context=context, client_configuration=configuration, persist_config=False
        )
    except ConfigException as exc:
        raise ClusterUnreachable(f"{loaded.location}: {last_line(str(exc))}") from None
    except OSError as exc:  # a certificate file named by the kubeconfig
        raise ClusterUnreachable(f"{loaded.location}: cannot read {exc.filename}: {exc.strerror}") from None
    except Exception as exc:  # a kubeconfig of the wrong shape, an auth provider that fails
        raise ClusterUnreachable(
            f"{loaded.location}: not a usable kubeconfig: {last_line(str(exc))}"
        ) from None
    return configuration, loaded


def _pool(configuration: Any) -> Any:
    """urllib3 with the kubeconfig's TLS: its CA, client certificate, SNI name,
    or no verification when it says insecure-skip-tls-verify; its proxy."""
    import urllib3

    options: dict[str, Any] = {
        "cert_reqs": ssl.CERT_REQUIRED if configuration.verify_ssl else ssl.CERT_NONE,
        "ca_certs": configuration.ssl_ca_cert,
        "cert_file": configuration.cert_file,
        "key_file": configuration.key_file,
    }
    if getattr(configuration, "tls_server_name", None):
        options["server_hostname"] = configuration.tls_server_name
    if not configuration.verify_ssl:
        options["assert_hostname"] = False
    if getattr(configuration, "proxy", None):
        return urllib3.ProxyManager(configuration.proxy, **options)
    return urllib3.PoolManager(**options)


def keys_of(secret: Mapping[str, Any]) -> Iterator[str]:
    """The key names of a Secret, never its values."""
    for section in ("data", "stringData"):
        values = secret.get(section)
        if isinstance(values, Mapping):
            yield from (str(k) for k in values)
