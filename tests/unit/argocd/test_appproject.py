"""The AppProject model against Argo CD v3.6.1's semantics (app_project_types.go,
types.go, util/glob, util/git), case by case."""

from __future__ import annotations

import pytest

from adk_gitops.argocd.appproject import (
    AppProject,
    Destination,
    Restriction,
    destination_cluster,
    normalize_git_url,
)
from adk_gitops.argocd.globs import filepath_match, glob


def project(**fields: object) -> AppProject:
    base: dict[str, object] = {
        "name": "p",
        "source_repos": (),
        "destinations": (),
        "cluster_whitelist": None,
        "cluster_blacklist": None,
        "namespace_whitelist": None,
        "namespace_blacklist": None,
    }
    return AppProject(**{**base, **fields})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("pattern", "value", "separators", "matches"),
    [
        ("*", "anything/at/all", "/", True),  # globMatch: "*" alone matches everything
        ("https://github.com/org/*", "https://github.com/org/repo", "/", True),
        ("https://github.com/org/*", "https://github.com/org/a/b", "/", False),  # * stops at '/'
        ("https://github.com/org/**", "https://github.com/org/a/b", "/", True),
        ("agent-*", "agent-dev", "", True),
        ("agent-?", "agent-d", "", True),
        ("agent-[a-c]", "agent-b", "", True),
        ("agent-[!a-c]", "agent-b", "", False),
        ("{dev,prod}", "prod", "", True),
        ("!agent-secret", "agent-dev", "", True),  # a deny pattern matches everything else
        ("!agent-secret", "agent-secret", "", False),
        ("agent-[", "agent-[", "", False),  # gobwas cannot compile it: no match
    ],
)
def test_glob(pattern: str, value: str, separators: str, matches: bool) -> None:
    assert glob(pattern, value, separators) is matches


@pytest.mark.parametrize(
    ("pattern", "value", "matches"),
    [
        ("*", "Namespace", True),
        ("", "", True),  # group "" (the core group) matches only itself
        ("", "apps", False),
        ("Cluster*", "ClusterRole", True),
        ("[^N]*", "Namespace", False),  # Go's negation is '^'
        ("adk-*", "adk-a/b", False),  # '*' never crosses '/'
        ("[", "[", False),  # malformed: no match
    ],
)
def test_filepath_match(pattern: str, value: str, matches: bool) -> None:
    assert filepath_match(pattern, value) is matches


def test_cluster_whitelist_empty_or_absent_allows_nothing() -> None:
    for whitelist in (None, ()):
        assert not project(cluster_whitelist=whitelist).permits_kind("", "Namespace", "x", namespaced=False)


def test_cluster_whitelist_names_are_globs_and_optional() -> None:
    named = project(cluster_whitelist=(Restriction("", "Namespace", "adk-*"),))
    assert named.permits_kind("", "Namespace", "adk-dev", namespaced=False)
    assert not named.permits_kind("", "Namespace", "kube-system", namespaced=False)
    unnamed = project(cluster_whitelist=(Restriction("", "Namespace"),))
    assert unnamed.permits_kind("", "Namespace", "anything", namespaced=False)


def test_cluster_blacklist_wins() -> None:
    both = project(
        cluster_whitelist=(Restriction("*", "*"),),
        cluster_blacklist=(Restriction("", "Namespace", "kube-*"),),
    )
    assert both.permits_kind("", "Namespace", "adk-dev", namespaced=False)
    assert not both.permits_kind("", "Namespace", "kube-system", namespaced=False)


def test_namespace_whitelist_absent_allows_all_and_empty_allows_none() -> None:
    assert project().permits_kind("apps", "Deployment", "x", namespaced=True)
    assert not project(namespace_whitelist=()).permits_kind("apps", "Deployment", "x", namespaced=True)
    only = project(
        namespace_whitelist=(Restriction("apps", "*"),), namespace_blacklist=(Restriction("apps", "Stat*"),)
    )
    assert only.permits_kind("apps", "Deployment", "x", namespaced=True)
    assert not only.permits_kind("apps", "StatefulSet", "x", namespaced=True)
    assert not only.permits_kind("", "Service", "x", namespaced=True)


def test_destinations_by_server_or_name_with_negation() -> None:
    proj = project(
        destinations=(
            Destination(server="https://kubernetes.default.svc", namespace="adk-*"),
            Destination(server="*", namespace="!adk-secret"),
        )
    )
    in_cluster = destination_cluster("", "in-cluster")
    assert in_cluster == Destination("https://kubernetes.default.svc", "in-cluster")
    assert proj.permits_destination(in_cluster, "adk-dev")
    assert not proj.permits_destination(in_cluster, "adk-secret")  # the deny entry ends the search
    by_name = project(destinations=(Destination(name="prod-*", namespace="*"),))
    assert by_name.permits_destination(destination_cluster("", "prod-eu"), "x")
    assert not by_name.permits_destination(destination_cluster("https://10.0.0.1", ""), "x")


@pytest.mark.parametrize(
    ("url", "normalized"),
    [
        ("https://GitHub.com/Org/Repo.git", "https://github.com/org/repo"),
        ("git@github.com:org/repo.git", "git@github.com/org/repo"),
        ("ssh://git@github.com/org/repo", "git@github.com/org/repo"),
        ("  https://example.org/x  ", "https://example.org/x"),
    ],
)
def test_normalize_git_url(url: str, normalized: str) -> None:
    assert normalize_git_url(url) == normalized


def test_source_repos_with_a_deny_entry() -> None:
    proj = project(source_repos=("!https://github.com/org/secret.git",))
    # Argo CD negates a deny pattern's match: it permits every other repository.
    assert proj.permits_source("https://github.com/org/other")
    assert not proj.permits_source("https://github.com/ORG/secret")
    assert not project(source_repos=()).permits_source("https://github.com/org/repo")
