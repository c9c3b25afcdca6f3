"""Rules the engine reports itself (their check never yields): documented and
listed like every other rule."""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.check.model import Violation
from adk_gitops.check.rules._context import Context


def no_check(ctx: Context) -> Iterator[Violation]:
    return iter(())
