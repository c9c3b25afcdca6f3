"""The syntax shared by rules and envgen has one home (syntax.py)."""

from __future__ import annotations

import ast

import pytest

from adk_gitops.syntax import CONNECTION_NAME, GSA, annotation_pointer, pointer, pointer_segments, split_image
from tests.conftest import REPO


def test_pointers_escape_tilde_before_slash() -> None:
    """RFC 6901: '~' becomes '~0' and '/' becomes '~1', and they read back."""
    assert pointer("a/b", "c~d", 0) == "/a~1b/c~0d/0"
    assert annotation_pointer("argocd.argoproj.io/hook") == "/metadata/annotations/argocd.argoproj.io~1hook"
    assert pointer_segments("/a~1b/c~0d/~01") == ["a/b", "c~d", "~1"]


@pytest.mark.parametrize(
    ("ref", "parts"),
    [
        ("mongo", ("mongo", "", "")),
        ("registry:5000/app", ("registry:5000/app", "", "")),
        ("registry:5000/app:1.2", ("registry:5000/app", "1.2", "")),
        ("r.example/app@sha256:" + "a" * 64, ("r.example/app", "", "sha256:" + "a" * 64)),
    ],
)
def test_split_image(ref: str, parts: tuple[str, str, str]) -> None:
    image = split_image(ref)
    assert (image.repository, image.tag, image.digest) == parts
    assert str(image) == ref


def test_gcp_names() -> None:
    assert CONNECTION_NAME.fullmatch("my-project:europe-west1:adk-sessions")
    assert not CONNECTION_NAME.fullmatch("my-project:adk-sessions")
    assert GSA.fullmatch("adk-agent@my-project.iam.gserviceaccount.com")


def test_envgen_never_imports_a_rule_module() -> None:
    for path in (REPO / "cli/adk_gitops/envgen").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("adk_gitops.check.rules"), (
                    f"{path.name} imports {node.module}"
                )
