"""Stand-in for `adk migrate upgrade` (google/adk-python PR #4408, unreleased).

Same interface and exit codes as the PR's command: ``adk migrate upgrade
--db_url URL [--log_level LEVEL]``; 0 on success, 1 with "Migration failed: …"
on any error, 2 on usage errors. Like the real command it drops a ``+driver``
suffix from the URL scheme and connects with a synchronous SQLAlchemy engine.
Instead of Alembic revisions it creates a marker table and records who ran it.
"""

from __future__ import annotations

import argparse
import sys

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="adk")
    groups = parser.add_subparsers(dest="group", required=True)
    migrate = groups.add_parser("migrate").add_subparsers(dest="command", required=True)
    upgrade = migrate.add_parser("upgrade")
    upgrade.add_argument("--db_url", required=True)
    upgrade.add_argument("--log_level", default="INFO", choices=LEVELS)
    args = parser.parse_args(argv)  # exits 2 on usage errors, as click does

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    try:
        url = make_url(args.db_url)
        url = url.set(drivername=url.drivername.split("+", 1)[0])  # the PR's to_sync_url()
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE TABLE IF NOT EXISTS adk_gitops_migration_marker ("
                    " id serial PRIMARY KEY, migrated_by text NOT NULL DEFAULT current_user,"
                    " migrated_at timestamptz NOT NULL DEFAULT now())"
                )
            )
            conn.execute(text("INSERT INTO adk_gitops_migration_marker DEFAULT VALUES"))
        engine.dispose()
    except Exception as exc:  # the real command reports every failure the same way
        print(f"Migration failed: {exc}", file=sys.stderr)
        return 1
    print("Migration completed successfully.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
