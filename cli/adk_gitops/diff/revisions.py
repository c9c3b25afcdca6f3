"""The base side of a change, read from git: the revision (the default branch's merge
base unless given), the files that differ from it, and its tree extracted
(``git archive``; links and special files refused).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

from adk_gitops import git
from adk_gitops.errors import AdkGitopsError


def default_base(root: Path) -> str:
    """The default branch a pull request merges into: origin's HEAD, else main or master."""
    try:
        head = git.run(root, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", what="default branch")
        return head.decode().strip().removeprefix("refs/remotes/")
    except AdkGitopsError:
        pass
    for name in ("origin/main", "main", "origin/master", "master"):
        try:
            git.run(root, "rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", what=name)
            return name
        except AdkGitopsError:
            continue
    raise AdkGitopsError("diff: no default branch found (origin/HEAD, main, master); give --from REF")


def merge_base(root: Path, ref: str) -> str:
    """The commit the change started from: ``git merge-base REF HEAD``."""
    if ref.startswith("-") or not ref.strip():
        raise AdkGitopsError(f"--from {ref!r}: not a git revision")
    return git.run(root, "merge-base", ref, "HEAD", what=f"--from {ref}").decode().strip()


def changed_files(root: Path, commit: str) -> list[Path]:
    """What differs between ``commit`` and the working tree, untracked files included."""
    tracked = git.run(
        root, "diff", "--name-only", "--no-renames", "--no-ext-diff", "--no-textconv", commit, "--",
        what="diff",
    )  # fmt: skip
    untracked = git.run(root, "ls-files", "--others", "--exclude-standard", what="diff")
    names = (tracked + b"\n" + untracked).decode("utf-8", "surrogateescape").splitlines()
    return [root / n for n in dict.fromkeys(names) if n]


def extract(root: Path, commit: str, into: Path) -> Path:
    """The tree of ``commit`` under ``into`` (``git archive``; links and special files
    refused by tarfile's data filter, so nothing lands outside ``into``)."""
    data = git.run(root, "archive", "--format=tar", commit, what=f"archive {commit[:12]}")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into
