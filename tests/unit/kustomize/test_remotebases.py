"""check.kustomize.remoteBases: which remote references a repository admits without
--allow-remote, and which entries it refuses to take."""

from __future__ import annotations

import pytest

from adk_gitops.kustomize.remotebases import RemoteBases, RemoteBasesError, parse, pinned

DOTS = "under https://github.com/my-org/platform-bases/* but with a '.' or '..' segment, which could leave it"
LIST = parse(
    [
        "https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v3.1.8",
        "https://github.com/my-org/platform-bases/*",
        "https://raw.githubusercontent.com/my-org/files/v1.0.0/cm.yaml",
    ],
    source="adk-gitops.yaml",
)


@pytest.mark.parametrize(
    "reference",
    [
        "https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v3.1.8",  # exact
        "https://raw.githubusercontent.com/my-org/files/v1.0.0/cm.yaml",  # exact, a file
        "https://github.com/my-org/platform-bases/agent?ref=v1.2.3",
        "https://github.com/my-org/platform-bases//deploy?ref=1.2",
        "https://github.com/my-org/platform-bases//deploy?ref=v3.1.8-rc1",
        "https://github.com/my-org/platform-bases//deploy?version=0123456789abcdef0123456789abcdef01234567",
        "https://github.com/my-org/platform-bases//deploy?ref=0a1b2c3&timeout=90s",
    ],
)
def test_admitted(reference: str) -> None:
    assert LIST.refusal(reference) is None


@pytest.mark.parametrize(
    ("reference", "why"),
    [
        (
            "https://github.com/argoproj/argo-cd//manifests/cluster-install?ref=v3.1.9",
            "not in check.kustomize.remoteBases (adk-gitops.yaml)",
        ),
        (
            "https://github.com/my-org/platform-bases//deploy?ref=main",
            "under https://github.com/my-org/platform-bases/* but not pinned: give ?ref= a commit or a "
            "version tag (or list the reference exactly)",
        ),
        (
            "https://github.com/my-org/platform-bases//deploy",
            "under https://github.com/my-org/platform-bases/* but not pinned: give ?ref= a commit or a "
            "version tag (or list the reference exactly)",
        ),
        (
            "https://github.com/my-org/platform-bases/../evil//x?ref=v1",
            DOTS,
        ),
        (
            "https://github.com/my-org/platform-bases/%2e%2e/evil?ref=v1",
            DOTS,
        ),
        (
            "https://github.com/my-org/platform-bases//d?ref=v1&ref=main",
            "under https://github.com/my-org/platform-bases/* but not pinned: give ?ref= a commit or a "
            "version tag (or list the reference exactly)",
        ),
        (
            "https://github.com/my-org/platform-bases-evil/x?ref=v1",
            "not in check.kustomize.remoteBases (adk-gitops.yaml)",
        ),
        ("https://github.com/my-org/platform-bases", "not in check.kustomize.remoteBases (adk-gitops.yaml)"),
    ],
)
def test_refused(reference: str, why: str) -> None:
    assert LIST.refusal(reference) == why


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("https://github.com/org/*", "check.kustomize.remoteBases: a list of references"),
        (["http://github.com/org/repo?ref=v1"], "an https:// reference (fetched over https only)"),
        (["github.com/org/repo?ref=v1"], "an https:// reference (fetched over https only)"),
        (["https://github.com/org*"], "a prefix ends in '/*' and holds no other '*'"),
        (["https://github.com/*/repo/*"], "a prefix ends in '/*' and holds no other '*'"),
        (["https://github.com/*"], "a prefix names at least an owner: https://host/owner/*"),
        (["https://token:x@github.com/org/*"], "a reference with credentials in it"),
        ([""], "check.kustomize.remoteBases: a list of references"),
    ],
)
def test_invalid_entries(value: object, message: str) -> None:
    with pytest.raises(
        RemoteBasesError, match=message.replace("*", r"\*").replace("(", r"\(").replace(")", r"\)")
    ):
        parse(value)


def test_an_empty_list_admits_nothing() -> None:
    assert not parse(None) and not parse([]) and bool(LIST)
    assert RemoteBases().refusal("https://github.com/x/y?ref=v1") == "not in check.kustomize.remoteBases"


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("github.com/org/repo/deploy?ref=v2", True),
        ("https://github.com/org/repo?ref=release-2024", False),
        ("https://github.com/org/repo?ref=HEAD", False),
        ("https://github.com/org/repo?ref=abcdef", False),  # 6 hex digits: too short for a commit
    ],
)
def test_pinned(reference: str, expected: bool) -> None:
    assert pinned(reference) is expected
