"""Start a container's process the way the kubelet would, without a cluster.

The kubelet builds a container's environment from ``envFrom`` then ``env`` in
order; a ``value`` is expanded only against the entries before it, while
``command`` and ``args`` are expanded against the final environment. Expansion
is one pass: ``$(NAME)`` of a defined name is replaced, an undefined one is left
as written, ``$$`` becomes ``$``, and substituted text is never re-scanned.
Sources: kubernetes/kubernetes third_party/forked/golang/expansion/expand.go,
pkg/kubelet/kubelet_pods.go (makeEnvironmentVariables) and
pkg/kubelet/container/helpers.go (ExpandContainerCommandAndArgs).
"""

from __future__ import annotations

import base64
import binascii
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adk_gitops.argocd.annotations import hook_info
from adk_gitops.errors import PodEnvError
from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource

# A C identifier is what envFrom accepts as a variable name (kubelet skips others).
_ENV_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")


def _tokens(text: str) -> Iterator[tuple[bool, str]]:
    """Kubernetes' expansion grammar: (True, NAME) for a ``$(NAME)`` reference,
    (False, text) for literal text (``$$`` already reduced to ``$``). Literal runs
    come whole: a long script without ``$`` is one token, not one per character."""
    i, n = 0, len(text)
    while i < n:
        dollar = text.find("$", i)
        if dollar == -1:
            yield False, text[i:]
            return
        if dollar > i:
            yield False, text[i:dollar]
            i = dollar
        if i + 1 >= n:
            yield False, "$"
            return
        nxt = text[i + 1]
        if nxt == "$":  # escaped operator
            yield False, "$"
            i += 2
        elif nxt == "(":
            close = text.find(")", i + 2)
            if close == -1:  # incomplete reference: kept as written
                yield False, "$("
                i += 2
            else:
                yield True, text[i + 2 : close]
                i = close + 1
        else:  # a lone operator
            yield False, "$" + nxt
            i += 2


def expand(text: str, env: Mapping[str, str]) -> str:
    """Kubernetes' ``$(VAR)`` expansion, character for character."""
    return "".join((env.get(tok, f"$({tok})") if is_ref else tok) for is_ref, tok in _tokens(text))


def references(text: str) -> list[str]:
    """The variable names ``text`` refers to with ``$(NAME)`` (escapes excluded)."""
    return [tok for is_ref, tok in _tokens(text) if is_ref]


def _data(res: Resource, key: str) -> Mapping[str, Any]:
    value = res.body.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PodEnvError(f"{res.kind} {res.name!r}: {key} must be a mapping, not a {type(value).__name__}")
    return value


@dataclass(frozen=True)
class SecretStore:
    """Secrets and ConfigMaps the pod may read: Secrets given locally (never
    from git), ConfigMaps from the rendered overlay."""

    secrets: Mapping[str, Mapping[str, str]]
    config_maps: Mapping[str, Mapping[str, str]]

    @classmethod
    def from_resources(cls, secret_docs: Sequence[Resource], rendered: Sequence[Resource]) -> SecretStore:
        secrets: dict[str, dict[str, str]] = {}
        for doc in secret_docs:
            if doc.kind != "Secret":
                raise PodEnvError(f"secret file holds a {doc.kind} {doc.name!r}: only Secrets belong there")
            values = {str(k): _b64(doc.name, str(k), v) for k, v in _data(doc, "data").items()}
            values.update({str(k): str(v) for k, v in _data(doc, "stringData").items()})
            secrets[doc.name] = values
        config_maps = {
            r.name: {str(k): str(v) for k, v in _data(r, "data").items()}
            for r in rendered
            if r.kind == "ConfigMap"
        }
        return cls(secrets, config_maps)

    def lookup(self, kind: str, name: str, key: str, namespace: str) -> str:
        source = self.secrets if kind == "Secret" else self.config_maps
        if name not in source:
            raise PodEnvError(f"CreateContainerConfigError: {kind.lower()} {name!r} not found")
        if key not in source[name]:
            raise PodEnvError(
                f"CreateContainerConfigError: couldn't find key {key} in {kind} {namespace}/{name}"
            )
        return source[name][key]


def _b64(name: str, key: str, value: Any) -> str:
    try:
        return base64.b64decode(str(value), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise PodEnvError(f"Secret {name!r} key {key!r}: data is not base64 of UTF-8 text") from None


def container_env(container: Mapping[str, Any], store: SecretStore, namespace: str) -> dict[str, str]:
    """The environment the kubelet gives this container (without image ENV)."""
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        prefix = str(source.get("prefix", ""))
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            ref = source.get(field)
            if not isinstance(ref, Mapping):
                continue
            pool = store.secrets if kind == "Secret" else store.config_maps
            name = str(ref.get("name", ""))
            if name not in pool:
                if ref.get("optional"):
                    continue
                raise PodEnvError(f"CreateContainerConfigError: {kind.lower()} {name!r} not found")
            for key, value in pool[name].items():
                if _ENV_NAME.fullmatch(prefix + key):
                    env[prefix + key] = value
    for entry in container.get("env") or []:
        name = str(entry["name"])
        if "valueFrom" in entry:
            value_from = entry["valueFrom"]
            for field, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
                ref = value_from.get(field)
                if isinstance(ref, Mapping):
                    try:
                        env[name] = store.lookup(kind, str(ref.get("name")), str(ref.get("key")), namespace)
                    except PodEnvError:
                        if not ref.get("optional"):
                            raise
                    break
            else:
                raise PodEnvError(f"env {name}: only secretKeyRef and configMapKeyRef can be run locally")
        else:
            # Only earlier entries are visible to a value (order matters).
            env[name] = expand(str(entry.get("value", "")), env)
    return env


@dataclass(frozen=True)
class PreparedProcess:
    resource: Resource
    container: str
    argv: tuple[str, ...]
    env: Mapping[str, str]


def find_workload(resources: Sequence[Resource], kind: str, name: str | None = None) -> Resource:
    """The one workload of ``kind`` (the hook Job, for ``Job``), or the named one."""
    candidates = [r for r in resources if r.kind == kind and (name is None or r.name == name)]
    if kind == "Job" and name is None:
        candidates = [r for r in candidates if hook_info(r).is_hook] or candidates
    if len(candidates) != 1:
        found = ", ".join(r.name for r in candidates) or "none"
        wanted = f"{kind} {name!r}" if name else f"exactly one {kind}"
        raise PodEnvError(f"expected {wanted} in the rendered overlay, found: {found}")
    return candidates[0]


def prepare(resource: Resource, store: SecretStore, container_name: str | None = None) -> PreparedProcess:
    """The argv and environment of a workload's main container, or of the named
    one (an init container too: the app's schema gate)."""
    pod = podspec.pod_spec(resource)
    if pod is None:
        raise PodEnvError(f"{resource.id} has no pod template")
    candidates = [c for c in podspec.containers(pod) if container_name is not None or not c.init]
    chosen = [c for c in candidates if container_name is None or c.name == container_name][:1]
    if not chosen:
        raise PodEnvError(f"{resource.id} has no container {container_name!r}")
    body = chosen[0].body
    env = container_env(body, store, resource.namespace)
    argv = [expand(str(a), env) for a in [*(body.get("command") or []), *(body.get("args") or [])]]
    if not argv:
        raise PodEnvError(
            f"{resource.id} container {chosen[0].name!r} sets no command: the image's is unknown here"
        )
    return PreparedProcess(resource, chosen[0].name, tuple(argv), env)


def run(
    process: PreparedProcess,
    *,
    search_path: str | None = None,
    wrapper: Sequence[str] = (),
    timeout: float = 300.0,
) -> subprocess.CompletedProcess[str]:
    """Run the process with its environment and nothing else from the host.

    ``argv[0]`` is resolved on ``search_path``, which stands in for the image's PATH:
    the process gets it as PATH, as a container's process gets its image's ENV PATH
    (unless the manifest sets one); ``wrapper`` prefixes the argv, e.g. ``nsenter -t
    PID -n --``."""
    executable = shutil.which(process.argv[0], path=search_path)
    if executable is None:
        raise PodEnvError(f"{process.argv[0]!r}: executable file not found in $PATH")
    argv = [*wrapper, executable, *process.argv[1:]]
    _executable_strings(process)
    env = {"PATH": search_path, **process.env} if search_path else dict(process.env)
    try:
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise PodEnvError(f"{process.resource.id}: still running after {timeout:g}s") from None
    except OSError as exc:  # E2BIG for all of them together, ENOEXEC...
        raise PodEnvError(f"{process.argv[0]!r}: cannot start: {exc.strerror}") from None


# Linux's ceiling for one argument or one NAME=value string (MAX_ARG_STRLEN, 32 pages):
# execve fails with E2BIG beyond it, in a container as here.
MAX_ARG_STRLEN = 32 * 4096


def _executable_strings(process: PreparedProcess) -> None:
    """Refuse, naming the variable (never its value), what no process can be given:
    a NUL byte, or one string longer than the kernel takes."""
    for name, value in process.env.items():
        if "\0" in value:
            raise PodEnvError(
                f"environment variable {name}: its value holds a NUL byte, which no process can take"
            )
        size = len(f"{name}={value}".encode())
        if size > MAX_ARG_STRLEN:
            raise PodEnvError(
                f"environment variable {name}: {size:,} bytes, more than the {MAX_ARG_STRLEN:,} Linux gives "
                "one variable (MAX_ARG_STRLEN): a container could not start with it either"
            )
    for i, arg in enumerate(process.argv):
        if "\0" in arg or len(arg.encode()) > MAX_ARG_STRLEN:
            raise PodEnvError(
                f"argument {i} of the command: a NUL byte, or more than {MAX_ARG_STRLEN:,} bytes"
            )
