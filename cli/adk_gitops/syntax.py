"""Syntax shared by the rules and the environment generator: image references,
Google Cloud names, and JSON pointers. One definition each, so ``check`` and
``new-env`` can never disagree on what a valid value is."""

from __future__ import annotations

import re
from dataclasses import dataclass

# --- JSON pointers (RFC 6901: "~" is escaped as "~0" before "/" as "~1") ---


def pointer(*segments: str | int) -> str:
    """An RFC 6901 JSON pointer from path segments."""
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in segments)


def annotation_pointer(key: str) -> str:
    """The pointer of one annotation: ``/metadata/annotations/argocd.argoproj.io~1hook``."""
    return pointer("metadata", "annotations", key)


def pointer_segments(text: str) -> list[str]:
    """The segments of a JSON pointer, unescaped ("~1" before "~0", as RFC 6901 says)."""
    if not text or text == "/":
        return []
    return [part.replace("~1", "/").replace("~0", "~") for part in text.lstrip("/").split("/")]


# --- Container image references ---


@dataclass(frozen=True)
class ImageRef:
    """``repository[:tag][@digest]``; ``tag`` and ``digest`` are "" when absent."""

    repository: str  # registry/path/name, without tag or digest
    tag: str = ""
    digest: str = ""

    def __str__(self) -> str:
        return (
            self.repository
            + (f":{self.tag}" if self.tag else "")
            + (f"@{self.digest}" if self.digest else "")
        )


def split_image(ref: str) -> ImageRef:
    """Split any reference as the runtime does (no validation): a ':' after the last
    '/' is a tag, not a registry port."""
    rest, _, digest = ref.strip().partition("@")
    slash, colon = rest.rfind("/"), rest.rfind(":")
    if colon > slash:
        return ImageRef(rest[:colon], rest[colon + 1 :], digest)
    return ImageRef(rest, "", digest)


# The distribution spec's grammar (github.com/distribution/reference): lowercase path
# components with separators, an optional registry port, tags of 128 word characters.
REPOSITORY = re.compile(r"[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-][a-z0-9]+)*)+")
TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
DIGEST = re.compile(r"sha256:[a-f0-9]{64}")

# --- Google Cloud names ---

# A Cloud SQL instance connection name: PROJECT:REGION:INSTANCE.
CONNECTION_NAME = re.compile(
    r"(?:[a-z0-9.-]+\.[a-z]{2,}:)?"  # legacy domain-scoped project
    r"[a-z][a-z0-9-]{4,28}[a-z0-9]"  # project id
    r":[a-z]+-[a-z]+[0-9]+"  # region, e.g. europe-west1
    r":[a-z][a-z0-9-]{0,97}"  # instance
    # The proxy's documented per-instance options (cloud-sql-proxy v2 --help, "Instance Level
    # Configuration"), values without white space, quotes or shell characters.
    r"(\?(?:address|port|unix-socket|unix-socket-path|auto-iam-authn|private-ip|psc)=[A-Za-z0-9._/:-]+"
    r"(&(?:address|port|unix-socket|unix-socket-path|auto-iam-authn|private-ip|psc)=[A-Za-z0-9._/:-]+)*)?"
)
# A Google service account e-mail: NAME@PROJECT.iam.gserviceaccount.com.
GSA = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z][a-z0-9-]{4,28}[a-z0-9]\.iam\.gserviceaccount\.com")
