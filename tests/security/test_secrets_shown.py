"""No secret in anything `run-hook` relays: the migration's own output may quote the
database URL (a driver's error does), and is shown with the Secret's values, URL
userinfo and passwords masked. The image's `python` is a stand-in here that prints
what a careless migration would; what is tested is the relay, not the migration."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.security.conftest import run_cli

PASSWORD = "Sup3r-secret-pw"


def test_run_hook_masks_what_the_migration_prints(tmp_path: Path) -> None:
    bin_dir = tmp_path / "image-bin"
    bin_dir.mkdir()
    stand_in = bin_dir / "python"
    stand_in.write_text(
        f"#!{sys.executable}\nimport os, sys\n"
        "url = os.environ['DATABASE_URL']\n"
        "print('connecting to', url)\n"
        "sys.stderr.write(f'OperationalError: password authentication failed ({url})\\n')\n"
        "sys.stderr.write('\\x1b[2Jcleared?\\n')\n"
        "sys.exit(1)\n"
    )
    stand_in.chmod(stand_in.stat().st_mode | stat.S_IXUSR)
    secret = tmp_path / "secret.yaml"
    secret.write_text(
        "apiVersion: v1\nkind: Secret\nmetadata: {name: adk-agent-db, namespace: adk-agent-postgres}\n"
        f"stringData: {{url: 'postgresql+asyncpg://app:{PASSWORD}@127.0.0.1:5432/adk'}}\n"
    )
    done = run_cli(REPO, {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}, "run-hook", "overlays/postgres",
                   "--secret-file", str(secret), "--path", str(bin_dir), timeout=120)  # fmt: skip
    assert done.returncode == 1, done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    assert done.stdout == "connecting to ***\n"  # the whole value is the Secret's: masked whole
    assert "\\x1b[2Jcleared?" in done.stderr and "\x1b" not in done.stderr


def test_run_hook_refuses_secret_values_no_process_can_take(tmp_path: Path) -> None:
    """A NUL byte, or a 300 KB value: one line naming the variable (never the value), not a
    traceback from execve."""
    for value, said in (
        ('"postgresql://u:p\\0w@h/db"', "its value holds a NUL byte, which no process can take"),
        ('"' + "x" * 300_000 + '"', "300,013 bytes, more than the 131,072 Linux gives one variable"),
    ):
        secret = tmp_path / "secret.yaml"
        secret.write_text(
            "apiVersion: v1\nkind: Secret\nmetadata: {name: adk-agent-db, namespace: adk-agent-postgres}\n"
            f"stringData: {{url: {value}}}\n"
        )
        image_path = str(Path(sys.executable).parent)  # where `python` is: the stand-in for the image's
        done = run_cli(REPO, {"PATH": "/usr/bin:/bin", "NO_COLOR": "1"}, "run-hook", "overlays/postgres",
                       "--secret-file", str(secret), "--path", image_path, timeout=120)  # fmt: skip
        assert done.returncode == 2, done.stderr
        last = done.stderr.splitlines()[-1]
        assert last.startswith("adk-gitops: error: environment variable DATABASE_URL: ") and said in last, (
            last
        )
        assert "Traceback" not in done.stderr and "p\\0w" not in done.stderr
