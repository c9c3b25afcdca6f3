"""The API server's name grammars, in its words (k8s.io/apimachinery/pkg/util/validation/
validation.go: IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
IsValidLabelValue, IsValidPortName). Each returns the server's message, or None when
the value is valid; envgen checks a new environment's names with the same functions.
"""

from __future__ import annotations

import re

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = re.compile(_LABEL)
_DNS1123_SUBDOMAIN = re.compile(rf"{_LABEL}(\.{_LABEL})*")
_DNS1035_LABEL = re.compile("[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_PORT_NAME = re.compile("[-a-z0-9]+")


def _name_syntax(value: str, most: int, pattern: re.Pattern[str], what: str) -> str | None:
    if len(value) > most:
        return f"must be no more than {most} characters"
    return None if pattern.fullmatch(value) else what


def dns1123_label(value: str) -> str | None:
    """Why ``value`` is no DNS-1123 label, or None (and so for the others)."""
    return _name_syntax(
        value, 63, _DNS1123_LABEL,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character",
    )  # fmt: skip


def dns1123_subdomain(value: str) -> str | None:
    return _name_syntax(
        value, 253, _DNS1123_SUBDOMAIN,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
        "and must start and end with an alphanumeric character",
    )  # fmt: skip


def dns1035_label(value: str) -> str | None:
    return _name_syntax(
        value, 63, _DNS1035_LABEL,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
        "start with an alphabetic character, and end with an alphanumeric character",
    )  # fmt: skip


def qualified_name(value: str) -> str | None:
    """Label and annotation keys: an optional DNS subdomain prefix and '/', then a name."""
    prefix, _, name = value.rpartition("/")
    if "/" in value and (not prefix or dns1123_subdomain(prefix)):
        return "prefix part must be a lowercase RFC 1123 subdomain"
    if not name:
        return "name part must be non-empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _QUALIFIED_NAME.fullmatch(name):
        return (
            "name part must consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return None


def label_value(value: str) -> str | None:
    if len(value) > 63:
        return "must be no more than 63 characters"
    if value and not _QUALIFIED_NAME.fullmatch(value):
        return (
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return None


def port_name(value: str) -> str | None:
    """IANA_SVC_NAME: at most 15 characters, lowercase alphanumerics and '-', a letter in it."""
    if len(value) > 15:
        return "must be no more than 15 characters"
    if not _PORT_NAME.fullmatch(value):
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
    if "--" in value:
        return "must not contain consecutive hyphens"
    if not re.search("[a-z]", value):
        return "must contain at least one letter (a-z)"
    if value.startswith("-") or value.endswith("-"):
        return "must not begin or end with a hyphen"
    return None
