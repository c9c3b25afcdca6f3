"""buildoptions.py: Argo CD's kustomize.buildOptions, the ones this tool takes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from adk_gitops.kustomize import buildoptions
from adk_gitops.kustomize.buildoptions import BuildOptionsError, parse

NONE = ("--load-restrictor", "LoadRestrictionsNone")


@pytest.mark.parametrize(
    ("value", "argv"),
    [
        (None, ()),
        ("", ()),
        ("--load-restrictor LoadRestrictionsNone", NONE),
        ("--load-restrictor=LoadRestrictionsNone", NONE),
        ("  --load-restrictor   LoadRestrictionsNone  ", NONE),
        ("--enable-helm", ("--enable-helm",)),
        ("--enable-helm --load-restrictor LoadRestrictionsNone", ("--enable-helm", *NONE)),
    ],
)
def test_taken(value: str | None, argv: tuple[str, ...]) -> None:
    assert parse(value) == argv


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("--helm-command=/tmp/x", "--helm-command=/tmp/x: not taken (adk-gitops runs the helm on PATH"),
        ("--load-restrictor", "--load-restrictor takes LoadRestrictionsNone here"),
        (
            "--network",
            "--network: not supported (supported: --load-restrictor LoadRestrictionsNone, --enable-helm)",
        ),
        ("--mount=/etc", "--mount=/etc: not supported"),
    ],
)
def test_refused_in_one_line(value: str, said: str) -> None:
    with pytest.raises(BuildOptionsError, match=f"^check.kustomize.buildOptions: {re.escape(said)}"):
        parse(value)
    with pytest.raises(BuildOptionsError, match="a string, as in argocd-cm"):
        parse(["--enable-helm"])


def test_read_from_the_repository_or_the_config_file(tmp_path: Path) -> None:
    assert buildoptions.load(tmp_path).build_options == ()
    (tmp_path / "adk-gitops.yaml").write_text(
        "check:\n  kustomize: {buildOptions: --load-restrictor LoadRestrictionsNone}\n"
    )
    assert buildoptions.load(tmp_path).build_options == NONE
    block = tmp_path / "ci.yaml"
    block.write_text("kustomize: {buildOptions: '--load-restrictor=LoadRestrictionsNone'}\n")
    assert buildoptions.load(tmp_path / "nowhere", block).build_options == NONE
