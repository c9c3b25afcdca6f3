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


def outside_reason(path: Path, root: Path) -> str | None:
    """Why reading ``path`` (symlinks followed) is refused, or None. ``root``: the
    repository's real path."""
    real = path.resolve()
    if not real.is_relative_to(root):
        return "resolves outside the repository"
    if real.is_relative_to(root / ".git"):
        return "resolves into .git/"
    return None
