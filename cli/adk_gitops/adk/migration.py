"""The migration strategies an environment's PreSync Job can run, and how to
recognise them in a rendered container. One vocabulary for ``new-env``, the
rules and ``run-hook``.

- ``upgrade``: the seed's ``adk migrate upgrade --db_url $(DATABASE_URL)``, for
  ADK with Alembic migrations (google/adk-python PR #4408; in no release yet).
- ``prepare-tables``: released google-adk's
  ``DatabaseSessionService.prepare_tables()``, run with the image's own Python
  (components/migration-prepare-tables). It creates the tables and indexes and
  writes the schema-version row; it is idempotent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum


class Strategy(StrEnum):
    UPGRADE = "upgrade"
    PREPARE_TABLES = "prepare-tables"


DEFAULT = Strategy.PREPARE_TABLES  # what works with every google-adk on PyPI today

# The component an overlay lists to choose a strategy; ``upgrade`` is the base's own command.
COMPONENTS: dict[Strategy, str] = {Strategy.PREPARE_TABLES: "migration-prepare-tables"}
# The app's init container that waits for the schema (components/schema-gate): listed last.
SCHEMA_GATE = "schema-gate"

# SQLAlchemy drivers that create_async_engine accepts (ADK's DatabaseSessionService
# refuses a URL that "resolves to a synchronous driver").
ASYNC_DRIVERS = frozenset({"asyncpg", "psycopg", "psycopg_async", "aiomysql", "asyncmy", "aiosqlite"})
_SCHEME = re.compile(r"(?P<dialect>[a-z0-9]+)(?:\+(?P<driver>[a-z0-9_]+))?")


def strategy_of(argv: Sequence[str]) -> Strategy | None:
    """The strategy a container's command and args run, or None when neither. The
    base's command is the migration lock's wrapper: the strategy is what its args run."""
    if not argv:
        return None
    program = argv[0].rsplit("/", 1)[-1]
    if program == "adk" and list(argv[1:3]) == ["migrate", "upgrade"]:
        return Strategy.UPGRADE
    if program.startswith("python") and "-c" in argv:
        at = argv.index("-c") + 1
        script = argv[at] if at < len(argv) else ""
        if is_lock_wrapper(script):
            return strategy_of(argv[at + 1 :])
        if "prepare_tables()" in script and "DatabaseSessionService" in script:
            return Strategy.PREPARE_TABLES
    return None


def is_lock_wrapper(script: str) -> bool:
    """The base's command: takes the migration lock, then runs its args."""
    return "pg_advisory_lock" in script and "MIGRATION_LOCK" in script and "sys.argv[1:]" in script


# bases/adk-agent/migration-job.yaml: the advisory lock every migrator takes ("adkm").
MIGRATION_LOCK = 0x61646B6D


def component_name(entry: object) -> str:
    """The component a ``components:`` entry names: its folder (``../../components/x/`` -> ``x``)."""
    return str(entry).rstrip("/").rsplit("/", 1)[-1]


def strategy_of_components(components: Sequence[str]) -> Strategy:
    """The strategy an overlay's ``components:`` list selects."""
    names = {component_name(c) for c in components}
    for strategy, component in COMPONENTS.items():
        if component in names:
            return strategy
    return Strategy.UPGRADE


def sync_driver(scheme: str) -> str | None:
    """Why a URL scheme is not async for SQLAlchemy (``postgresql+psycopg2``), or None."""
    match = _SCHEME.fullmatch(scheme)
    if match is None:
        return None
    driver = match.group("driver")
    if driver is None:
        return f"{scheme}:// names no driver: SQLAlchemy 2.0 picks a synchronous one (psycopg2, pymysql)"
    if driver not in ASYNC_DRIVERS:
        return f"{scheme}:// names the synchronous driver {driver}"
    return None


def explain_failure(argv: Sequence[str], returncode: int, stderr: str) -> str | None:
    """One line on what a failed migration run means and its fix, when it is a
    known case; None otherwise."""
    if strategy_of(argv) is Strategy.UPGRADE and returncode == 2 and "No such command 'upgrade'" in stderr:
        return (
            "this image's adk has no `adk migrate upgrade` (no released google-adk has it yet: "
            "google/adk-python PR #4408); switch the environment to released ADK's prepare_tables(): "
            "adk-gitops set-migration ENV prepare-tables"
        )
    return None
