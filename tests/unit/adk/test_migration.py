"""The migration-strategy vocabulary: what a container runs, what an overlay selects."""

from __future__ import annotations

import pytest

from adk_gitops.adk.migration import (
    Strategy,
    explain_failure,
    strategy_of,
    strategy_of_components,
    sync_driver,
)

PREPARE = ["python", "-c", "from google.adk.sessions.database_session_service import DatabaseSessionService\n"
           "... DatabaseSessionService(db_url=u).prepare_tables()"]  # fmt: skip


LOCK = "MIGRATION_LOCK = 0x61646B6D ... pg_advisory_lock ... program(sys.argv[1:])"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["adk", "migrate", "upgrade", "--db_url", "$(DATABASE_URL)"], Strategy.UPGRADE),
        (["/home/myuser/.local/bin/adk", "migrate", "upgrade"], Strategy.UPGRADE),
        (PREPARE, Strategy.PREPARE_TABLES),
        (["/usr/local/bin/python3.11", *PREPARE[1:]], Strategy.PREPARE_TABLES),
        (["adk", "migrate", "session"], None),
        (["python", "-c"], None),
        (["python", "-c", "print('prepare_tables()')"], None),
        (["alembic", "upgrade", "head"], None),
        # The base's command, the migration lock, runs its args: the strategy is theirs.
        (
            ["python", "-c", LOCK, "adk", "migrate", "upgrade", "--db_url", "$(DATABASE_URL)"],
            Strategy.UPGRADE,
        ),
        (["python", "-c", LOCK, *PREPARE], Strategy.PREPARE_TABLES),
        (["python", "-c", LOCK], None),
        ([], None),
    ],
)
def test_strategy_of_argv(argv: list[str], expected: Strategy | None) -> None:
    assert strategy_of(argv) is expected


def test_strategy_of_components() -> None:
    assert strategy_of_components(["../../components/db-postgres"]) is Strategy.UPGRADE
    assert (
        strategy_of_components(["../../components/db-postgres", "../../components/migration-prepare-tables/"])
        is Strategy.PREPARE_TABLES
    )


@pytest.mark.parametrize(
    ("scheme", "sync"),
    [
        ("postgresql+asyncpg", False),
        ("postgresql+psycopg", False),
        ("mysql+aiomysql", False),
        ("postgresql", True),
        ("postgres", True),
        ("postgresql+psycopg2", True),
        ("postgresql+pg8000", True),
        ("mysql+pymysql", True),
    ],
)
def test_sync_driver(scheme: str, sync: bool) -> None:
    assert (sync_driver(scheme) is not None) is sync


def test_explain_failure_names_the_fix_only_for_a_missing_upgrade_command() -> None:
    upgrade = ["adk", "migrate", "upgrade", "--db_url", "x"]
    missing = "Usage: adk migrate [OPTIONS] COMMAND [ARGS]...\nError: No such command 'upgrade'.\n"
    hint = explain_failure(upgrade, 2, missing)
    assert hint is not None and "adk-gitops set-migration ENV prepare-tables" in hint
    assert explain_failure(upgrade, 1, "Migration failed: boom") is None
    assert explain_failure(PREPARE, 2, missing) is None
