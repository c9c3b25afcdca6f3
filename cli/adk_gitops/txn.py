"""Edits of a repository: serialised, and complete or absent after a kill.

- **One writer at a time.** ``locked(root)`` takes an exclusive ``flock`` on the
  repository folder itself (no lock file lands in the tree) and holds it from
  reading the files an edit starts from until it is written, so eight concurrent
  ``new-env`` runs each add their own AppProject destination.
- **A transaction.** Every new file is staged in ``.git/adk-gitops/staging-<id>/``
  (where git never commits anything, on the tree's filesystem so renames are
  atomic), then a manifest is written by an atomic rename: that is the commit
  point. Files are then renamed into place, the overlay first and the AppProject
  last (an Application never points at a missing overlay). A kill before the
  commit point leaves the tree untouched; after it, the next writing run (under
  the lock) finishes the renames before doing anything else, and ``check`` names
  the interrupted edit until then. Outside a git checkout the staging folder sits
  in the tree (``.adk-gitops-staging-<id>``) and a killed edit is reported, never
  rolled forward: a folder of that name may come from anyone.
- **Never out of the repository.** Every path is a plain relative path without
  ``..`` or ``.git``; it is placed by walking the tree one folder at a time with
  ``O_NOFOLLOW`` (a symlink anywhere on the way, or a target that is not a regular
  file, refuses the write) and renamed relative to that folder's descriptor, so
  what is checked is what is written. Before the commit point every target is
  checked the same way, and for writability, so a refusal leaves the tree as it was.
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
import stat
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from adk_gitops.errors import AdkGitopsError

STAGING_PREFIX = ".adk-gitops-staging-"  # outside a git checkout: in the tree
STATE_DIR = ("adk-gitops",)  # under .git/
GIT_STAGING_PREFIX = "staging-"
MANIFEST = "manifest.json"
LOCK_WAIT_S = 120.0
# Temporary folders named after the process that made them: <prefix><pid>-<random>.
PID_TAGGED = (".adk-gitops-batch-", "adk-gitops-check-")


class LockTimeout(AdkGitopsError):
    """Another adk-gitops run kept the repository locked too long."""


@contextmanager
def locked(root: Path, wait_s: float = LOCK_WAIT_S, *, readonly: bool = False) -> Iterator[None]:
    """Hold the repository's edit lock; finish or discard interrupted edits first,
    unless ``readonly`` (a --dry-run writes nothing, ever)."""
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
        if not readonly:
            recover(root)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _git_dir(root: Path) -> Path | None:
    """The checkout's own .git folder (not a link, not a worktree's .git file)."""
    git = root / ".git"
    return git if git.is_dir() and not git.is_symlink() else None


def _state(root: Path) -> Path | None:
    """Where this tool keeps its transactions: .git/adk-gitops/ (made on demand)."""
    git = _git_dir(root)
    if git is None:
        return None
    state = git.joinpath(*STATE_DIR)
    if state.is_symlink() or (state.exists() and not state.is_dir()):
        raise AdkGitopsError(f"{state}: not a folder of adk-gitops's own: remove it")
    return state


def interrupted(root: Path) -> list[Path]:
    """Committed edits whose files are not all in place yet (a run was killed)."""
    try:
        state = _state(root)
    except AdkGitopsError:
        return []
    if state is not None:
        return sorted(p for p in state.glob(f"{GIT_STAGING_PREFIX}*") if (p / MANIFEST).is_file())
    return sorted(p for p in root.glob(f"{STAGING_PREFIX}*") if (p / MANIFEST).is_file())


def recover(root: Path) -> list[str]:
    """Finish every committed edit of .git/adk-gitops/, drop uncommitted staging and
    dead processes' temporary folders. Call with the lock held. Returns the paths put
    in place. A staging folder in the working tree is never rolled forward."""
    placed: list[str] = []
    state = _state(root)
    if state is not None:
        for staging in sorted(state.glob(f"{GIT_STAGING_PREFIX}*")):
            if (staging / MANIFEST).is_file():
                placed += _roll_forward(root, staging)
            shutil.rmtree(staging, ignore_errors=True)
    else:
        for staging in sorted(root.glob(f"{STAGING_PREFIX}*")):
            if not (staging / MANIFEST).exists() and staging.is_dir() and not staging.is_symlink():
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


def _parts(rel: str) -> list[str]:
    """The components of a path this tool may write, or AdkGitopsError."""
    parts = rel.split("/")
    if (
        not rel
        or rel.startswith("/")
        or "\0" in rel
        or "\\" in rel
        or any(p in ("", ".", "..") for p in parts)
        or any(p.lower() == ".git" for p in parts)
    ):
        raise AdkGitopsError(f"{rel!r}: refused: a path with '..', '.git' or an empty part")
    return parts


def _walk(root: Path, rel: str, *, create: bool) -> tuple[int, str] | None:
    """An open descriptor of ``rel``'s folder and its file name, reached from ``root``
    one folder at a time without following any link; None when ``create`` is False
    and a folder is missing (it will be created). Raises AdkGitopsError on a link, a
    non-folder on the way, or a target that exists but is not a regular file."""
    parts = _parts(rel)
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    try:
        fd = os.open(root, flags)
    except OSError as exc:
        raise AdkGitopsError(f"{root}: cannot open: {exc.strerror}") from None
    try:
        for i, name in enumerate(parts[:-1]):
            where = "/".join(parts[: i + 1])
            try:
                child = os.open(name, flags, dir_fd=fd)
            except FileNotFoundError:
                if not create:
                    if not os.access(".", os.W_OK, dir_fd=fd):
                        raise AdkGitopsError(f"{where}: cannot create: its folder is read-only") from None
                    os.close(fd)
                    return None
                os.mkdir(name, 0o777, dir_fd=fd)
                child = os.open(name, flags, dir_fd=fd)
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise AdkGitopsError(
                        f"{where}: a symbolic link or a file where a folder belongs: refused, nothing written"
                    ) from None
                raise AdkGitopsError(f"{where}: cannot open: {exc.strerror}") from None
            os.close(fd)
            fd = child
        try:
            st = os.lstat(parts[-1], dir_fd=fd)
        except FileNotFoundError:
            st = None
        if st is not None and not stat.S_ISREG(st.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(st.st_mode) else "not a regular file"
            raise AdkGitopsError(f"{rel}: {kind}: refused, nothing written")
        if not os.access(".", os.W_OK, dir_fd=fd):  # a rename needs its folder writable
            raise AdkGitopsError(f"{rel}: cannot write: its folder is read-only")
        return fd, parts[-1]
    except BaseException:
        os.close(fd)
        raise


def write_file(base: Path, rel: str, text: str) -> None:
    """Write ``text`` to ``rel`` under ``base`` (its folders must exist) without following
    a link anywhere on the way or at the end (a report's --output)."""
    found = _walk(base, rel, create=False)
    if found is None:
        raise AdkGitopsError(f"{rel}: cannot write: its folder does not exist")
    fd, name = found
    try:
        try:
            handle = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o666, dir_fd=fd)
        except OSError as exc:
            raise AdkGitopsError(f"{rel}: cannot write: {exc.strerror}") from None
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
    finally:
        os.close(fd)


def preflight(root: Path, paths: Sequence[str]) -> None:
    """Before the commit point: every target can be written, inside the repository,
    through no link. AdkGitopsError names the first that cannot."""
    for rel in paths:
        found = _walk(root, rel, create=False)
        if found is not None:
            os.close(found[0])


def _place(root: Path, rel: str, staged: Path) -> None:
    """Rename ``staged`` onto ``rel`` relative to its folder's descriptor (no link followed)."""
    st = os.lstat(staged)
    if not stat.S_ISREG(st.st_mode):
        raise AdkGitopsError(f"{rel}: the staged file is not a regular file: refused")
    found = _walk(root, rel, create=True)
    assert found is not None
    fd, name = found
    try:
        os.replace(staged, name, dst_dir_fd=fd)
    finally:
        os.close(fd)


def _roll_forward(root: Path, staging: Path) -> list[str]:
    try:
        doc = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
        paths = [str(p) for p in doc["paths"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AdkGitopsError(f"{staging}: unreadable transaction manifest ({exc}): remove it") from None
    placed = []
    for rel in paths:
        staged = staging / "files" / rel
        if staged.exists() or staged.is_symlink():
            _place(root, rel, staged)
            placed.append(rel)
    return placed


def commit(root: Path, files: Sequence[tuple[str, str]]) -> None:
    """Write ``(relative path, text)`` pairs as one transaction (see the module
    docstring), in the order given. Call with the lock held."""
    preflight(root, [rel for rel, _ in files])
    state = _state(root)
    try:
        if state is not None:
            state.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(
                prefix=GIT_STAGING_PREFIX if state is not None else STAGING_PREFIX, dir=state or root
            )
        )
    except OSError as exc:
        raise AdkGitopsError(f"nothing written: cannot stage the edit: {exc}") from None
    rel = MANIFEST
    try:
        for rel, text in files:
            staged = staging / "files" / rel
            staged.parent.mkdir(parents=True, exist_ok=True)
            with staged.open("w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        rel = MANIFEST
        manifest = staging / f"{MANIFEST}.tmp"
        manifest.write_text(json.dumps({"paths": [path for path, _ in files]}), encoding="utf-8")
        manifest.replace(staging / MANIFEST)  # the commit point
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise AdkGitopsError(f"nothing written: staging {rel}: {exc.strerror or exc}") from None
    try:
        _roll_forward(root, staging)
    except (OSError, AdkGitopsError) as exc:
        if state is None:
            raise AdkGitopsError(f"edit interrupted: {exc}; re-run it (and remove {staging.name})") from None
        raise AdkGitopsError(
            f"edit interrupted: {exc}; the next adk-gitops edit of this repository completes it"
        ) from None
    shutil.rmtree(staging, ignore_errors=True)
