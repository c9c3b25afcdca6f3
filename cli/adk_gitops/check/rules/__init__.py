"""The rule catalogue. Each rule is one module of this package declaring one
``RULE`` (id, category, severity, options, scope, docs); the registry finds them,
so adding a rule touches its module and its fixtures, nothing else."""

from __future__ import annotations

import importlib
import os
from typing import cast

from adk_gitops.check.rules._rule import Category, Rule


def _discover() -> tuple[Rule, ...]:
    return tuple(cast(Rule, importlib.import_module(f"{__name__}.{name}").RULE) for name in _module_names())


def _module_names() -> list[str]:
    """The rule modules: the package folder's ``*.py`` files read directly (~0.3 ms, where
    pkgutil.iter_modules takes ~6 ms on every run); pkgutil where there are none (an
    install without sources)."""
    names = sorted(
        entry.name.removesuffix(".py")
        for folder in __path__
        for entry in os.scandir(folder)
        if entry.name.endswith(".py") and not entry.name.startswith("_")
    )
    if names:
        return names
    import pkgutil

    return sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))


_RULES = _discover()
CATEGORIES: tuple[tuple[str, tuple[Rule, ...]], ...] = tuple(
    (category.value, tuple(sorted((r for r in _RULES if r.category is category), key=lambda r: r.id)))
    for category in Category
)
ALL_RULES: tuple[Rule, ...] = tuple(rule for _, rules in CATEGORIES for rule in rules)
ENGINE_RULES = frozenset(rule.id for rule in ALL_RULES if rule.category is Category.ENGINE)
# What `adk-gitops plan` reports, through the same engine as check: the sync-order rules.
SYNC_RULES: tuple[Rule, ...] = tuple(rule for rule in ALL_RULES if rule.category is Category.SYNC_ORDER)
_BY_ID = {rule.id: rule for rule in ALL_RULES}
# Rules that no longer exist, and what to do instead: named where an id is refused.
REMOVED: dict[str, str] = {
    "db-secret-consistent": "removed: the app and the migration now log in with two roles on purpose; "
    "see db-app-role-separate",
}


def unknown(rule_id: str) -> str:
    """Why ``rule_id`` names no rule, in one clause."""
    return f"no such rule {rule_id!r}" + (f" ({REMOVED[rule_id]})" if rule_id in REMOVED else "")


def get(rule_id: str) -> Rule:
    """The rule with this id; KeyError names the unknown id."""
    try:
        return _BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"no such rule: {rule_id}") from None
