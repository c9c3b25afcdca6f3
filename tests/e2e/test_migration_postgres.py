"""Run the rendered migration Job's exact argv, with the environment the kubelet
would build from a Secret, against a real PostgreSQL; then connect as the app
does from the Deployment's environment. Passwords carry every character that
breaks a URL.

Both strategies run. ``prepare-tables`` (the shipped overlays) executes released
google-adk 2.13.0's own ``prepare_tables()`` with this virtualenv's Python, which
stands in for the image's interpreter, and the test then reads ADK's real schema
from ADK's own SQLAlchemy metadata. ``upgrade`` runs the real ``adk migrate
upgrade`` when an installed ADK has it, else a stand-in with its interface; each
test records which ran. What this cannot prove: anything of the API server, Argo
CD or Cloud SQL itself (the proxy is stood in for by a server on its address)."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import yaml

from adk_gitops.adk import podenv
from adk_gitops.adk.migration import MIGRATION_LOCK, Strategy, strategy_of
from adk_gitops.errors import PodEnvError
from adk_gitops.kube.manifests import Resource, load_stream
from tests.conftest import REPO, AdkCli, RecordProperty, RenderFn
from tests.e2e.conftest import SUPPORT
from tests.e2e.support.postgres import IAM_APP_USER, IAM_USER, PostgresServer

pytestmark = pytest.mark.e2e

SPECIAL = {
    "at": "@",
    "colon": ":",
    "slash": "/",
    "hash": "#",
    "percent": "%",
    "question": "?",
    "dollar": "$",
    "lparen": "(",
    "rparen": ")",
    "space": " ",
}
ALL_AT_ONCE = "p@ss:w/rd#50%?$(PGUSER)$$ x"  # also a $(VAR) that must never be expanded


def secret(name: str, **data: str) -> Resource:
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    (res,) = load_stream(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": name},
                "type": "Opaque",
                "data": encoded,
            }
        )
    )
    return res


Migrators = dict[Strategy, AdkCli]


@pytest.fixture(scope="session")
def migrators(image_python: AdkCli, adk_cli: AdkCli) -> Migrators:
    """What runs each strategy's Job: released ADK's Python, or `adk` (real or stand-in)."""
    return {Strategy.PREPARE_TABLES: image_python, Strategy.UPGRADE: adk_cli}


# Each strategy over each db flavour: the shipped overlays select prepare-tables.
OVERLAYS = {
    (Strategy.PREPARE_TABLES, "postgres"): "overlays/postgres",
    (Strategy.PREPARE_TABLES, "cloudsql"): "overlays/cloudsql",
    (Strategy.PREPARE_TABLES, "iam"): "tests/fixtures/overlays/cloudsql-iam",
    (Strategy.UPGRADE, "postgres"): "tests/fixtures/overlays/upgrade-postgres",
    (Strategy.UPGRADE, "cloudsql"): "tests/fixtures/overlays/upgrade-cloudsql",
    (Strategy.UPGRADE, "iam"): "tests/fixtures/overlays/upgrade-cloudsql-iam",
}


def run_job(
    resources: tuple[Resource, ...],
    secrets: list[Resource],
    pg: PostgresServer,
    migrators: Migrators,
    record_property: RecordProperty,
) -> subprocess.CompletedProcess[str]:
    store = podenv.SecretStore.from_resources(secrets, resources)
    process = podenv.prepare(podenv.find_workload(resources, "Job"), store)
    strategy = strategy_of(process.argv)
    assert strategy is not None, process.argv
    if strategy is Strategy.UPGRADE:
        # The seed's own command, or the base's (the migration lock) running it as its args.
        seed = ("adk", "migrate", "upgrade", "--db_url")
        assert seed in (process.argv[:4], process.argv[3:7]), process.argv
    runner = migrators[strategy]
    record_property("migration", strategy.value)
    record_property("adk", runner.kind)
    print(f"migration {strategy.value} run by {runner.kind}")
    # The image's PATH: the migrator (the `adk` stand-in, or released ADK's Python) and the
    # Python that takes the migration lock (this virtualenv's, released ADK's dependencies).
    return podenv.run(process, search_path=image_path(runner), wrapper=pg.nsenter, timeout=120)


def image_path(runner: AdkCli) -> str:
    """What stands in for the image's PATH: ``runner``'s folder, then this virtualenv's."""
    return os.pathsep.join(dict.fromkeys([str(runner.bin_dir), str(Path(sys.executable).parent)]))


def run_app(resources: tuple[Resource, ...], secrets: list[Resource], pg: PostgresServer) -> str:
    """The Deployment's env and its --session_service_uri, used by DatabaseSessionService."""
    store = podenv.SecretStore.from_resources(secrets, resources)
    process = podenv.prepare(podenv.find_workload(resources, "Deployment"), store)
    (uri,) = [a.split("=", 1)[1] for a in process.argv if a.startswith("--session_service_uri=")]
    result = subprocess.run(
        [*pg.nsenter, sys.executable, str(SUPPORT / "adk_app_probe.py"), uri],
        env=dict(process.env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def migrated_by(pg: PostgresServer, database: str) -> list[object]:
    return [row[0] for row in pg.query(database, "SELECT migrated_by FROM adk_gitops_migration_marker")]


def assert_adk_schema(pg: PostgresServer, database: str, owner: str) -> None:
    """Every table and index released ADK's own metadata declares exists, created by
    ``owner``, and the schema-version row is ADK's latest. Names are read from ADK."""
    from google.adk.sessions.migration import _schema_check_utils as versions
    from google.adk.sessions.schemas.v1 import Base, StorageMetadata

    rows = pg.query(database, "SELECT tablename, tableowner FROM pg_tables WHERE schemaname='public'")
    tables = {str(name): str(owner) for name, owner in rows}
    declared = set(Base.metadata.tables)
    assert declared <= set(tables), f"missing tables: {declared - set(tables)}"
    assert {tables[t] for t in declared} == {owner}
    indexes = {
        row[0] for row in pg.query(database, "SELECT indexname FROM pg_indexes WHERE schemaname='public'")
    }
    declared_indexes = {i.name for t in Base.metadata.tables.values() for i in t.indexes}
    assert declared_indexes and declared_indexes <= indexes, f"missing indexes: {declared_indexes - indexes}"
    rows = pg.query(
        database,
        f"SELECT value FROM {StorageMetadata.__tablename__} WHERE key = '{versions.SCHEMA_VERSION_KEY}'",
    )
    assert rows == [(versions.LATEST_SCHEMA_VERSION,)]


def assert_migrates_then_serves(
    strategy: Strategy,
    resources: tuple[Resource, ...],
    secrets: list[Resource],
    user: str,
    database: str,
    pg: PostgresServer,
    migrators: Migrators,
    record_property: RecordProperty,
) -> None:
    """The Job migrates as ``user``, then the app stores and reads a session and an event."""
    result = run_job(resources, secrets, pg, migrators, record_property)
    assert result.returncode == 0, result.stderr
    if strategy is Strategy.UPGRADE:
        assert "Migration completed successfully." in result.stdout
        assert migrated_by(pg, database) == [user]
    else:
        assert "ADK session tables and indexes are ready" in result.stdout
        assert_adk_schema(pg, database, owner=user)
    assert "stored and read back with its event" in run_app(resources, secrets, pg)


def app_role_is_dml_only(pg: PostgresServer, database: str, app: str) -> None:
    """As the app's role: rows yes, DDL on ADK's tables no (the README's grants)."""
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(host=str(pg.socket_dir), port=5432, user=app, dbname=database)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM sessions")
            for statement in (
                "CREATE TABLE adk_gitops_intruder (id int)",
                "ALTER TABLE sessions ADD COLUMN intruder int",
                "DROP TABLE events",
                "TRUNCATE sessions",
                "CREATE INDEX intruder ON sessions (id)",
            ):
                with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                    cur.execute(sql.SQL(statement))
    finally:
        conn.close()


def two_roles(
    pg: PostgresServer, prefix: str, password: str, keys: str
) -> tuple[str, str, str, list[Resource]]:
    """The README's two roles on a fresh database, both with ``password``, and the
    environment's two Secrets in the ``keys`` layout (``url``: db-postgres; ``raw``:
    db-cloudsql). Returns (migrator, app, database, secrets)."""
    migrator, app, database = f"{prefix}_mig", f"{prefix}_app", f"{prefix}_db"
    pg.create_roles(migrator, password, app, password, database)

    def data(user: str) -> dict[str, str]:
        if keys == "url":
            return {
                "url": f"postgresql+asyncpg://{user}:{quote(password, safe='')}@127.0.0.1:5432/{database}"
            }
        return {"username": user, "password": password, "database": database}

    return (
        migrator,
        app,
        database,
        [secret("adk-agent-db", **data(migrator)), secret("adk-agent-db-app", **data(app))],
    )


def cases() -> list[tuple[str, str]]:
    return [*[(slug, f"pw{ch}mid{ch}end") for slug, ch in SPECIAL.items()], ("all", ALL_AT_ONCE)]


def strategy_cases() -> list[tuple[Strategy, str, str]]:
    """Every special character through released ADK's prepare-tables; all of them
    at once through the upgrade strategy's stand-in."""
    return [
        *[(Strategy.PREPARE_TABLES, slug, pw) for slug, pw in cases()],
        (Strategy.UPGRADE, "all", ALL_AT_ONCE),
    ]


def _id(strategy: Strategy, slug: str) -> str:
    return f"{strategy.value}-{slug}"


@pytest.mark.parametrize(
    ("strategy", "slug", "password"), strategy_cases(), ids=[_id(s, g) for s, g, _ in strategy_cases()]
)
def test_postgres_flavour_with_percent_encoded_url(
    strategy: Strategy,
    slug: str,
    password: str,
    pg: PostgresServer,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
) -> None:
    migrator, app, database, secrets = two_roles(
        pg, f"url_{strategy.name[0]}_{slug}".lower(), password, "url"
    )
    resources = render(OVERLAYS[strategy, "postgres"])
    assert_migrates_then_serves(
        strategy, resources, secrets, migrator, database, pg, migrators, record_property
    )
    app_role_is_dml_only(pg, database, app)


@pytest.mark.parametrize(
    ("strategy", "slug", "password"), strategy_cases(), ids=[_id(s, g) for s, g, _ in strategy_cases()]
)
def test_cloudsql_flavour_with_raw_password(
    strategy: Strategy,
    slug: str,
    password: str,
    pg: PostgresServer,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
) -> None:
    migrator, app, database, secrets = two_roles(pg, f"cs_{strategy.name[0]}_{slug}".lower(), password, "raw")
    resources = render(OVERLAYS[strategy, "cloudsql"])
    assert_migrates_then_serves(
        strategy, resources, secrets, migrator, database, pg, migrators, record_property
    )
    app_role_is_dml_only(pg, database, app)


@pytest.mark.parametrize("strategy", list(Strategy))
def test_cloudsql_iam_auth_needs_no_password(
    strategy: Strategy,
    pg: PostgresServer,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
) -> None:
    """A trust rule for the IAM-named roles stands in for --auto-iam-authn. The
    prepare-tables case has two IAM users (the README's SQL); upgrade's fixture one."""
    database = f"iam_{strategy.name[0]}_db".lower()
    if strategy is Strategy.PREPARE_TABLES:
        pg.create_roles(IAM_USER, None, IAM_APP_USER, None, database)
    else:
        pg.create_login(IAM_USER, None, database)
    secrets = [
        secret("adk-agent-db", username=IAM_USER, database=database),
        secret("adk-agent-db-app", username=IAM_APP_USER, database=database),
    ]
    resources = render(OVERLAYS[strategy, "iam"])
    assert_migrates_then_serves(
        strategy, resources, secrets, IAM_USER, database, pg, migrators, record_property
    )
    if strategy is Strategy.PREPARE_TABLES:
        app_role_is_dml_only(pg, database, IAM_APP_USER)


def test_prepare_tables_twice_is_a_no_op(
    pg: PostgresServer, migrators: Migrators, render: RenderFn, record_property: RecordProperty
) -> None:
    """A re-sync runs the Job again: released ADK's prepare_tables() finds everything in place."""
    pg.create_login("twice", "tw@ice", "twice_db")
    secrets = [secret("adk-agent-db", username="twice", password="tw@ice", database="twice_db")]
    resources = render("overlays/cloudsql")
    for _ in range(2):
        result = run_job(resources, secrets, pg, migrators, record_property)
        assert result.returncode == 0, result.stderr
        assert_adk_schema(pg, "twice_db", owner="twice")


@pytest.mark.parametrize("strategy", list(Strategy))
def test_wrong_password_fails_the_job_with_a_clear_error(
    strategy: Strategy,
    pg: PostgresServer,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
) -> None:
    user = f"wrong_pw_{strategy.name[0]}".lower()
    pg.create_login(user, "right", f"{user}_db")
    secrets = [secret("adk-agent-db", username=user, password="Wr0ngSecret", database=f"{user}_db")]
    result = run_job(render(OVERLAYS[strategy, "cloudsql"]), secrets, pg, migrators, record_property)
    assert result.returncode == 1
    # The migration lock is taken first, by the base's command, for either strategy.
    assert re.search(
        rf"^migration failed: .*password authentication failed for user \"{user}\"", result.stderr
    )
    assert "Wr0ngSecret" not in result.stdout + result.stderr  # the password is not echoed
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_prepare_tables_masks_a_password_that_reaches_the_message(
    pg: PostgresServer, migrators: Migrators, render: RenderFn, record_property: RecordProperty
) -> None:
    """A URL SQLAlchemy cannot parse: whatever the error says, the password never shows."""
    secrets = [secret("adk-agent-db", url="postgresql+asyncpg://u:S3cr%40t@127.0.0.1:notaport/db")]
    result = run_job(render("overlays/postgres"), secrets, pg, migrators, record_property)
    assert result.returncode == 1
    assert result.stderr.startswith("migration failed: ")  # the lock's connection fails first
    assert "S3cr" not in result.stdout + result.stderr


def test_missing_secret_key_is_a_container_config_error(render: RenderFn) -> None:
    resources = render("overlays/cloudsql")
    store = podenv.SecretStore.from_resources([secret("adk-agent-db", username="u", database="d")], resources)
    with pytest.raises(
        PodEnvError,
        match=r"CreateContainerConfigError: couldn't find key password in Secret "
        r"adk-agent-cloudsql/adk-agent-db",
    ):
        podenv.prepare(podenv.find_workload(resources, "Job"), store)


SEED_JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: seed-db-migration, namespace: seed}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migration
        image: adk-agent
        command: ["adk", "migrate", "upgrade", "--db_url",
          "postgresql://$(DB_USER):$(DB_PASS)@127.0.0.1:5432/$(DB_NAME)"]
        env:
          - {name: DB_USER, valueFrom: {secretKeyRef: {name: seed-db, key: username}}}
          - {name: DB_PASS, valueFrom: {secretKeyRef: {name: seed-db, key: password}}}
          - {name: DB_NAME, valueFrom: {secretKeyRef: {name: seed-db, key: database}}}
"""


@pytest.mark.parametrize("password", ["p@ss", "p@ss:w/rd", "p%40ss"])
def test_the_seeds_spliced_url_breaks_where_ours_works(
    password: str,
    pg: PostgresServer,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
) -> None:
    """Why we changed the seed: Kubernetes splices $(DB_PASS) verbatim, so '@'
    moves the host, ':' and '/' break the port, and '%40' is decoded to '@'."""
    n = {"p@ss": 1, "p@ss:w/rd": 2, "p%40ss": 3}[password]
    user, database = f"seed_{n}", f"seed_{n}_db"
    pg.create_login(user, password, database)
    seed = load_stream(SEED_JOB)
    seed_secret = [secret("seed-db", username=user, password=password, database=database)]
    broken = run_job(seed, seed_secret, pg, migrators, record_property)
    assert broken.returncode != 0 and "Migration failed" in broken.stderr
    ours = [secret("adk-agent-db", username=user, password=password, database=database)]
    fixed = run_job(render(OVERLAYS[Strategy.UPGRADE, "cloudsql"]), ours, pg, migrators, record_property)
    assert fixed.returncode == 0, fixed.stderr
    assert migrated_by(pg, database) == [user]


def run_hook(
    pg: PostgresServer, overlay: str, secret_file: Path, runner: AdkCli
) -> subprocess.CompletedProcess[str]:
    """`adk-gitops run-hook`, run as a user would (inside the namespace where the DB is)."""
    argv = [
        *pg.nsenter,
        sys.executable,
        "-m",
        "adk_gitops",
        "run-hook",
        str(REPO / overlay),
        "--secret-file",
        str(secret_file),
        "--path",
        image_path(runner),
    ]
    return subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)


def write_secret(tmp_path: Path, **data: str) -> Path:
    secret_file = tmp_path / "db-secret.yaml"
    secret_file.write_text(yaml.safe_dump(dict(secret("adk-agent-db", **data).body)))
    return secret_file


def test_run_hook_runs_released_adks_prepare_tables(
    pg: PostgresServer, image_python: AdkCli, tmp_path: Path
) -> None:
    pg.create_login("cli_user", ALL_AT_ONCE, "cli_db")
    secret_file = write_secret(tmp_path, username="cli_user", password=ALL_AT_ONCE, database="cli_db")
    result = run_hook(pg, "overlays/cloudsql", secret_file, image_python)
    assert result.returncode == 0, result.stderr
    assert "running batch/Job adk-agent-cloudsql/adk-agent-db-migration container migration" in result.stderr
    assert "ADK session tables and indexes are ready" in result.stdout
    assert ALL_AT_ONCE not in result.stdout + result.stderr
    assert_adk_schema(pg, "cli_db", owner="cli_user")


def test_run_hook_upgrade_strategy_end_to_end(pg: PostgresServer, adk_cli: AdkCli, tmp_path: Path) -> None:
    pg.create_login("cli_up", ALL_AT_ONCE, "cli_up_db")
    secret_file = write_secret(tmp_path, username="cli_up", password=ALL_AT_ONCE, database="cli_up_db")
    result = run_hook(pg, OVERLAYS[Strategy.UPGRADE, "cloudsql"], secret_file, adk_cli)
    assert result.returncode == 0, result.stderr
    assert "Migration completed successfully." in result.stdout
    assert migrated_by(pg, "cli_up_db") == ["cli_up"]


def test_run_hook_explains_released_adk_without_migrate_upgrade(
    pg: PostgresServer, image_python: AdkCli, tmp_path: Path
) -> None:
    """Released google-adk's own `adk` (no `migrate upgrade`) on an upgrade-strategy
    environment: its exit 2 and "No such command" come through, then one line with the fix."""
    from importlib.metadata import version

    if version("google-adk") != "2.13.0":
        pytest.skip("an installed google-adk newer than 2.13.0 may have `adk migrate upgrade`")
    pg.create_login("no_upgrade", "n0-upgrade", "no_upgrade_db")  # the lock is taken first
    secret_file = write_secret(
        tmp_path, username="no_upgrade", password="n0-upgrade", database="no_upgrade_db"
    )
    result = run_hook(pg, OVERLAYS[Strategy.UPGRADE, "cloudsql"], secret_file, image_python)
    assert result.returncode == 2, result.stderr
    assert "No such command 'upgrade'" in result.stderr
    (hint,) = [line for line in result.stderr.splitlines() if line.startswith("adk-gitops: ")]
    assert "adk-gitops set-migration ENV prepare-tables" in hint


def test_one_migrator_at_a_time(
    pg: PostgresServer, migrators: Migrators, render: RenderFn, record_property: RecordProperty
) -> None:
    """While another session holds the migration lock, the Job says who holds it and waits;
    it migrates once the lock is free. Two Jobs started together both succeed, one schema."""
    import threading

    pg.create_login("locked", "l@ck:/#%?$( ) x", "locked_db")
    secrets = [secret("adk-agent-db", username="locked", password="l@ck:/#%?$( ) x", database="locked_db")]
    resources = render("overlays/cloudsql")
    holder = pg.admin("locked_db")
    holder.autocommit = True
    with holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s), pg_backend_pid()", (MIGRATION_LOCK,))
        row = cur.fetchone()
    assert row is not None
    holder_pid = row[1]
    results: list[subprocess.CompletedProcess[str]] = []

    def migrate(into: list[subprocess.CompletedProcess[str]], given: list[Resource]) -> None:
        into.append(run_job(resources, given, pg, migrators, record_property))

    job = threading.Thread(target=migrate, args=(results, secrets))
    job.start()
    job.join(timeout=8)  # far more than a migration takes: it is waiting
    assert job.is_alive() and not results, ("the Job did not wait for the lock", results)
    assert pg.query("locked_db", "SELECT count(*) FROM pg_tables WHERE tablename = 'sessions'") == [(0,)]
    with holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    holder.close()
    job.join(timeout=120)
    (result,) = results
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(
        f"migration: waiting for the migration lock, held by backend {holder_pid}"
    ), result.stdout
    assert_adk_schema(pg, "locked_db", owner="locked")
    # Two at once, on a fresh database: both exit 0, the schema is made once (by one of them).
    pg.create_login("twin", "tw1n", "twin_db")
    twins = [secret("adk-agent-db", username="twin", password="tw1n", database="twin_db")]
    done: list[subprocess.CompletedProcess[str]] = []
    runs = [threading.Thread(target=migrate, args=(done, twins)) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=180)
    assert [r.returncode for r in done] == [0, 0], [r.stderr for r in done]
    assert_adk_schema(pg, "twin_db", owner="twin")


def gate_process(
    resources: tuple[Resource, ...], secrets: list[Resource], **env: str
) -> podenv.PreparedProcess:
    """The Deployment's schema-gate init container as the kubelet would start it:
    its argv and the env it gets from the app's Secret."""
    import dataclasses

    store = podenv.SecretStore.from_resources(secrets, resources)
    process = podenv.prepare(podenv.find_workload(resources, "Deployment"), store, "schema-gate")
    return dataclasses.replace(process, env={**process.env, **env})


def schema_gate(
    resources: tuple[Resource, ...],
    secrets: list[Resource],
    pg: PostgresServer,
    image_python: AdkCli,
    **env: str,
) -> subprocess.Popen[str]:
    """The schema gate, started with released ADK's Python (the image's stand-in)."""
    import shutil

    process = gate_process(resources, secrets, **env)
    assert process.argv[:2] == ("python", "-c")
    python = shutil.which("python", path=str(image_python.bin_dir))
    assert python is not None
    return subprocess.Popen(
        [*pg.nsenter, python, *process.argv[1:]],
        env=dict(process.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(("overlay", "keys"), [("overlays/postgres", "url"), ("overlays/cloudsql", "raw")])
def test_the_schema_gate_holds_the_app_until_the_job_ran(
    overlay: str,
    keys: str,
    pg: PostgresServer,
    image_python: AdkCli,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
) -> None:
    """Before the Job: the app's pod does not start, and says why in one line at its
    deadline. Started before the Job, the gate passes within seconds of it. A schema
    newer than the image's ADK fails at once. The gate logs in as the app's role."""
    import time

    prefix = "gate_" + keys
    migrator, app, database, secrets = two_roles(pg, prefix, ALL_AT_ONCE, keys)
    resources = render(overlay)
    early = schema_gate(resources, secrets, pg, image_python, ADK_SCHEMA_GATE_TIMEOUT="3")
    out, err = early.communicate(timeout=60)
    assert early.returncode == 1, err
    assert out == "schema-gate: waiting for the migration Job (no ADK session tables yet)\n"
    assert err == (
        "schema-gate: no ADK session schema after 3 s (no ADK session tables yet); "
        "did the migration Job run? `adk-gitops status ENV` shows it\n"
    )
    waiting = schema_gate(resources, secrets, pg, image_python)
    time.sleep(2)
    assert waiting.poll() is None, "the gate passed on an empty database"
    job = run_job(resources, secrets, pg, migrators, record_property)
    assert job.returncode == 0, job.stderr
    migrated = time.monotonic()
    out, err = waiting.communicate(timeout=30)
    assert waiting.returncode == 0, err
    assert time.monotonic() - migrated < 5  # it polls once a second
    assert out.splitlines()[-1] == "schema-gate: ADK's session schema is in place"
    assert_adk_schema(pg, database, owner=migrator)
    assert ALL_AT_ONCE not in out + err
    # The database says a schema version this image's ADK does not know: no waiting.
    pg.query(
        database, "UPDATE adk_internal_metadata SET value = '2' WHERE key = 'schema_version' RETURNING 1"
    )
    newer = schema_gate(resources, secrets, pg, image_python)
    out, err = newer.communicate(timeout=30)
    assert newer.returncode == 1 and out == ""
    assert err.startswith(
        "schema-gate: the database has ADK schema version 2, this image's ADK knows up to 1"
    )
    # It logged in as the app's role, from the app's Secret (the copied env), never the migrator's.
    env = gate_process(resources, secrets).env
    user = env["PGUSER"] if keys == "raw" else urlsplit(env["DATABASE_URL"]).username
    assert user == app != migrator


@pytest.mark.parametrize("strategy", list(Strategy))
def test_both_strategies_and_run_hook_wait_for_the_lock(
    strategy: Strategy,
    pg: PostgresServer,
    migrators: Migrators,
    render: RenderFn,
    record_property: RecordProperty,
    tmp_path: Path,
) -> None:
    """The lock is the base's command, so the seed's `adk migrate upgrade` waits for it
    too, and so does `adk-gitops run-hook`, which runs the same command locally."""
    import threading

    user = f"lock_{strategy.name[0]}".lower()
    pg.create_login(user, ALL_AT_ONCE, f"{user}_db")
    holder = pg.admin(f"{user}_db")
    with holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s)", (MIGRATION_LOCK,))
    secret_file = write_secret(tmp_path, username=user, password=ALL_AT_ONCE, database=f"{user}_db")
    runs: list[subprocess.CompletedProcess[str]] = []
    overlay = OVERLAYS[strategy, "cloudsql"]
    waiting = threading.Thread(
        target=lambda: runs.append(run_hook(pg, overlay, secret_file, migrators[strategy]))
    )
    waiting.start()
    waiting.join(timeout=8)
    assert waiting.is_alive() and not runs, ("run-hook did not wait for the lock", runs)
    with holder.cursor() as cur:
        cur.execute("SELECT pg_advisory_unlock(%s)", (MIGRATION_LOCK,))
    holder.close()
    waiting.join(timeout=120)
    (result,) = runs
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("migration: waiting for the migration lock, held by backend "), (
        result.stdout
    )
    if strategy is Strategy.UPGRADE:
        assert "Migration completed successfully." in result.stdout
        assert migrated_by(pg, f"{user}_db") == [user]
    else:
        assert_adk_schema(pg, f"{user}_db", owner=user)
    assert ALL_AT_ONCE not in result.stdout + result.stderr


def test_the_migration_lock_costs_under_a_second(
    pg: PostgresServer, image_python: AdkCli, render: RenderFn
) -> None:
    """The issue's limit: what the lock adds to a migration (start the wrapper, connect,
    take and release the lock) stays under one second against the database. Measured
    as the Job's command running a no-op migration, against that no-op alone."""
    import dataclasses
    import time

    pg.create_login("lock_cost", "c0st", "lock_cost_db")
    url = "postgresql+asyncpg://lock_cost:c0st@127.0.0.1:5432/lock_cost_db"
    resources = render("overlays/postgres")
    store = podenv.SecretStore.from_resources([secret("adk-agent-db", url=url)], resources)
    job = podenv.prepare(podenv.find_workload(resources, "Job"), store)
    command = job.argv[:3]  # python -c WRAPPER
    noop = ("python", "-c", "pass")

    def fastest(argv: tuple[str, ...]) -> float:
        times = []
        for _ in range(3):
            start = time.monotonic()
            done = podenv.run(
                dataclasses.replace(job, argv=argv), search_path=image_path(image_python), wrapper=pg.nsenter
            )
            times.append(time.monotonic() - start)
            assert done.returncode == 0, done.stderr
        return min(times)

    added = fastest((*command, *noop)) - fastest(noop)
    print(f"the migration lock adds {added:.2f} s")
    assert added < 1.0
