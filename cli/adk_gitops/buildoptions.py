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

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adk_gitops import bounded, remotebases, yamlread
from adk_gitops.errors import AdkGitopsError
from adk_gitops.remotebases import RemoteBases

CONFIG_FILE = "adk-gitops.yaml"
LOAD_RESTRICTOR_NONE = ("--load-restrictor", "LoadRestrictionsNone")
ENABLE_HELM = "--enable-helm"
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
    path = explicit if explicit is not None else root / CONFIG_FILE
    if not path.is_file():
        return RenderSettings()
    label = str(path) if explicit is not None else CONFIG_FILE
    try:
        text = bounded.read_text(path, bounded.MAX_CONFIG_BYTES)
    except (OSError, UnicodeDecodeError):
        return RenderSettings()  # the full configuration load reports it, with its own line
    return from_text(text, label, block_only=explicit is not None)


def from_text(text: str, label: str, *, block_only: bool = False) -> RenderSettings:
    """The render settings in a configuration's text (``block_only``: a --config file,
    which may be the check: block itself). Unreadable YAML: none (the full
    configuration load reports it); invalid settings: BuildOptionsError or RemoteBasesError."""
    try:
        doc = yamlread.load(text, label)
    except yamlread.YamlError:
        return RenderSettings()
    if block_only and isinstance(doc, dict) and "check" not in doc:
        doc = {"check": doc}
    check = doc.get("check") if isinstance(doc, dict) else None
    kustomize = check.get("kustomize") if isinstance(check, dict) else None
    if not isinstance(kustomize, dict):
        return RenderSettings()
    return RenderSettings(
        parse(kustomize.get("buildOptions"), f"{label}: {WHERE}"),
        remotebases.parse(kustomize.get("remoteBases"), f"{label}: {remotebases.WHERE}", label),
    )
