"""Reading input files with a ceiling, whatever they claim to be, and from inside the
repository only (``outside_reason``: symlinks followed, as kustomize follows them).

Every file the tool reads from a repository or the command line goes through
``read_text``: it must be a regular file (a FIFO would block, /dev/zero never
ends), and it is read up to its ceiling plus one byte, never by trusting its
size. Failures are ``OSError``s with a one-line ``strerror``, so every caller's
existing "cannot read: ..." line reports them.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

# RealPaths works on strings, not Path objects: it runs once per path component, and a
# Path per step would cost more than the lookups it saves.
# ruff: noqa: PTH109, PTH115, PTH116, PTH118, PTH120

# A manifest, kustomization or Argo CD file: the API server refuses any object over
# ~1.5 MiB (etcd's value limit), so 16 MiB leaves room for many objects per file.
MAX_INPUT_BYTES = 16 * 2**20
# adk-gitops.yaml, --config, --values-file, --secret-file, .git/config.
MAX_CONFIG_BYTES = 2**20


class Refused(OSError):
    """A file refused for its kind or size; prints as its reason alone."""

    def __str__(self) -> str:
        return str(self.strerror)


def read_bytes(path: Path | str, limit: int = MAX_INPUT_BYTES) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = "a FIFO" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) else "not a file"
            raise Refused(errno.EINVAL, f"{kind}, not a regular file: refused")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise Refused(errno.EFBIG, f"larger than {_size(limit)}: refused")
    return b"".join(chunks)


def read_text(path: Path | str, limit: int = MAX_INPUT_BYTES) -> str:
    """The file's UTF-8 text (UnicodeDecodeError when it is not UTF-8)."""
    return read_bytes(path, limit).decode("utf-8")


def _size(limit: int) -> str:
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit // 2**10} KiB"


def outside_reason(path: Path, root: Path, real_paths: RealPaths | None = None) -> str | None:
    """Why reading ``path`` (symlinks followed) is refused, or None. ``root``: the
    repository's real path. ``real_paths``: the walk's resolver (a fresh one if None)."""
    resolver = real_paths or RealPaths()
    real, whole = resolver.walk(path)
    if not whole:  # kustomize's read would fail with ELOOP; refused before it is tried
        return "a symbolic link loop: it resolves nowhere"
    if not real.is_relative_to(root):
        return "resolves outside the repository"
    if real.is_relative_to(root / ".git"):
        return "resolves into .git/"
    return None


class RealPaths:
    """``os.path.realpath`` for one walk over a tree that does not change under it,
    remembering what each path is (a link and its text, or not a link) and where each
    link leads. A fleet's overlays name the same bases and components through the
    same folders: ``Path.resolve`` looks at every component of every path again
    (~240 ``lstat`` calls per overlay in a 100-environment repository), this once.

    The results are realpath's: each component in turn, a link replaced by where it
    leads, ``..`` taken after the links before it are resolved (POSIX). Where links
    loop, ``walk`` says so (as ``Path.resolve`` raises a RuntimeError: when the file
    system answers ELOOP for the path realpath gives)."""

    def __init__(self) -> None:
        self._links: dict[str, str | None] = {}  # path -> its link text; None: not a link
        self._leads: dict[str, str] = {}  # a link's path -> the real path it leads to

    def resolve(self, path: Path | str) -> Path:
        """``os.path.realpath(path)``, as a Path."""
        return self.walk(path)[0]

    def walk(self, path: Path | str) -> tuple[Path, bool]:
        """(the real path, whether every link on the way resolved: False for a loop)."""
        text = os.fspath(path)
        if not text.startswith("/"):  # getcwd is a real path: joining it changes no answer
            text = os.path.join(os.getcwd(), text)
        real, whole = self._join("/", text, [])
        if whole:
            return Path(real), True
        # As realpath: the part past the loop is cleaned lexically; and as Path.resolve,
        # a loop is one only if the file system still finds one there.
        real = os.path.normpath(real)
        try:
            os.stat(real)
        except OSError as exc:
            return Path(real), exc.errno != errno.ELOOP
        return Path(real), True

    def _link(self, path: str) -> str | None:
        if path in self._links:
            return self._links[path]
        try:
            text = os.readlink(path) if stat.S_ISLNK(os.lstat(path).st_mode) else None
        except OSError:  # missing or unreadable: realpath goes on with the name as it is
            text = None
        self._links[path] = text
        return text

    def _join(self, path: str, rest: str, following: list[str]) -> tuple[str, bool]:
        """``rest`` taken component by component from the real path ``path``."""
        if rest.startswith("/"):
            path = "/"
        names = rest.split("/")
        for index, name in enumerate(names):
            if not name or name == ".":
                continue
            if name == "..":
                path = os.path.dirname(path)
                continue
            new = os.path.join(path, name)
            target = self._link(new)
            if target is None:
                path = new
                continue
            if new in self._leads:
                path = self._leads[new]
                continue
            if new in following:
                return os.path.join(new, "/".join(names[index + 1 :])), False
            following.append(new)
            path, whole = self._join(path, target, following)
            following.pop()
            if not whole:
                return os.path.join(path, "/".join(names[index + 1 :])), False
            self._leads[new] = path  # a pure function of the tree: where this link leads
        return path, True
