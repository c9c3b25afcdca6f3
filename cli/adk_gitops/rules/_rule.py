"""A rule is a module with a docstring (its user documentation) and one RULE."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from adk_gitops.model import Severity, Violation
from adk_gitops.rules._context import Context

CheckFn = Callable[[Context], Iterator[Violation]]
DOC_SECTIONS = ("## What it does", "## Why is this bad?", "## Example", "## Use instead")


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str  # one line: the requirement
    fix: str  # imperative: what to do about a finding
    check: CheckFn
    doc: str  # the module docstring, markdown with DOC_SECTIONS
