"""adk-gitops.yaml is read one way for every stage: the same data, the same one-line
errors, parsed once however many stages ask."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from adk_gitops import repoconfig
from adk_gitops.argocd.applications import own_repo_url
from adk_gitops.check import checkconfig
from adk_gitops.kustomize import buildoptions

CONFIG = """\
app: adk-agent
argocd:
  repoURL: https://user:secret@example.com/org/repo.git
check:
  disable: [image-tag-pinned]
  kustomize:
    buildOptions: --load-restrictor LoadRestrictionsNone
"""


def test_no_file_is_no_data(tmp_path: Path) -> None:
    config = repoconfig.read(tmp_path)
    assert (config.label, config.data, config.check_block()) == ("adk-gitops.yaml", None, None)


def test_every_stage_reads_its_block_of_one_parse(tmp_path: Path) -> None:
    (tmp_path / "adk-gitops.yaml").write_text(CONFIG)
    first = repoconfig.read(tmp_path)
    assert repoconfig.read(tmp_path) is first  # parsed once per run
    assert first.section("app") == "adk-agent"
    assert own_repo_url(tmp_path) == "https://example.com/org/repo.git"
    assert checkconfig.load(tmp_path).disable == frozenset({"image-tag-pinned"})
    assert buildoptions.load(tmp_path).build_options == ("--load-restrictor", "LoadRestrictionsNone")


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    path = tmp_path / "adk-gitops.yaml"
    path.write_text("app: one\n")
    assert repoconfig.read(tmp_path).section("app") == "one"
    path.write_text("app: second\n")
    assert repoconfig.read(tmp_path).section("app") == "second"


def test_a_config_file_may_be_the_check_block_itself(tmp_path: Path) -> None:
    given = tmp_path / "check.yaml"
    given.write_text("disable: [image-tag-pinned]\n")
    assert repoconfig.read(tmp_path, given).check_block() == {"disable": ["image-tag-pinned"]}
    (tmp_path / "adk-gitops.yaml").write_text("disable: [image-tag-pinned]\n")
    assert repoconfig.read(tmp_path).check_block() is None  # the repository's file needs check:


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("- a list\n", "adk-gitops.yaml: must be a mapping"),
        ("app: [unclosed\n", "adk-gitops.yaml"),
        ("a: 1\na: 2\n", "duplicate key"),
    ],
)
def test_a_bad_file_is_one_line(tmp_path: Path, text: str, error: str) -> None:
    (tmp_path / "adk-gitops.yaml").write_text(text)
    with pytest.raises(repoconfig.RepoConfigError, match=error) as caught:
        repoconfig.read(tmp_path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("target", ["/etc/passwd", ".git/config"])
def test_a_committed_link_out_of_the_repository_is_not_followed(tmp_path: Path, target: str) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("a: 1\n")
    (tmp_path / "adk-gitops.yaml").symlink_to(target if target.startswith("/") else tmp_path / target)
    with pytest.raises(
        repoconfig.RepoConfigError, match=r"^adk-gitops\.yaml: resolves (outside the repository|into \.git/)$"
    ):
        repoconfig.read(tmp_path)
    assert buildoptions.load(tmp_path).build_options == ()  # the full load reports it, in its own line
    with pytest.raises(checkconfig.CheckConfigError, match=r"^adk-gitops\.yaml: resolves"):
        checkconfig.load(tmp_path)


def test_a_missing_config_option_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(repoconfig.RepoConfigError, match=r"^--config .*nowhere\.yaml: no such file$"):
        repoconfig.read(tmp_path, tmp_path / "nowhere.yaml")


def test_the_file_at_a_ref_is_read_from_git(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            timeout=60,
        )

    git("init", "-q", "-b", "main")
    (tmp_path / "adk-gitops.yaml").write_text("app: committed\n")
    git("add", "adk-gitops.yaml")
    git("commit", "-q", "-m", "c")
    (tmp_path / "adk-gitops.yaml").write_text("app: working\n")
    at_main = repoconfig.at_ref(tmp_path, "main", what="--changed-from main")
    assert (at_main.label, at_main.section("app")) == ("main:adk-gitops.yaml", "committed")
