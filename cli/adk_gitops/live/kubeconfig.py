"""Kubeconfig files read as kubectl reads them, before the Kubernetes client sees them.

The client's own loader is used for what it does well (contexts, TLS material, OIDC
and GCP providers) but not for three things it does differently from kubectl:
- it reads files of any size and kind (a FIFO blocks it, /dev/zero never ends);
  here each file goes through bounded.py;
- it runs an exec credential plugin with no time limit and lets it prompt; here the
  plugin runs without a terminal, with a deadline, its output bounded, and its
  failure is one line as kubectl gives it
  (k8s.io/client-go/plugin/pkg/client/auth/exec/exec.go);
- it sends a ``tokenFile``'s content untrimmed (a trailing newline breaks the
  header); client-go trims it, and a token file wins over ``token``
  (k8s.io/client-go/tools/clientcmd/api/types.go, AuthInfo.TokenFile).
The result is one kubeconfig, merged as kubectl merges $KUBECONFIG (the first file
to set a name or the current context wins), its relative paths made absolute
against the file that holds them (clientcmd ResolvePaths), and the selected user's
plugin replaced by the credential it gave.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from adk_gitops import bounded
from adk_gitops.errors import AdkGitopsError
from adk_gitops.yamlparse import error_of

EXEC_TIMEOUT_S = 60.0  # a plugin that waits for a browser login or a hung network
MAX_KUBECONFIG_BYTES = 4 * 2**20  # embedded certificates make a kubeconfig tens of KiB
MAX_PLUGIN_OUTPUT_BYTES = 2**20  # an ExecCredential is a token or a certificate pair
_SECTIONS = (("clusters", "cluster"), ("users", "user"), ("contexts", "context"))
# Fields that name files, relative to the kubeconfig that holds them (clientcmd ResolvePaths).
_PATHS = {
    "clusters": ("certificate-authority",),
    "users": ("client-certificate", "client-key", "tokenFile"),
    "contexts": (),
}


class KubeconfigError(AdkGitopsError):
    """A kubeconfig that cannot be read, or credentials that cannot be had."""


@dataclass(frozen=True)
class Loaded:
    config: dict[str, Any]  # for kubernetes.config.load_kube_config_from_dict
    location: str  # the file(s) messages name
    expires: float | None  # time.time() at which the plugin's credential expires


def locations(explicit: Path | None) -> tuple[list[Path], bool]:
    """The files to read, and whether each must exist (--kubeconfig) or may be
    missing (entries of $KUBECONFIG, as kubectl skips them)."""
    if explicit is not None:
        return [explicit], True
    listed = os.environ.get("KUBECONFIG", "")
    if listed:
        return [Path(p) for p in listed.split(os.pathsep) if p], False
    return [Path.home() / ".kube" / "config"], True


def load(explicit: Path | None, context: str | None) -> Loaded:
    paths, required = locations(explicit)
    location = os.pathsep.join(str(p) for p in paths)
    merged: dict[str, Any] = {section: [] for section, _ in _SECTIONS}
    seen: dict[str, set[str]] = {section: set() for section, _ in _SECTIONS}
    current = ""
    read = 0
    for path in paths:
        if not required and not path.exists():
            continue
        doc = _read(path)
        read += 1
        current = current or str(doc.get("current-context") or "")
        for section, field in _SECTIONS:
            entries = doc.get(section)
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, Mapping) or not isinstance(entry.get("name"), str):
                    continue
                if entry["name"] in seen[section]:
                    continue
                seen[section].add(entry["name"])
                body = dict(entry.get(field) or {})
                merged[section].append({"name": entry["name"], field: _absolute(section, body, path.parent)})
    if not read:
        raise KubeconfigError(f"{location}: no kubeconfig (none of these files exists)")
    merged["current-context"] = current
    name = context or current
    ctx = next((c["context"] for c in merged["contexts"] if c["name"] == name), None)
    if ctx is None:
        said = f'context "{name}" does not exist' if name else "no current-context is set (use --context)"
        raise KubeconfigError(f"{location}: {said}")
    user = next((u for u in merged["users"] if u["name"] == ctx.get("user")), None)
    expires: float | None = None
    if user is not None:
        cluster: Mapping[str, Any] = next(
            (c["cluster"] for c in merged["clusters"] if c["name"] == ctx.get("cluster")), {}
        )
        user["user"], expires = _credentials(user["user"], cluster, location)
    return Loaded(merged, location, expires)


def _read(path: Path) -> Mapping[str, Any]:
    try:
        text = bounded.read_text(path, MAX_KUBECONFIG_BYTES)
    except OSError as exc:
        raise KubeconfigError(f"{path}: cannot read the kubeconfig: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise KubeconfigError(f"{path}: not a kubeconfig: not UTF-8 text") from None
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise KubeconfigError(str(error_of(exc, str(path)))) from None
    if doc is None:
        return {}
    if not isinstance(doc, Mapping):
        raise KubeconfigError(f"{path}: not a kubeconfig: not a mapping")
    return doc


def _absolute(section: str, body: dict[str, Any], base: Path) -> dict[str, Any]:
    for key in _PATHS[section]:
        value = body.get(key)
        if isinstance(value, str) and value and not Path(value).is_absolute():
            body[key] = str(base / value)
    plugin = body.get("exec")
    if section == "users" and isinstance(plugin, Mapping):
        command = plugin.get("command")
        # Only a command with a separator is a path (client-go exec.go; else looked up in PATH).
        if isinstance(command, str) and os.sep in command and not Path(command).is_absolute():
            body["exec"] = {**plugin, "command": str(base / command)}
    return body


def _credentials(
    user: dict[str, Any], cluster: Mapping[str, Any], location: str
) -> tuple[dict[str, Any], float | None]:
    """The user with its token file read and trimmed, and its exec plugin replaced
    by the credential it gave (and when that expires)."""
    token_file = user.pop("tokenFile", None)
    if isinstance(token_file, str) and token_file:
        try:
            user["token"] = bounded.read_text(token_file, bounded.MAX_CONFIG_BYTES).strip()
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
            raise KubeconfigError(f"{location}: tokenFile {token_file}: cannot read: {why}") from None
    plugin = user.pop("exec", None)
    if not isinstance(plugin, Mapping):
        return user, None
    status = _run_plugin(plugin, cluster, location)
    expires = _expiry(status.get("expirationTimestamp"))
    if isinstance(status.get("token"), str) and status["token"]:
        return {**user, "token": status["token"]}, expires
    cert, key = status.get("clientCertificateData"), status.get("clientKeyData")
    if isinstance(cert, str) and isinstance(key, str) and cert and key:
        pair = {"client-certificate-data": cert, "client-key-data": key}
        return {**user, **{k: base64.b64encode(v.encode()).decode() for k, v in pair.items()}}, expires
    raise _no_credentials(location, "the plugin's ExecCredential has no token or certificate")


def _no_credentials(location: str, why: str) -> KubeconfigError:
    """kubectl's words: ``getting credentials: ...`` (client-go exec.go)."""
    return KubeconfigError(f"{location}: getting credentials: {why}")


def _run_plugin(plugin: Mapping[str, Any], cluster: Mapping[str, Any], location: str) -> Mapping[str, Any]:
    command = plugin.get("command")
    api_version = plugin.get("apiVersion")
    if not isinstance(command, str) or not command or not isinstance(api_version, str):
        raise _no_credentials(location, "exec needs `command` and `apiVersion`")
    if plugin.get("interactiveMode") == "Always":
        raise _no_credentials(
            location,
            f"exec plugin `{command}` needs a terminal (interactiveMode: Always); this tool gives none",
        )
    args = [str(a) for a in plugin.get("args") or []]
    env = dict(os.environ)
    for item in plugin.get("env") or []:
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            env[item["name"]] = str(item.get("value", ""))
    spec: dict[str, Any] = {"interactive": False}
    if plugin.get("provideClusterInfo"):
        spec["cluster"] = _cluster_info(cluster)
    env["KUBERNETES_EXEC_INFO"] = json.dumps(
        {"apiVersion": api_version, "kind": "ExecCredential", "spec": spec}
    )
    # Output into files, read with a ceiling: no pipe to fill, nothing unbounded in memory.
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            done = subprocess.run(
                [command, *args], stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                timeout=EXEC_TIMEOUT_S, check=False,
            )  # fmt: skip
        except FileNotFoundError:
            hint = str(plugin.get("installHint") or "").strip().splitlines()
            more = f" ({hint[0].strip()})" if hint else ""
            raise KubeconfigError(
                f"{location}: getting credentials: exec: executable {command} not found{more}"
            ) from None
        except PermissionError:
            raise KubeconfigError(
                f"{location}: getting credentials: exec: {command}: permission denied"
            ) from None
        except subprocess.TimeoutExpired:  # subprocess.run has killed it
            raise KubeconfigError(
                f"{location}: getting credentials: exec plugin `{command}` gave none in "
                f"{EXEC_TIMEOUT_S:.0f} s (stopped)"
            ) from None
        stdout, stderr = (_bounded_output(f) for f in (out, err))
    if done.returncode != 0:
        last = [line.strip() for line in stderr.splitlines() if line.strip()]
        why = f": {last[-1]}" if last else ""
        raise _no_credentials(
            location, f"exec: executable {command} failed with exit code {done.returncode}{why}"
        )
    try:
        credential = json.loads(stdout)
    except ValueError:
        raise KubeconfigError(
            f"{location}: getting credentials: exec plugin `{command}` wrote no ExecCredential JSON"
        ) from None
    if not isinstance(credential, Mapping) or credential.get("kind") != "ExecCredential":
        raise KubeconfigError(
            f"{location}: getting credentials: exec plugin `{command}` wrote no ExecCredential"
        )
    if credential.get("apiVersion") != api_version:
        answered = credential.get("apiVersion")
        raise _no_credentials(location, f"exec plugin `{command}` answered {answered!r}, not {api_version!r}")
    status = credential.get("status")
    return status if isinstance(status, Mapping) else {}


def _bounded_output(file: Any) -> str:
    file.seek(0)
    data = file.read(MAX_PLUGIN_OUTPUT_BYTES + 1)
    if len(data) > MAX_PLUGIN_OUTPUT_BYTES:
        raise KubeconfigError("getting credentials: the exec plugin wrote more than 1 MiB")
    return str(data.decode("utf-8", errors="replace"))


def _cluster_info(cluster: Mapping[str, Any]) -> dict[str, Any]:
    """spec.cluster of KUBERNETES_EXEC_INFO (client.authentication.k8s.io Cluster)."""
    names = {
        "server": "server", "certificate-authority-data": "certificate-authority-data",
        "insecure-skip-tls-verify": "insecure-skip-tls-verify", "tls-server-name": "tls-server-name",
        "proxy-url": "proxy-url",
    }  # fmt: skip
    info = {out: cluster[key] for key, out in names.items() if key in cluster}
    for extension in cluster.get("extensions") or []:
        if isinstance(extension, Mapping) and extension.get("name") == "client.authentication.k8s.io/exec":
            info["config"] = extension.get("extension")
    return info


def _expiry(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def expired(loaded: Loaded, margin_s: float = 10.0) -> bool:
    return loaded.expires is not None and time.time() >= loaded.expires - margin_s
