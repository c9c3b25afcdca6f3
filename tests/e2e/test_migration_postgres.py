"""Run the rendered migration Job's exact argv, with the environment the kubelet
would build from a Secret, against a real PostgreSQL; then connect as the app
does from the Deployment's environment. Passwords carry every character that
breaks a URL. What this cannot prove: anything of the API server, Argo CD or
Cloud SQL itself (the proxy is stood in for by a server on its address)."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from adk_gitops import podenv
from adk_gitops.errors import PodEnvError
from adk_gitops.manifests import Resource, load_stream
from tests.conftest import REPO, RenderFn
from tests.e2e.conftest import SUPPORT, AdkCli
from tests.e2e.support.postgres import IAM_USER, PostgresServer

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


def run_job(
    resources: tuple[Resource, ...],
    secrets: list[Resource],
    pg: PostgresServer,
    adk: AdkCli,
    record_property: pytest.RecordProperty,
) -> subprocess.CompletedProcess[str]:
    record_property("adk", adk.kind)
    print(f"adk used: {adk.kind}")
    store = podenv.SecretStore.from_resources(secrets, resources)
    process = podenv.prepare(podenv.find_workload(resources, "Job"), store)
    assert process.argv[:4] == ("adk", "migrate", "upgrade", "--db_url")
    return podenv.run(process, search_path=str(adk.bin_dir), wrapper=pg.nsenter, timeout=120)


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


def assert_migrates_then_serves(
    resources: tuple[Resource, ...],
    secrets: list[Resource],
    user: str,
    database: str,
    pg: PostgresServer,
    adk: AdkCli,
    record_property: pytest.RecordProperty,
) -> None:
    """The Job migrates as ``user``, then the app stores and reads a session."""
    result = run_job(resources, secrets, pg, adk, record_property)
    assert result.returncode == 0, result.stderr
    assert "Migration completed successfully." in result.stdout
    assert migrated_by(pg, database) == [user]
    assert "stored and read back" in run_app(resources, secrets, pg)


def cases() -> list[tuple[str, str]]:
    return [*[(slug, f"pw{ch}mid{ch}end") for slug, ch in SPECIAL.items()], ("all", ALL_AT_ONCE)]


@pytest.mark.parametrize(("slug", "password"), cases())
def test_postgres_overlay_with_percent_encoded_url(
    slug: str,
    password: str,
    pg: PostgresServer,
    adk_cli: AdkCli,
    render: RenderFn,
    record_property: pytest.RecordProperty,
) -> None:
    user, database = f"url_{slug}", f"url_{slug}_db"
    pg.create_login(user, password, database)
    url = f"postgresql+asyncpg://{user}:{quote(password, safe='')}@127.0.0.1:5432/{database}"
    secrets = [secret("adk-agent-db", url=url)]
    assert_migrates_then_serves(
        render("overlays/postgres"), secrets, user, database, pg, adk_cli, record_property
    )


@pytest.mark.parametrize(("slug", "password"), cases())
def test_cloudsql_overlay_with_raw_password(
    slug: str,
    password: str,
    pg: PostgresServer,
    adk_cli: AdkCli,
    render: RenderFn,
    record_property: pytest.RecordProperty,
) -> None:
    user, database = f"cs_{slug}", f"cs_{slug}_db"
    pg.create_login(user, password, database)
    secrets = [secret("adk-agent-db", username=user, password=password, database=database)]
    assert_migrates_then_serves(
        render("overlays/cloudsql"), secrets, user, database, pg, adk_cli, record_property
    )


def test_cloudsql_iam_auth_needs_no_password(
    pg: PostgresServer,
    adk_cli: AdkCli,
    render: RenderFn,
    record_property: pytest.RecordProperty,
) -> None:
    """A trust rule for the IAM-named role stands in for --auto-iam-authn."""
    database = "iam_db"
    pg.create_login(IAM_USER, None, database)
    secrets = [secret("adk-agent-db", username=IAM_USER, database=database)]
    resources = render("tests/fixtures/overlays/cloudsql-iam")
    assert_migrates_then_serves(resources, secrets, IAM_USER, database, pg, adk_cli, record_property)


def test_wrong_password_fails_the_job_with_a_clear_error(
    pg: PostgresServer,
    adk_cli: AdkCli,
    render: RenderFn,
    record_property: pytest.RecordProperty,
) -> None:
    pg.create_login("wrong_pw", "right", "wrong_pw_db")
    secrets = [secret("adk-agent-db", username="wrong_pw", password="wrong", database="wrong_pw_db")]
    result = run_job(render("overlays/cloudsql"), secrets, pg, adk_cli, record_property)
    assert result.returncode == 1
    assert re.search(
        r"Migration failed: .*password authentication failed for user \"wrong_pw\"", result.stderr
    )
    assert "wrong" not in result.stderr.replace('"wrong_pw"', "")  # the password is not echoed


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
    adk_cli: AdkCli,
    render: RenderFn,
    record_property: pytest.RecordProperty,
) -> None:
    """Why we changed the seed: Kubernetes splices $(DB_PASS) verbatim, so '@'
    moves the host, ':' and '/' break the port, and '%40' is decoded to '@'."""
    n = {"p@ss": 1, "p@ss:w/rd": 2, "p%40ss": 3}[password]
    user, database = f"seed_{n}", f"seed_{n}_db"
    pg.create_login(user, password, database)
    seed = load_stream(SEED_JOB)
    seed_secret = [secret("seed-db", username=user, password=password, database=database)]
    broken = run_job(seed, seed_secret, pg, adk_cli, record_property)
    assert broken.returncode != 0 and "Migration failed" in broken.stderr
    ours = [secret("adk-agent-db", username=user, password=password, database=database)]
    fixed = run_job(render("overlays/cloudsql"), ours, pg, adk_cli, record_property)
    assert fixed.returncode == 0, fixed.stderr
    assert migrated_by(pg, database) == [user]


def test_run_hook_command_end_to_end(pg: PostgresServer, adk_cli: AdkCli, tmp_path: Path) -> None:
    """`adk-gitops run-hook`, run as a user would (inside the namespace where the DB is)."""
    pg.create_login("cli_user", ALL_AT_ONCE, "cli_db")
    secret_file = tmp_path / "db-secret.yaml"
    secret_file.write_text(
        yaml.safe_dump(
            dict(secret("adk-agent-db", username="cli_user", password=ALL_AT_ONCE, database="cli_db").body)
        )
    )
    argv = [
        *pg.nsenter,
        sys.executable,
        "-m",
        "adk_gitops",
        "run-hook",
        str(REPO / "overlays/cloudsql"),
        "--secret-file",
        str(secret_file),
        "--path",
        str(adk_cli.bin_dir),
    ]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert "running batch/Job adk-agent-cloudsql/adk-agent-db-migration container migration" in result.stderr
    assert "Migration completed successfully." in result.stdout
    assert migrated_by(pg, "cli_db") == ["cli_user"]
