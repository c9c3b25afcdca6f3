"""What an Argo CD AppProject refuses before a sync starts, as Argo CD v3.6.1 decides it.

Two checks, both with Argo CD's own messages:

- of the Application (controller/appcontroller.go refreshAppConditions ->
  util/argo/argo.go ValidatePermissions): its project must exist, its source
  repositories be in ``sourceRepos`` and its destination in ``destinations``; any
  failure is an ``InvalidSpecError`` condition, and controller/sync.go SyncAppState
  ends the operation with it before anything is compared or applied;
- of every sync task (controller/sync.go validateSyncPermissions, given to
  gitops-engine as its permission validator): the object's group/kind (and, for a
  cluster-scoped kind, its name) must be allowed by the white- and blacklists and a
  namespaced object's namespace must be an allowed destination. The Namespace that
  ``CreateNamespace=true`` creates is a task like any other. gitops-engine's
  sync_context.go checks every task before applying anything and fails the whole
  operation: ``one or more synchronization tasks are not valid``.

Sources (argo-cd v3.6.1): pkg/apis/application/v1alpha1/app_project_types.go
IsGroupKindNamePermitted (l.399), IsSourcePermitted (l.456), IsDestinationPermitted
and isDestinationMatched (l.482-527); types.go isResourceInList and
isNamedResourceInList (l.3871-3904: Go's filepath.Match); util/glob/glob.go (gobwas/glob);
util/git/git.go NormalizeGitURL (l.74).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from adk_gitops.argocd.globs import deny, filepath_match, glob
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.scopes import Scope, ScopeIndex

IN_CLUSTER_SERVER = "https://kubernetes.default.svc"
IN_CLUSTER_NAME = "in-cluster"
DEFAULT_PROJECT = "default"


@dataclass(frozen=True)
class Restriction:
    """One entry of a white- or blacklist; ``name`` only in the cluster-scoped lists."""

    group: str
    kind: str
    name: str = ""


@dataclass(frozen=True)
class Destination:
    server: str = ""
    name: str = ""
    namespace: str = ""


def _mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _restrictions(value: object) -> tuple[Restriction, ...] | None:
    """None where the field is absent (Go's nil slice), else the entries."""
    if value is None:
        return None
    items = value if isinstance(value, list) else []
    return tuple(
        Restriction(str(i.get("group") or ""), str(i.get("kind") or ""), str(i.get("name") or ""))
        for i in items
        if isinstance(i, Mapping)
    )


@dataclass(frozen=True)
class AppProject:
    name: str
    source_repos: tuple[str, ...]
    destinations: tuple[Destination, ...]
    cluster_whitelist: tuple[Restriction, ...] | None
    cluster_blacklist: tuple[Restriction, ...] | None
    namespace_whitelist: tuple[Restriction, ...] | None
    namespace_blacklist: tuple[Restriction, ...] | None
    resource: Resource | None = None  # the object it was read from; None: Argo CD's own default

    @classmethod
    def from_resource(cls, res: Resource) -> AppProject:
        spec = _mapping(res.body.get("spec"))
        repos = spec.get("sourceRepos")
        dests = spec.get("destinations")
        return cls(
            res.name,
            tuple(str(r) for r in repos) if isinstance(repos, list) else (),
            tuple(
                Destination(
                    str(d.get("server") or ""), str(d.get("name") or ""), str(d.get("namespace") or "")
                )
                for d in (dests if isinstance(dests, list) else [])
                if isinstance(d, Mapping)
            ),
            _restrictions(spec.get("clusterResourceWhitelist")),
            _restrictions(spec.get("clusterResourceBlacklist")),
            _restrictions(spec.get("namespaceResourceWhitelist")),
            _restrictions(spec.get("namespaceResourceBlacklist")),
            res,
        )

    def permits_kind(self, group: str, kind: str, name: str, namespaced: bool) -> bool:
        """IsGroupKindNamePermitted. A namespaced whitelist that is absent allows every
        kind, an empty one none; a cluster whitelist allows nothing unless it lists it."""
        if namespaced:
            white, black = self.namespace_whitelist, self.namespace_blacklist
            listed = white is None or (len(white) != 0 and _in_list(group, kind, "", white, named=False))
            return listed and not (black and _in_list(group, kind, "", black, named=False))
        white, black = self.cluster_whitelist, self.cluster_blacklist
        listed = bool(white) and _in_list(group, kind, name, white or (), named=True)
        return listed and not (black and _in_list(group, kind, name, black, named=True))

    def permits_destination(self, cluster: Destination, namespace: str) -> bool:
        """isDestinationMatched (PermitOnlyProjectScopedClusters is not modelled: it
        needs the cluster Secrets)."""
        matched_any = False
        for item in self.destinations:
            name_ok = cluster.name != "" and glob(item.name, cluster.name)
            server_ok = cluster.server != "" and glob(item.server, cluster.server)
            namespace_ok = glob(item.namespace, namespace)
            if (server_ok or name_ok) and namespace_ok:
                matched_any = True
            elif (
                ((not name_ok and deny(item.name)) or (not server_ok and deny(item.server))) and namespace_ok
            ) or (not namespace_ok and deny(item.namespace) and server_ok):
                return False
        return matched_any

    def permits_source(self, repo_url: str) -> bool:
        """IsSourcePermitted: normalized URLs, globs with '/' as separator, '!' denies."""
        source = normalize_git_url(repo_url)
        matched_any = False
        for pattern in self.source_repos:
            normalized = (
                "!" + normalize_git_url(pattern.removeprefix("!"))
                if deny(pattern)
                else normalize_git_url(pattern)
            )
            if glob(normalized, source, "/"):
                matched_any = True
            elif deny(normalized):
                return False
        return matched_any


# Argo CD creates the project "default" itself, permitting everything; a repository may
# declare its own "default", which then replaces this one.
BUILTIN_DEFAULT = AppProject(
    DEFAULT_PROJECT,
    ("*",),
    (Destination(server="*", namespace="*"),),
    (Restriction("*", "*"),),
    None,
    None,
    None,
)


def destination_cluster(server: str, name: str) -> Destination:
    """The cluster an Application's destination names, as Argo CD resolves it (both
    its server and its name known for the in-cluster one; for others, what is written)."""
    if server == IN_CLUSTER_SERVER or (not server and name == IN_CLUSTER_NAME):
        return Destination(IN_CLUSTER_SERVER, IN_CLUSTER_NAME)
    return Destination(server, name)


def _in_list(group: str, kind: str, name: str, items: Iterable[Restriction], *, named: bool) -> bool:
    for item in items:
        if not (filepath_match(item.kind, kind) and filepath_match(item.group, group)):
            continue
        if not named or not item.name or filepath_match(item.name, name):
            return True
    return False


_SSH_URL = re.compile(r"^(ssh://)?([^/:]*?)@[^@]+$")


def normalize_git_url(repo: str) -> str:
    """util/git NormalizeGitURL: lowercased, scp-style SSH made a URL, ``.git`` dropped."""
    repo = repo.strip().lower()
    if _SSH_URL.match(repo) and not repo.startswith("ssh://"):
        repo = "ssh://" + repo.replace(":", "/", 1)
    repo = repo.removesuffix(".git")
    try:
        urlsplit(repo)
    except ValueError:
        return ""
    return repo.removeprefix("ssh://")


@dataclass(frozen=True)
class Refusal:
    """One thing the project refuses, in Argo CD's words, and where it is written."""

    resource: Resource  # the object refused, or the Application
    pointer: str
    message: str


def application_refusals(app: Resource, projects: Mapping[str, AppProject]) -> Iterator[Refusal]:
    """ValidatePermissions: the InvalidSpecError conditions of an Application."""
    spec = _mapping(app.body.get("spec"))
    name = str(spec.get("project") or "")
    project = find(projects, name)
    if project is None:
        yield Refusal(app, "/spec/project", f"Application referencing project {name} which does not exist")
        return
    sources = spec.get("sources")
    items: list[tuple[str, Mapping[str, Any]]] = (
        [(f"/spec/sources/{i}", _mapping(s)) for i, s in enumerate(sources)]
        if isinstance(sources, list) and sources
        else [("/spec/source", _mapping(spec.get("source")))]
    )
    for pointer, source in items:
        url = str(source.get("repoURL") or "")
        if url and not project.permits_source(url):
            yield Refusal(
                app,
                f"{pointer}/repoURL",
                f"application repo {url} is not permitted in project '{project.name}'",
            )
    dest = _mapping(spec.get("destination"))
    server, cluster_name = str(dest.get("server") or ""), str(dest.get("name") or "")
    namespace = str(dest.get("namespace") or "")
    if not project.permits_destination(destination_cluster(server, cluster_name), namespace):
        shown = cluster_name or server
        yield Refusal(
            app,
            "/spec/destination",
            f"application destination server '{shown}' and namespace '{namespace}' do not match any of "
            f"the allowed destinations in project '{project.name}'",
        )


def find(projects: Mapping[str, AppProject], name: str) -> AppProject | None:
    """The project an Application names: declared in the repository, else Argo CD's
    built-in ``default``; None when it does not exist."""
    found = projects.get(name)
    if found is None and name == DEFAULT_PROJECT:
        return BUILTIN_DEFAULT
    return found


def task_refusals(
    project: AppProject,
    application: Resource,
    cluster: Destination,
    namespace: str,
    resources: Sequence[Resource],
    *,
    create_namespace: bool,
) -> Iterator[Refusal]:
    """validateSyncPermissions for every task of a sync into ``cluster``/``namespace``:
    the Namespace that CreateNamespace=true creates (reported on ``application``, the
    Application or ApplicationSet that asks for it), then each object; an object
    without a namespace gets the destination's, as Argo CD sets it. Objects of
    unknown scope are not judged."""
    if create_namespace and namespace and not project.permits_kind("", "Namespace", namespace, False):
        yield Refusal(
            application,
            _sync_options_pointer(application),
            f"resource :Namespace is not permitted in project {project.name}",
        )
    scopes = ScopeIndex(resources)
    for res in resources:
        scope = scopes.scope(res.group, res.kind)
        if scope is None:
            continue
        namespaced = scope is Scope.NAMESPACED
        in_namespace = res.namespace or namespace
        if not project.permits_kind(res.group, res.kind, res.name, namespaced):
            yield Refusal(
                res, "/kind", f"resource {res.group}:{res.kind} is not permitted in project {project.name}"
            )
        elif namespaced and in_namespace and not project.permits_destination(cluster, in_namespace):
            yield Refusal(
                res,
                "/metadata/namespace",
                f"namespace {in_namespace} is not permitted in project '{project.name}'",
            )


def _sync_options_pointer(application: Resource) -> str:
    spec = "/spec/template/spec" if application.kind == "ApplicationSet" else "/spec"
    return f"{spec}/syncPolicy/syncOptions"


def project_name(application: Resource) -> str | None:
    """The project an Application (or an ApplicationSet's template) names; None when an
    ApplicationSet computes it from a template placeholder."""
    spec = _mapping(application.body.get("spec"))
    if application.kind == "ApplicationSet":
        spec = _mapping(_mapping(spec.get("template")).get("spec"))
    name = str(spec.get("project") or "")
    return None if "{{" in name else name


def operation_message(refusals: Iterable[Refusal]) -> str:
    """The failed operation's message (gitops-engine sync_context.go Sync: distinct
    task messages, sorted, after its fixed text)."""
    return "one or more synchronization tasks are not valid: " + "; ".join(
        sorted({r.message for r in refusals})
    )


def projects_of(objects: Iterable[Resource]) -> dict[str, AppProject]:
    """The AppProjects among ``objects``, by name (the first of each)."""
    found: dict[str, AppProject] = {}
    for res in objects:
        if res.kind == "AppProject" and res.api_version.startswith("argoproj.io/"):
            found.setdefault(res.name, AppProject.from_resource(res))
    return found
