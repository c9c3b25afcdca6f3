"""redact.py: what may reach a terminal or a CI log."""

from __future__ import annotations

import pytest

from adk_gitops.check.model import Finding, Report, Severity, TargetResult
from adk_gitops.kube.manifests import ResourceId
from adk_gitops.redact import mask, printable, safe
from adk_gitops.reporters.check_text import render


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://ghp_abc123@github.com/o/r.git", "https://***@github.com/o/r.git"),
        ("postgresql+asyncpg://app:p%40ss@10.0.0.1/db", "postgresql+asyncpg://***@10.0.0.1/db"),
        ("ssh://git@github.com/o/r.git", "ssh://git@github.com/o/r.git"),  # a user alone, not over http
        ("postgresql://$(DB_USER):$(DB_PASSWORD)@db/app", "postgresql://$(DB_USER):$(DB_PASSWORD)@db/app"),
        ("Authorization: Bearer eyJhbGciOi.x-y_z", "Authorization: Bearer ***"),
        ("basic dXNlcjpwYXNz==", "basic ***"),
        ("host=db password=hunter2 sslmode=require", "host=db password=*** sslmode=require"),
        ("/x?token=abc&user=u", "/x?token=***&user=u"),
        ("password=$(DB_PASSWORD)", "password=$(DB_PASSWORD)"),
        ("nothing secret here", "nothing secret here"),
    ],
)
def test_mask(text: str, shown: str) -> None:
    assert mask(text) == shown


def test_printable_shows_controls_and_reordering_characters() -> None:
    assert printable("a\x1b[2Jb\rc\x07\u202ed\tx") == "a\\x1b[2Jb\\x0dc\\x07\\u202ed\tx"
    assert printable("one\ntwo") == "one\\x0atwo"
    assert printable("one\ntwo", newlines=True) == "one\ntwo"
    assert safe("https://u:p@h\n") == "https://***@h\\x0a"


def test_check_text_never_passes_a_control_sequence_through() -> None:
    finding = Finding(
        "overlays/x\x1b]8;;http://evil\x07", ResourceId("", "ConfigMap", "", "c"), "some-rule", "/data",
        "value \x1b[2J from https://u:pw@host", Severity.ERROR,
    )  # fmt: skip
    out = render(Report((finding,), (TargetResult("overlays/x", 1, "kustomize"),), ("1.34",)))
    assert "\x1b" not in out and "\x07" not in out and "pw@" not in out
    assert "value \\x1b[2J from https://***@host" in out
