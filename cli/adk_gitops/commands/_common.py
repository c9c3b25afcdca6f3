"""Shared CLI plumbing: stderr messages and the one exit path for domain errors."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from adk_gitops.errors import AdkGitopsError, Terminated

if TYPE_CHECKING:
    from adk_gitops.kustomize.renderer import Renderer

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_TERMINATED = 143  # 128 + SIGTERM

# What plan and run-hook read, named as every command names a target (targets.discover.resolve).
TargetArg = Annotated[
    str,
    typer.Argument(
        metavar="PATH",
        help="Overlay directory or environment name (overlays/NAME), rendered YAML file, or - for stdin.",
    ),
]
RepoOpt = Annotated[
    Path | None,
    typer.Option(
        "--repo",
        help="The GitOps repository's root: nothing outside it is read. "
        "Default: the nearest folder up from here that holds .git or adk-gitops.yaml.",
        show_default=False,
    ),
]
AllowRemoteOpt = Annotated[
    bool,
    typer.Option(
        "--allow-remote",
        help="Let kustomize fetch remote bases and files (https only, hardened git). "
        "Never on untrusted input: pull requests, pre-commit.",
    ),
]

NoSandboxOpt = Annotated[
    bool,
    typer.Option(
        "--no-sandbox",
        help="Run kustomize without its sandbox (no private network, file system view or ceilings): "
        "only the guard stands between the input and this machine. Said on every run.",
    ),
]


def renderer_for(
    root: Path,
    *,
    allow_remote: bool,
    no_sandbox: bool,
    config: Path | None = None,
    trusted_ref: str | None = None,
    ref_option: str = "--changed-from",
) -> Renderer:
    """The renderer a command's --allow-remote, --no-sandbox and --config ask for
    (buildoptions.configure), its notices said on stderr."""
    from adk_gitops.kustomize.buildoptions import configure

    renderer, notices = configure(
        root,
        allow_remote=allow_remote,
        sandbox=not no_sandbox,
        config=config,
        trusted_ref=trusted_ref,
        ref_option=ref_option,
    )
    for notice in notices:
        say(notice)
    return renderer


def repo_root(repo: Path | None) -> Path:
    """The repository a command works in: --repo, or the one around the working directory."""
    from adk_gitops.kustomize.guard import find_root

    if repo is None:
        return find_root(Path.cwd())
    if not repo.is_dir():
        fail(f"--repo {repo}: not a directory")
    return repo.absolute()


def say(message: str) -> None:
    """A message for people: stderr, never mixed with data on stdout; secrets masked
    and control characters shown (redact.py)."""
    from adk_gitops.redact import safe

    print(safe(message, newlines=True), file=sys.stderr)


def fail(message: str) -> NoReturn:
    from adk_gitops.redact import safe

    say(f"adk-gitops: error: {safe(message)}")  # one line, whatever the message held
    raise typer.Exit(EXIT_ERROR)


@contextmanager
def domain_errors() -> Iterator[None]:
    """Turn library errors into one stderr line and exit code 2, and Ctrl-C (SIGTERM)
    into one line and exit 130 (143): the library has already stopped its children."""
    try:
        yield
    except AdkGitopsError as exc:
        fail(str(exc))
    except Terminated:
        say("adk-gitops: terminated")
        raise typer.Exit(EXIT_TERMINATED) from None
    except KeyboardInterrupt:
        say("adk-gitops: interrupted")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def write_output(text: str, output: Path | None) -> None:
    """Data goes to stdout, or to --output FILE."""
    if output is None:
        sys.stdout.write(text)
        return
    from adk_gitops.txn import write_file

    # Relative: inside this folder's tree, through no link (a committed symlink named like
    # the report must not redirect it). Absolute: where the user said, but not through a
    # link at the end.
    base, rel = (output.parent, output.name) if output.is_absolute() else (Path.cwd(), output.as_posix())
    try:
        write_file(base, rel, text)
    except AdkGitopsError as exc:
        fail(f"--output {exc}")
