"""The repository's allow-list of remote bases: ``check.kustomize.remoteBases`` in
``adk-gitops.yaml``. A team that pins upstream installs (an Argo CD or cert-manager
release, its own platform bases) keeps ``check`` on in CI without ``--allow-remote``,
which would admit every https reference::

    check:
      kustomize:
        remoteBases:
          - https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v3.1.8  # exactly this
          - https://github.com/my-org/platform-bases/*    # any pinned reference below it

An entry is a reference exactly as a kustomization names it, or a prefix ending in
``/*``. A reference admitted by a prefix must pin its ``ref`` (or ``version``) to a
commit (7 to 40 hex digits) or a version tag (``v1.2.3``, ``1.2``, ``v3.1.8-rc1``):
a branch moves between review and sync, and ``check`` would judge what Argo CD
does not deploy. adk-gitops cannot tell a tag from a branch by its name, so the rule
is on the name's form. Anything else is admitted only by its exact entry.

What is admitted is still fetched only over https, from the sandbox, through the
network filter (egress.py), which opens tunnels to the hosts of the admitted
references only. The list is read from the trusted side: with ``--changed-from REF``
(a pull request's check), from ``REF``'s ``adk-gitops.yaml``, so a pull request
cannot widen it for itself (commands/_common.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from adk_gitops.errors import AdkGitopsError
from adk_gitops.kustomize.egress import remote_host

WHERE = "check.kustomize.remoteBases"
_COMMIT = re.compile(r"[0-9a-f]{7,40}")
_VERSION_TAG = re.compile(r"v?\d+(\.\d+)*([-+][0-9A-Za-z.-]+)?")
# A path that walks back up would leave the prefix once git or Go cleans it.
_DOT_SEGMENT = re.compile(r"(^|/)\.{1,2}(/|$)|%2e", re.IGNORECASE)


class RemoteBasesError(AdkGitopsError):
    """An allow-list entry this tool cannot use."""


@dataclass(frozen=True)
class RemoteBases:
    exact: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()  # each ending in "/", the "*" taken off
    source: str = ""  # where the list was read, for messages

    def __bool__(self) -> bool:
        return bool(self.exact or self.prefixes)

    def refusal(self, reference: str) -> str | None:
        """Why ``reference`` is not admitted (None: it is)."""
        text = reference.strip()
        if text in self.exact:
            return None
        prefix = next((p for p in self.prefixes if text.startswith(p)), None)
        if prefix is None:
            return f"not in {WHERE}" + (f" ({self.source})" if self.source else "")
        path = urlsplit(text if "://" in text else "https://" + text).path
        if _DOT_SEGMENT.search(text[len(prefix) :]) or _DOT_SEGMENT.search(path):
            return f"under {prefix}* but with a '.' or '..' segment, which could leave it"
        if remote_host(text) != remote_host(prefix):
            return f"under {prefix}* as text, but not on its host"
        if not pinned(text):
            return (
                f"under {prefix}* but not pinned: give ?ref= a commit or a version tag "
                "(or list the reference exactly)"
            )
        return None


def pinned(reference: str) -> bool:
    """Whether a reference names its ``ref`` or ``version`` as a commit or a version tag."""
    query = parse_qs(urlsplit(reference if "://" in reference else "https://" + reference).query)
    refs = query.get("ref", []) + query.get("version", [])
    return len(refs) == 1 and bool(_COMMIT.fullmatch(refs[0]) or _VERSION_TAG.fullmatch(refs[0]))


def parse(value: Any, where: str = WHERE, source: str = "") -> RemoteBases:
    if value is None:
        return RemoteBases(source=source)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise RemoteBasesError(
            f"{where}: a list of references, e.g. - https://github.com/org/repo//deploy?ref=v1"
        )
    exact: set[str] = set()
    prefixes: list[str] = []
    for i, raw in enumerate(value):
        entry = raw.strip()
        at = f"{where}[{i}]"
        if not entry.lower().removeprefix("git::").startswith("https://"):
            raise RemoteBasesError(f"{at}: {entry!r}: an https:// reference (fetched over https only)")
        if "*" in entry[:-1] or (entry.endswith("*") and not entry.endswith("/*")):
            raise RemoteBasesError(f"{at}: {entry!r}: a prefix ends in '/*' and holds no other '*'")
        if "@" in (urlsplit(entry.removeprefix("git::")).netloc):
            raise RemoteBasesError(f"{at}: {entry!r}: a reference with credentials in it")
        if entry.endswith("/*"):
            if urlsplit(entry.removeprefix("git::")).path in ("", "/*"):
                raise RemoteBasesError(
                    f"{at}: {entry!r}: a prefix names at least an owner: https://host/owner/*"
                )
            prefixes.append(entry[:-1])
        else:
            exact.add(entry)
    return RemoteBases(frozenset(exact), tuple(prefixes), source)
