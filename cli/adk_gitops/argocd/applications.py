"""Finding the Argo CD Application that deploys an overlay, in the repository
around it (its ``argocd/`` folder)."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path
from posixpath import normpath
from typing import Any

from adk_gitops import bounded, repoconfig
from adk_gitops.argocd.annotations import option_value
from adk_gitops.argocd.annotations import sync_options as annotation_sync_options
from adk_gitops.errors import AdkGitopsError, ManifestError
from adk_gitops.kube.manifests import Resource, load_stream

# Namespaces no environment may deploy into: Kubernetes' own, and (per repository)
# Argo CD's. Two Applications with the resources finalizer in one namespace own the
# same objects: deleting one deletes the other's app.
SYSTEM_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})


def system_namespace(namespace: str, argocd_namespace: str = "argocd") -> str | None:
    """Why ``namespace`` is not an environment's to take, or None."""
    if namespace in SYSTEM_NAMESPACES or namespace.startswith("kube-"):
        return f"{namespace!r} is a Kubernetes system namespace"
    if namespace == argocd_namespace:
        return f"{namespace!r} is Argo CD's own namespace"
    return None


def is_application(res: Resource) -> bool:
    return res.kind == "Application" and res.api_version.startswith("argoproj.io/")


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def destination(app: Resource) -> tuple[str, str]:
    """(cluster: server or name, namespace) an Application deploys to; "" where unset."""
    dest = _mapping(_mapping(app.body.get("spec")).get("destination"))
    cluster = dest.get("server") or dest.get("name") or ""
    return str(cluster), str(dest.get("namespace") or "")


def source_paths(app: Resource) -> Iterator[tuple[str, str]]:
    """(pointer, normalized path) of each git source of an Application that has a path."""
    for pointer, path, _ in sources(app):
        yield pointer, path


def own_repo_url(root: Path) -> str:
    """This repository's URL as Argo CD would name it: ``argocd.repoURL`` of
    ``adk-gitops.yaml``, else ``remote.origin.url`` read from ``.git/config`` as
    text (git itself is never run: a repository's config can make it execute
    commands). Credentials in the URL are dropped. "" when unknown."""
    try:
        argocd = repoconfig.read(root).section("argocd")
    except repoconfig.RepoConfigError:
        argocd = None
    if isinstance(argocd, dict) and isinstance(argocd.get("repoURL"), str):
        return _without_credentials(argocd["repoURL"])
    try:
        text = bounded.read_bytes(root / ".git" / "config", bounded.MAX_CONFIG_BYTES).decode(
            "utf-8", errors="replace"
        )
    except OSError:
        return ""
    in_origin = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            in_origin = stripped.replace(" ", "") == '[remote"origin"]'
        elif in_origin and stripped.split("=", 1)[0].strip() == "url" and "=" in stripped:
            return _without_credentials(stripped.split("=", 1)[1].strip())
    return ""


def _without_credentials(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    return f"{scheme}://{authority.rpartition('@')[2]}{slash}{path}"


def repository_key(url: str) -> str:
    """host/org/repo, lowercased, for comparing repository URLs written differently
    (https://…/x.git, git@host:org/x, ssh://git@host/org/x)."""
    text = url.strip().lower()
    if text.startswith("git@") and ":" in text:
        text = text[4:].replace(":", "/", 1)
    text = text.split("://", 1)[-1].rpartition("@")[2] if "://" in text else text
    return text.removesuffix("/").removesuffix(".git").removesuffix("/")


def sources(app: Resource) -> Iterator[tuple[str, str, str]]:
    """(pointer, normalized path, repoURL) of each git source of an Application that has a path."""
    spec = _mapping(app.body.get("spec"))
    single = _mapping(spec.get("source"))
    many = spec.get("sources")
    items = [("/spec/source", single)] if single else []
    items += [(f"/spec/sources/{i}", s) for i, s in enumerate(many if isinstance(many, list) else [])]
    for base, source in items:
        if isinstance(source, dict) and source.get("path") is not None:
            yield f"{base}/path", _norm(str(source["path"])), str(source.get("repoURL") or "")


def _norm(path: str) -> str:
    return normpath(path.strip().strip("/")) if path.strip() else "."


@dataclass(frozen=True)
class AppInfo:
    """An Application as Argo CD would create it: written in ``argocd/``, or generated
    by an ApplicationSet's git directory generator from this repository's folders."""

    name: str
    file: str  # where it is declared, relative to the repository
    source_path: str  # normalized, relative to the repository
    cluster: str
    destination_namespace: str
    create_namespace: bool
    resource: Resource  # the Application, or the ApplicationSet that generates it
    recurse: bool = False  # source.directory.recurse: a directory source read recursively

    @property
    def generated(self) -> bool:
        return self.resource.kind == "ApplicationSet"


def _repo_root(start: Path) -> Path | None:
    for directory in [start, *start.parents]:
        if (directory / "argocd").is_dir():
            return directory
    return None


def _directory_recurse(spec: Mapping[str, Any]) -> bool:
    directory = _mapping(_mapping(spec.get("source")).get("directory"))
    return directory.get("recurse") is True


def _sync_options(spec: Mapping[str, Any]) -> list[str]:
    options = _mapping(spec.get("syncPolicy")).get("syncOptions")
    return [str(o) for o in options] if isinstance(options, list) else []


def app_spec(res: Resource) -> dict[str, Any]:
    """The spec of an Application, or of the ones an ApplicationSet's template makes."""
    spec = _mapping(res.body.get("spec"))
    if res.kind == "ApplicationSet":
        spec = _mapping(_mapping(spec.get("template")).get("spec"))
    return spec


def sync_options(res: Resource) -> list[str]:
    """The sync options of an Application, or of the ones an ApplicationSet's template makes."""
    return _sync_options(app_spec(res))


class Pruning(StrEnum):
    """What the next sync does with an object no longer in the Application's manifests."""

    AUTOMATED = "automated"  # automated sync with automated.prune: deleted at the next sync
    NOT_AUTOMATED = "not-automated"  # automated sync without prune: left until a sync with prune
    MANUAL = "manual"  # no automated sync: deleted when someone syncs with prune
    KEPT = "kept"  # Prune=false on the object or the Application: never pruned
    CONFIRM = "confirm"  # Prune=confirm: pruned once someone confirms it


def pruning(app: Resource, removed: Resource) -> Pruning:
    """How the Application ``app`` treats ``removed``, an object it no longer renders:
    the object's own ``Prune=`` sync option, else the Application's (gitops-engine
    sync_context.go isPruningDisabled, objRequiresPruneConfirmation; argo-cd
    controller/sync.go WithDefaultPruneOption), then ``automated.prune`` when
    automated sync is on (types.go IsAutomatedSyncEnabled: ``automated`` set and
    ``enabled`` not false; appcontroller.go autoSync: ``Prune: GetPrune()``)."""
    spec = app_spec(app)
    option = option_value(annotation_sync_options(removed), "Prune")
    if option is None:
        option = option_value(_sync_options(spec), "Prune")
    if option == "false":
        return Pruning.KEPT
    if option == "confirm":
        return Pruning.CONFIRM
    automated = _mapping(spec.get("syncPolicy")).get("automated")
    if not isinstance(automated, dict) or automated.get("enabled") is False:
        return Pruning.MANUAL
    return Pruning.AUTOMATED if automated.get("prune") is True else Pruning.NOT_AUTOMATED


def applications_index(
    root: Path, objects: Sequence[tuple[Path, Resource]] | None = None
) -> tuple[AppInfo, ...]:
    """Every Application of the repository (one entry per source path), the
    ApplicationSet-generated ones included. Read once per run; ``objects``: the
    repository's ``argocd_objects`` when the caller already read them."""
    own = repository_key(own_repo_url(root))
    found: list[AppInfo] = []
    for file, res in argocd_objects(root) if objects is None else objects:
        rel = str(file.relative_to(root))
        if is_application(res):
            spec = _mapping(res.body.get("spec"))
            cluster, namespace = destination(res)
            create = "CreateNamespace=true" in _sync_options(spec)
            recurse = _directory_recurse(spec)
            for _, path, repo_url in sources(res):
                if own and repo_url and repository_key(repo_url) != own:
                    continue
                found.append(AppInfo(res.name, rel, path, cluster, namespace, create, res, recurse))
        elif res.kind == "ApplicationSet" and res.api_version.startswith("argoproj.io/"):
            found.extend(_generated(root, rel, res, own))
    return tuple(found)


# {{.path.basename}} (goTemplate) and {{path.basename}} (fasttemplate) alike.
_PLACEHOLDER = re.compile(r"\{\{\s*\.?(path\.basename|path\.path|path)\s*\}\}")


def _generated(root: Path, rel: str, appset: Resource, own: str) -> list[AppInfo]:
    """The Applications a git directory generator of this repository creates
    (applicationset/generators/git.go: one per matching folder, excludes honoured)."""
    spec = _mapping(appset.body.get("spec"))
    template = _mapping(spec.get("template"))
    tspec = _mapping(template.get("spec"))
    generators = spec.get("generators")
    out: list[AppInfo] = []
    for generator in generators if isinstance(generators, list) else []:
        git = _mapping(_mapping(generator).get("git"))
        repo_url = str(git.get("repoURL") or "")
        directories = git.get("directories")
        if not isinstance(directories, list) or (own and repo_url and repository_key(repo_url) != own):
            continue
        include = [str(d.get("path")) for d in directories if isinstance(d, dict) and not d.get("exclude")]
        exclude = [str(d.get("path")) for d in directories if isinstance(d, dict) and d.get("exclude")]
        folders = sorted({p for pattern in include for p in _matching(root, pattern)})
        dest = _mapping(tspec.get("destination"))
        for folder in folders:
            path = folder.relative_to(root).as_posix()
            if any(fnmatchcase(path, pattern) for pattern in exclude):
                continue

            def fill(text: str, path: str = path) -> str:
                def value(match: re.Match[str]) -> str:
                    return posixpath.basename(path) if match.group(1) == "path.basename" else path

                return _PLACEHOLDER.sub(value, text)

            out.append(
                AppInfo(
                    fill(str(_mapping(template.get("metadata")).get("name") or "")),
                    rel,
                    _norm(fill(str(_mapping(tspec.get("source")).get("path") or path))),
                    str(dest.get("server") or dest.get("name") or ""),
                    fill(str(dest.get("namespace") or "")),
                    "CreateNamespace=true" in _sync_options(tspec),
                    appset,
                    _directory_recurse(tspec),
                )
            )
    return out


# How many folders one generator path may match or visit: a symlink loop or a huge
# tree must end in one line, not run for minutes.
MAX_GENERATED = 10_000


def _matching(root: Path, pattern: str) -> Iterator[Path]:
    """Folders of the repository a generator's path glob matches (none outside it),
    segment by segment without following links, as Argo CD's repo-server lists a
    checkout's directories (filepath.Walk does not follow symlinks)."""
    if pattern.startswith("/") or ".." in pattern.split("/"):
        return
    level = [root]
    visited = 0
    for segment in [s for s in pattern.split("/") if s not in ("", ".")]:
        following: list[Path] = []
        for folder in level:
            try:
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            for entry in entries:
                visited += 1
                if visited > MAX_GENERATED:
                    raise AdkGitopsError(
                        f"ApplicationSet generator path {pattern!r} visits more than {MAX_GENERATED} folders"
                    )
                if (
                    entry.is_dir(follow_symlinks=False)
                    and not entry.name.startswith(".")
                    and fnmatchcase(entry.name, segment)
                ):
                    following.append(Path(entry.path))
        level = following
    yield from (folder for folder in level if folder != root)


def application_for(overlay: Path, index: Sequence[AppInfo] | None = None) -> AppInfo | None:
    """The Application (written or generated) whose source path is ``overlay``."""
    overlay = overlay.resolve()
    root = _repo_root(overlay)
    if root is None:
        return None
    wanted = overlay.relative_to(root).as_posix()
    for info in applications_index(root) if index is None else index:
        if info.source_path == wanted:
            return info
    return None


def argocd_objects(root: Path) -> Iterator[tuple[Path, Resource]]:
    """Every readable object under ``root/argocd`` (symlinks out of the repository skipped)."""
    from adk_gitops.bounded import outside_reason

    real_root = root.resolve()
    for file in sorted((root / "argocd").rglob("*.y*ml")):
        if outside_reason(file, real_root) or not file.is_file():
            continue
        try:
            resources = load_stream(bounded.read_text(file), source=str(file), keep=True)
        except (ManifestError, OSError, UnicodeDecodeError):
            continue
        for res in resources:
            yield file, res
