"""Edits of a repository: serialised, and complete or absent after a kill.

- **One writer at a time.** ``locked(root)`` takes an exclusive ``flock`` on the
  repository folder itself (no lock file lands in the tree) and holds it from
  reading the files an edit starts from until it is written, so eight concurrent
  ``new-env`` runs each add their own AppProject destination.
- **A transaction.** Every new file is staged in ``.adk-gitops-staging-<id>/``
  beside the tree (same filesystem, so renames are atomic), then a manifest is
  written by an atomic rename: that is the commit point. Files are then renamed
  into place, the overlay first and the AppProject last (an Application never
  points at a missing overlay). A kill before the commit point leaves the tree
  untouched; after it, the next writing run (under the lock) finishes the renames
  before doing anything else, and ``check`` names the interrupted edit until then.
- **No leftovers.** Staging folders without a manifest, and ``check``'s batch
  folders and ``validate``'s temporary copies of processes that no longer run,
  are removed by the next writing run.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from adk_gitops.errors import AdkGitopsError

STAGING_PREFIX = ".adk-gitops-staging-"
MANIFEST = "manifest.json"
LOCK_WAIT_S = 120.0
# Temporary folders named after the process that made them: <prefix><pid>-<random>.
PID_TAGGED = (".adk-gitops-batch-", "adk-gitops-check-")


class LockTimeout(AdkGitopsError):
    """Another adk-gitops run kept the repository locked too long."""


@contextmanager
def locked(root: Path, wait_s: float = LOCK_WAIT_S) -> Iterator[None]:
    """Hold the repository's edit lock; finish or discard interrupted edits first."""
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise AdkGitopsError(f"{root}: cannot open the repository: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    raise AdkGitopsError(f"{root}: cannot lock the repository: {exc.strerror}") from None
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"{root}: another adk-gitops run is editing this repository (waited {wait_s:.0f}s)"
                    ) from None
                time.sleep(0.05)
        recover(root)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def interrupted(root: Path) -> list[Path]:
    """Committed edits whose files are not all in place yet (a run was killed)."""
    return sorted(p for p in root.glob(f"{STAGING_PREFIX}*") if (p / MANIFEST).is_file())


def recover(root: Path) -> list[str]:
    """Finish every committed edit, drop uncommitted staging and dead processes'
    temporary folders. Call with the lock held. Returns the paths put in place."""
    placed: list[str] = []
    for staging in sorted(root.glob(f"{STAGING_PREFIX}*")):
        if (staging / MANIFEST).is_file():
            placed += _roll_forward(root, staging)
        shutil.rmtree(staging, ignore_errors=True)
    for folder in (root / "overlays", root, Path(tempfile.gettempdir())):
        _remove_dead(folder)
    return placed


def _remove_dead(folder: Path) -> None:
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        prefix = next((p for p in PID_TAGGED if entry.name.startswith(p)), None)
        if prefix is None or not entry.is_dir():
            continue
        pid = entry.name[len(prefix) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def pid_tagged_dir(prefix: str, parent: Path | None = None) -> Path:
    """A fresh temporary folder whose name says which process owns it."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-", dir=parent))


def _roll_forward(root: Path, staging: Path) -> list[str]:
    paths: list[str] = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))["paths"]
    placed = []
    for rel in paths:
        staged = staging / "files" / rel
        if staged.is_file():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            staged.replace(target)
            placed.append(rel)
    return placed


def commit(root: Path, files: Sequence[tuple[str, str]]) -> None:
    """Write ``(relative path, text)`` pairs as one transaction (see the module
    docstring), in the order given. Call with the lock held."""
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        for rel, text in files:
            staged = staging / "files" / rel
            staged.parent.mkdir(parents=True, exist_ok=True)
            with staged.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        manifest = staging / f"{MANIFEST}.tmp"
        manifest.write_text(json.dumps({"paths": [rel for rel, _ in files]}), encoding="utf-8")
        manifest.replace(staging / MANIFEST)  # the commit point
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise AdkGitopsError(f"nothing written: {exc}") from None
    try:
        _roll_forward(root, staging)
    except OSError as exc:
        raise AdkGitopsError(
            f"edit interrupted: {exc}; the next adk-gitops edit of this repository completes it"
        ) from None
    shutil.rmtree(staging, ignore_errors=True)
