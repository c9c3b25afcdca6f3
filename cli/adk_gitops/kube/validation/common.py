"""What every kind's validation shares: the problem type, item and range helpers, label maps,
named ports and quantities as fields (k8s.io/apimachinery/pkg/util/validation/validation.go
IsInRange, IsValidPortNum).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from adk_gitops.kube.validation.names import dns1123_label, label_value, port_name, qualified_name
from adk_gitops.kube.validation.quantity import quantity
from adk_gitops.syntax import pointer

INT32_MAX = 2**31 - 1


@dataclass(frozen=True)
class ApiProblem:
    pointer: str
    message: str
    until: int | None = None  # the last Kubernetes 1.x minor that rejects it; None: every minor
    since: int = 0  # the first minor that rejects it

    def holds_for(self, versions: Iterable[str]) -> bool:
        """Whether any of the target versions ("1.34") rejects it."""
        if self.until is None and not self.since:
            return True
        last = 10**6 if self.until is None else self.until
        return any(self.since <= _minor(v) <= last for v in versions)

    @property
    def worded(self) -> str:
        """The server's words, and the minors that say them when not all do."""
        if self.until is None and not self.since:
            return self.message
        if not self.since:
            return f"{self.message} (Kubernetes 1.{self.until} and earlier)"
        if self.until is None:
            return f"{self.message} (Kubernetes 1.{self.since} and later)"
        return f"{self.message} (Kubernetes 1.{self.since} to 1.{self.until})"


def _minor(version: str) -> int:
    _, _, minor = version.partition(".")
    return int(minor) if minor.isdigit() else 0


def items(node: Any) -> list[tuple[int, Mapping[str, Any]]]:
    return [(i, v) for i, v in enumerate(node) if isinstance(v, Mapping)] if isinstance(node, list) else []


def int_range(value: Any, low: int, high: int) -> str | None:
    """The server's range for a field; a number its Go type cannot hold (int32
    overflow) is the schema's to report (``format: int32`` bounds)."""
    if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
        if not -(2**31) <= value <= INT32_MAX and high <= INT32_MAX:
            return None
        return f"Invalid value: {value}: must be between {low} and {high}, inclusive"
    return None


def labels(meta: Any, at: tuple[str, ...]) -> Iterator[ApiProblem]:
    if not isinstance(meta, Mapping):
        return
    for field in ("labels", "annotations"):
        entries = meta.get(field)
        if not isinstance(entries, Mapping):
            continue
        for key, value in entries.items():
            why = qualified_name(str(key))
            if why:
                yield ApiProblem(pointer(*at, field, str(key)), f"Invalid value: {str(key)!r}: {why}")
            elif field == "labels" and isinstance(value, str):
                why = label_value(value)
                if why:
                    yield ApiProblem(pointer(*at, field, str(key)), f"Invalid value: {value!r}: {why}")


def named_port(value: Any, at: tuple[str | int, ...], *, dns: bool = False) -> Iterator[ApiProblem]:
    """Service port names are DNS-1123 labels; container port names and named
    target ports are IANA service names."""
    if not isinstance(value, str) or not value:
        return
    why = dns1123_label(value) if dns else port_name(value)
    if why:
        yield ApiProblem(pointer(*at), f"Invalid value: {value!r}: {why}")


def quantity_problem(value: Any, at: str) -> ApiProblem | None:
    parsed = quantity(value)
    if parsed is None:
        return ApiProblem(
            at, f"Invalid value: {value!r}: quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        )  # fmt: skip
    if parsed < 0:
        return ApiProblem(at, f"Invalid value: {value!r}: must be greater than or equal to 0")
    return None
