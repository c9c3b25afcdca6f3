"""A real PostgreSQL 15 on 127.0.0.1:5432 inside a private network namespace.

127.0.0.1:5432 is where the Cloud SQL Auth Proxy serves, so the rendered
cloudsql overlay's credential-free URL reaches this server unchanged. A
``sleep`` process holds the namespace (``unshare -n``); the server and every
client run inside it through ``nsenter``. Needs root (for ``unshare``,
``nsenter`` and ``runuser -u postgres``) and the postgresql-15 package.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg2
from psycopg2 import sql

PORT = 5432
PG_BIN_DIRS = ("/usr/lib/postgresql/15/bin",)
# The role that stands in for a Cloud SQL IAM user: Cloud SQL names it after the
# service account e-mail without ".gserviceaccount.com", so it contains "@".
IAM_USER = "adk-agent@my-project.iam"
IAM_APP_USER = "adk-agent-app@my-project.iam"  # the app's own (two database roles)
TOOLS = ("unshare", "nsenter", "runuser", "ip")
README = Path(__file__).resolve().parents[3] / "README.md"


def readme_roles_sql() -> str:
    """The README's "Two database roles" SQL block, exactly as users run it."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("### Two database roles") :]
    return section[
        section.index("```sql\n") + len("```sql\n") : section.index("\n```", section.index("```sql"))
    ]


def missing_prerequisite() -> str | None:
    """Why this machine cannot run the server, or None."""
    if os.geteuid() != 0:
        return "must run as root (unshare, nsenter, runuser)"
    if pg_bin() is None:
        return "postgresql-15 server binaries not found (apt-get install postgresql-15)"
    for tool in TOOLS:
        if shutil.which(tool) is None:
            return f"{tool} not found"
    try:
        subprocess.run(["id", "postgres"], capture_output=True, check=True, timeout=10)
    except subprocess.CalledProcessError:
        return "no postgres user"
    return None


def pg_bin() -> Path | None:
    candidates = list(PG_BIN_DIRS)
    if shutil.which("pg_config"):
        out = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, timeout=10, check=False
        )
        candidates.insert(0, out.stdout.strip())
    for directory in candidates:
        if directory and (Path(directory) / "initdb").is_file() and (Path(directory) / "postgres").is_file():
            return Path(directory)
    return None


@dataclass
class PostgresServer:
    root: Path
    holder: subprocess.Popen[bytes]
    server: subprocess.Popen[bytes]

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def nsenter(self) -> list[str]:
        """Prefix an argv with this to run it inside the server's network namespace."""
        return [str(shutil.which("nsenter")), "-t", str(self.holder.pid), "-n", "--"]

    def admin(self, dbname: str = "postgres") -> psycopg2.extensions.connection:
        conn = psycopg2.connect(host=str(self.socket_dir), port=PORT, user="postgres", dbname=dbname)
        conn.autocommit = True
        return conn

    def create_login(self, user: str, password: str | None, database: str) -> None:
        """A role that owns its own database (so the app may create its tables). A
        role may own several databases: an existing one is given ``password``."""
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [user])
                verb = "ALTER" if cur.fetchone() else "CREATE"
                if password is None:
                    cur.execute(sql.SQL(verb + " ROLE {} LOGIN").format(sql.Identifier(user)))
                else:
                    cur.execute(
                        sql.SQL(verb + " ROLE {} LOGIN PASSWORD %s").format(sql.Identifier(user)), [password]
                    )
                cur.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(database), sql.Identifier(user)
                    )
                )
        finally:
            conn.close()

    def create_roles(
        self, migrator: str, migrator_password: str | None, app: str, app_password: str | None, database: str
    ) -> None:
        """A database owned by the admin and the README's two roles on it, made by
        running the README's SQL with these names and passwords (each statement as
        written; names quoted, passwords as literals). A None password: a role with
        no password (a stand-in IAM user) made first, whose CREATE ROLE is skipped."""
        conn = self.admin()
        try:
            with conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
                for name, password in ((migrator, migrator_password), (app, app_password)):
                    cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name])
                    if password is None and cur.fetchone() is None:  # roles are the cluster's
                        cur.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        finally:
            conn.close()
        conn = self.admin(database)
        try:
            with conn.cursor() as cur:
                names = {"adk_migrator": migrator, "adk_app": app, "adk_sessions": database}
                for statement in readme_roles_sql().split(";"):
                    code = "\n".join(line for line in statement.splitlines() if not line.startswith("--"))
                    if not code.strip():
                        continue
                    skip = [n for n, p in ((migrator, migrator_password), (app, app_password)) if p is None]
                    words = code.split()
                    if words[:2] == ["CREATE", "ROLE"] and names.get(words[2]) in skip:
                        continue
                    passwords = {"MIGRATOR_PASSWORD": migrator_password, "APP_PASSWORD": app_password}
                    for placeholder in passwords:
                        code = code.replace(f"'{placeholder}'", "{" + placeholder + "}")
                    for word in names:
                        code = code.replace(word, "{" + word + "}")
                    query = sql.SQL(code).format(
                        **{w: sql.Identifier(n) for w, n in names.items() if "{" + w + "}" in code},
                        **{p: sql.Literal(v) for p, v in passwords.items() if "{" + p + "}" in code},
                    )
                    cur.execute(query)
        finally:
            conn.close()

    def query(self, database: str, statement: str) -> list[tuple[object, ...]]:
        conn = self.admin(database)
        try:
            with conn.cursor() as cur:
                cur.execute(statement)
                return list(cur.fetchall())
        finally:
            conn.close()

    def stop(self) -> None:
        if self.server.poll() is None:
            self.server.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=10)
        self.holder.kill()
        self.holder.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def _run(argv: list[str]) -> None:
    subprocess.run(argv, check=True, capture_output=True, timeout=120)


def _wait_for_private_netns(pid: int) -> None:
    mine = Path("/proc/self/ns/net").readlink()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if Path(f"/proc/{pid}/ns/net").readlink() != mine:
                return
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise RuntimeError("unshare -n did not create a network namespace")


def start() -> PostgresServer:
    bindir = pg_bin()
    assert bindir is not None
    # Not under pytest's tmp_path: its parents are root-only and postgres must traverse them.
    root = Path(tempfile.mkdtemp(prefix="adk-gitops-pg-"))
    root.chmod(0o755)
    (root / "sock").mkdir()
    shutil.chown(root / "sock", "postgres", "postgres")
    data = root / "data"
    data.mkdir(mode=0o700)
    shutil.chown(data, "postgres", "postgres")
    as_postgres = ["runuser", "-u", "postgres", "--"]
    _run(
        [
            *as_postgres,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "--no-sync",
            "--encoding=UTF8",
            "--locale=C",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
        ]
    )
    (data / "pg_hba.conf").write_text(
        "local all all trust\n"
        f'host all "{IAM_USER}" 127.0.0.1/32 trust  # stands in for Cloud SQL IAM authentication\n'
        f'host all "{IAM_APP_USER}" 127.0.0.1/32 trust\n'
        "host all all 127.0.0.1/32 scram-sha-256\n"
    )
    holder = subprocess.Popen(["unshare", "-n", "--", "sleep", "3600"])
    try:
        _wait_for_private_netns(holder.pid)
        nsenter = [str(shutil.which("nsenter")), "-t", str(holder.pid), "-n", "--"]
        _run([*nsenter, "ip", "link", "set", "lo", "up"])
        with (root / "server.log").open("wb") as log:  # the child keeps its own descriptor
            # nsenter sets the uid itself and execs postgres, so this Popen *is* the
            # postmaster and SIGINT reaches it (runuser would sit in between).
            server = subprocess.Popen(
                [
                    *nsenter[:-1],
                    "-S",
                    str(pwd.getpwnam("postgres").pw_uid),
                    "-G",
                    str(pwd.getpwnam("postgres").pw_gid),
                    "--",
                    str(bindir / "postgres"),
                    "-D",
                    str(data),
                    "-k",
                    str(root / "sock"),
                    "-p",
                    str(PORT),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "password_encryption=scram-sha-256",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
    except Exception:
        holder.kill()
        raise
    pg = PostgresServer(root, holder, server)
    deadline = time.monotonic() + 30
    while True:
        try:
            pg.admin().close()
            return pg
        except psycopg2.OperationalError:
            if server.poll() is not None or time.monotonic() > deadline:
                pg.stop()
                raise RuntimeError(
                    f"PostgreSQL did not start: {(root / 'server.log').read_text()[-2000:]}"
                ) from None
            time.sleep(0.1)
