"""Argo CD's ``kustomize.buildOptions``, mirrored: the flags the repository's Argo CD
passes to ``kustomize build`` (argocd-cm), read from ``check.kustomize.buildOptions``
in ``adk-gitops.yaml`` so every command renders as that Argo CD does.

Read on its own, before anything renders (the rest of the configuration is loaded
while kustomize runs, checkconfig.py), and closed: only the options that keep the
promises of docs/security.md are taken. ``--load-restrictor LoadRestrictionsNone``
lets a kustomization read files outside its own folder, still inside the repository
(the guard and the sandbox hold that line). ``--enable-helm`` inflates ``helmCharts``
with the helm on PATH (or ``$ADK_GITOPS_HELM``), inside the sandbox, from charts
vendored into the repository: a chart kustomize would pull is refused by the guard
(guard._helm_refusals says why), so nothing is fetched.
https://argo-cd.readthedocs.io/en/stable/user-guide/kustomize/#kustomize-build-options
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from adk_gitops import CONFIG_FILE, repoconfig
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kustomize import remotebases
from adk_gitops.kustomize.remotebases import RemoteBases
from adk_gitops.kustomize.renderer import Renderer, find_renderer

LOAD_RESTRICTOR_NONE = ("--load-restrictor", "LoadRestrictionsNone")
ENABLE_HELM = "--enable-helm"
NO_SANDBOX_NOTICE = "adk-gitops: --no-sandbox: kustomize runs unconfined; only the guard checks what it reads"
WHERE = "check.kustomize.buildOptions"


class BuildOptionsError(AdkGitopsError):
    """Build options this tool does not take."""


def parse(value: Any, where: str = WHERE) -> tuple[str, ...]:
    """The argv words of a buildOptions string, as Argo CD splits it (on spaces)."""
    if value is None:
        return ()
    if not isinstance(value, str):
        raise BuildOptionsError(
            f'{where}: a string, as in argocd-cm (e.g. "--load-restrictor LoadRestrictionsNone")'
        )
    words = value.split()
    options: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--load-restrictor" and i + 1 < len(words) and words[i + 1] == "LoadRestrictionsNone":
            options.extend(LOAD_RESTRICTOR_NONE)
            i += 2
            continue
        if word == "--load-restrictor=LoadRestrictionsNone":
            options.extend(LOAD_RESTRICTOR_NONE)
        elif word in ("--load-restrictor", "--load-restrictor=LoadRestrictionsRootOnly"):
            raise BuildOptionsError(f"{where}: --load-restrictor takes LoadRestrictionsNone here")
        elif word == ENABLE_HELM:
            options.append(word)
        elif word.startswith("--helm-"):
            raise BuildOptionsError(
                f"{where}: {word}: not taken (adk-gitops runs the helm on PATH or $ADK_GITOPS_HELM, "
                "as Argo CD runs its own)"
            )
        else:
            raise BuildOptionsError(
                f"{where}: {word}: not supported "
                "(supported: --load-restrictor LoadRestrictionsNone, --enable-helm)"
            )
        i += 1
    return tuple(dict.fromkeys(options)) if options else ()


@dataclass(frozen=True)
class RenderSettings:
    """How the repository's kustomize runs: its build options and the remote bases it
    may fetch without --allow-remote (remotebases.py)."""

    build_options: tuple[str, ...] = ()
    remote_bases: RemoteBases = field(default_factory=RemoteBases)


def load(root: Path, explicit: Path | None = None) -> RenderSettings:
    """The render settings of the repository at ``root`` (none when it has no
    configuration), or of ``--config FILE`` (which may be the check: block itself)."""
    try:
        return from_config(repoconfig.read(root, explicit))
    except repoconfig.RepoConfigError:
        return RenderSettings()  # the full configuration load reports it, with its own line


def from_config(config: repoconfig.ConfigFile) -> RenderSettings:
    """The render settings of one configuration. Invalid settings: BuildOptionsError
    or RemoteBasesError."""
    check = config.check_block()
    kustomize = check.get("kustomize") if isinstance(check, dict) else None
    if not isinstance(kustomize, dict):
        return RenderSettings()
    label = config.label
    return RenderSettings(
        parse(kustomize.get("buildOptions"), f"{label}: {WHERE}"),
        remotebases.parse(kustomize.get("remoteBases"), f"{label}: {remotebases.WHERE}", label),
    )


def configure(
    root: Path,
    *,
    allow_remote: bool = False,
    sandbox: bool = True,
    config: Path | None = None,
    trusted_ref: str | None = None,
    ref_option: str = "--changed-from",
) -> tuple[Renderer, tuple[str, ...]]:
    """The renderer a command's --allow-remote, --no-sandbox and --config ask for, with
    the repository's render settings (as its Argo CD renders), and what to tell the
    user about them. The remote-base allow-list comes from ``trusted_ref``'s
    adk-gitops.yaml when given (the branch a pull request merges into: the pull
    request cannot widen it for itself), unless --config names the file. Raises
    AdkGitopsError (no renderer, no sandbox, no helm, invalid settings)."""
    notices: list[str] = []
    if not sandbox:
        notices.append(NO_SANDBOX_NOTICE)
    renderer = find_renderer(allow_remote=allow_remote, sandbox=sandbox)
    settings = load(root, config)
    remote_bases = settings.remote_bases
    if trusted_ref is not None and config is None:
        try:
            trusted = repoconfig.at_ref(root, trusted_ref, what=f"{ref_option} {trusted_ref}")
        except repoconfig.RepoConfigError:
            trusted = repoconfig.ConfigFile(f"{trusted_ref}:{CONFIG_FILE}")  # unreadable there: no list
        remote_bases = from_config(trusted).remote_bases
        if remote_bases != replace(settings.remote_bases, source=remote_bases.source):
            notices.append(
                f"adk-gitops: {CONFIG_FILE}: check.kustomize.remoteBases differs from {trusted_ref}'s; "
                f"{trusted_ref}'s list applies (a change takes effect once merged)"
            )
    helm = None
    if ENABLE_HELM in settings.build_options:
        wanted = os.environ.get("ADK_GITOPS_HELM", "").strip() or "helm"
        found = shutil.which(wanted)
        if found is None:
            raise BuildOptionsError(
                f"check.kustomize.buildOptions has {ENABLE_HELM}, and {wanted!r} is no executable "
                "(install helm, or set $ADK_GITOPS_HELM to one)"
            )
        helm = str(Path(found).resolve())
    configured = replace(renderer, build_options=settings.build_options, remote_bases=remote_bases, helm=helm)
    return configured, tuple(notices)
