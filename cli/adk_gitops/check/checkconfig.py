"""``check``'s configuration: the ``check:`` block of ``adk-gitops.yaml`` (or
``--config FILE``), in the manner of yamllint's ``rules:`` and kube-linter's
include/exclude::

    check:
      disable: [resources-set]            # rule ids switched off everywhere
      rules:
        job-backoff-limit: {severity: warning, max: 10}   # severity and options
      paths:                              # per-path overrides, in order, later wins
        - match: "overlays/prod*"
          rules: {resources-set: {severity: error}}
          enable: [resources-set]
      adk:
        selector: {app: my-agent}         # labels that mark ADK workloads
      repoURL: https://github.com/org/gitops.git   # this repository, as Argo CD names it
      kustomize:
        buildOptions: --load-restrictor LoadRestrictionsNone   # as the repository's Argo CD (argocd-cm)
        remoteBases:                      # fetched without --allow-remote (remotebases.py)
          - https://github.com/org/platform-bases/*
      hardening: everywhere               # Pod Security "restricted" rules as errors on every
                                          # workload (default `adk`: on ADK workloads, their
                                          # migration Jobs and restricted namespaces; warnings elsewhere)

Unknown rule ids, unknown options, wrong types and engine rules (which cannot
be tuned) are errors naming the field. Every rule's options and defaults are
declared with the rule (``adk-gitops rules explain ID``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from adk_gitops import repoconfig
from adk_gitops.check.model import Severity
from adk_gitops.check.rules import ALL_RULES, ENGINE_RULES, REMOVED, unknown
from adk_gitops.check.rules._rule import Rule
from adk_gitops.check.rules._settings import RuleSettings, TargetSettings
from adk_gitops.errors import AdkGitopsError
from adk_gitops.kustomize import buildoptions, remotebases

_BY_ID = {rule.id: rule for rule in ALL_RULES}
_TOP = {"disable", "rules", "paths", "adk", "repoURL", "hardening", "kustomize"}
HARDENING_SCOPES = ("adk", "everywhere")
_PATH_KEYS = {"match", "rules", "disable", "enable"}


class CheckConfigError(AdkGitopsError):
    """The check configuration names something that does not exist, or has a wrong type."""


@dataclass(frozen=True)
class PathOverride:
    patterns: tuple[str, ...]
    rules: Mapping[str, RuleSettings]
    disable: frozenset[str]
    enable: frozenset[str]


@dataclass(frozen=True)
class CheckConfig:
    disable: frozenset[str] = frozenset()
    rules: Mapping[str, RuleSettings] = field(default_factory=dict)
    paths: tuple[PathOverride, ...] = ()
    adk_selector: Mapping[str, str] = field(default_factory=dict)
    repo_url: str = ""
    source: str = ""  # the file it came from, "" for the defaults
    hardening_everywhere: bool = False  # `hardening: everywhere`

    def for_target(self, label: str) -> TargetSettings:
        disabled = set(self.disable)
        rules = dict(self.rules)
        for override in self.paths:
            if not any(
                fnmatchcase(label, p) or fnmatchcase(label.rstrip("/") + "/", p) for p in override.patterns
            ):
                continue
            disabled = (disabled | override.disable) - override.enable
            for rule_id, settings in override.rules.items():
                base = rules.get(rule_id, RuleSettings())
                rules[rule_id] = RuleSettings(
                    settings.severity or base.severity, {**base.options, **settings.options}
                )
        return TargetSettings(frozenset(disabled), rules)


DEFAULT = CheckConfig()


def load(root: Path, explicit: Path | None = None) -> CheckConfig:
    """``--config FILE``, else the ``check:`` block of ``adk-gitops.yaml`` at ``root``
    (absent: the defaults). CheckConfigError names the first invalid field."""
    try:
        config = repoconfig.read(root, explicit)
    except repoconfig.RepoConfigError as exc:
        raise CheckConfigError(str(exc)) from None
    if config.data is None:
        return DEFAULT
    # adk-gitops.yaml holds a check: block; a --config file may be that block itself.
    block = config.check_block()
    return parse({} if block is None and "check" not in config.data else block, config.label)


def parse(block: Any, label: str) -> CheckConfig:
    if block is None:
        return CheckConfig(source=label)
    where = f"{label}: check"
    _mapping(block, where, _TOP)
    disable = _rule_ids(block.get("disable"), f"{where}.disable")
    rules = _rules(block.get("rules"), f"{where}.rules")
    paths = []
    for i, item in enumerate(_list(block.get("paths"), f"{where}.paths")):
        at = f"{where}.paths[{i}]"
        _mapping(item, at, _PATH_KEYS)
        match = item.get("match")
        patterns = [match] if isinstance(match, str) else match
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) for p in patterns):
            raise CheckConfigError(f'{at}.match: a glob or a list of globs, e.g. "overlays/prod*"')
        paths.append(
            PathOverride(
                tuple(patterns),
                _rules(item.get("rules"), f"{at}.rules"),
                _rule_ids(item.get("disable"), f"{at}.disable"),
                _rule_ids(item.get("enable"), f"{at}.enable"),
            )
        )
    adk = block.get("adk") or {}
    _mapping(adk, f"{where}.adk", {"selector"})
    selector = adk.get("selector") or {}
    _mapping(selector, f"{where}.adk.selector", None)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in selector.items()):
        raise CheckConfigError(f"{where}.adk.selector: label keys and values are strings")
    repo_url = block.get("repoURL", "")
    if not isinstance(repo_url, str):
        raise CheckConfigError(f"{where}.repoURL: a string")
    kustomize = block.get("kustomize") or {}
    _mapping(kustomize, f"{where}.kustomize", {"buildOptions", "remoteBases"})
    try:
        buildoptions.parse(kustomize.get("buildOptions"), f"{where}.kustomize.buildOptions")
        remotebases.parse(kustomize.get("remoteBases"), f"{where}.kustomize.remoteBases")
    except (buildoptions.BuildOptionsError, remotebases.RemoteBasesError) as exc:
        raise CheckConfigError(str(exc)) from None
    hardening = block.get("hardening", "adk")
    if hardening not in HARDENING_SCOPES:
        raise CheckConfigError(f"{where}.hardening: one of {', '.join(HARDENING_SCOPES)} (got {hardening!r})")
    return CheckConfig(
        disable,
        rules,
        tuple(paths),
        dict(selector),
        repo_url,
        label,
        hardening_everywhere=hardening == "everywhere",
    )


def _mapping(value: Any, where: str, allowed: set[str] | None) -> None:
    if not isinstance(value, dict):
        raise CheckConfigError(f"{where}: must be a mapping")
    if allowed is not None:
        for key in value:
            if key not in allowed:
                raise CheckConfigError(
                    f"{where}: unknown key {key!r} (allowed: {', '.join(sorted(allowed))})"
                )


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise CheckConfigError(f"{where}: must be a list")
    return value


def _rule(rule_id: Any, where: str) -> Rule:
    rule = _BY_ID.get(str(rule_id))
    if rule is None:
        hint = "" if str(rule_id) in REMOVED else " (see `adk-gitops rules`)"
        raise CheckConfigError(f"{where}: {unknown(str(rule_id))}{hint}")
    if rule.id in ENGINE_RULES:
        raise CheckConfigError(f"{where}: {rule.id} is reported by the engine itself and cannot be tuned")
    return rule


def _rule_ids(value: Any, where: str) -> frozenset[str]:
    return frozenset(_rule(item, where).id for item in _list(value, where))


def _rules(value: Any, where: str) -> dict[str, RuleSettings]:
    if value is None:
        return {}
    _mapping(value, where, None)
    out: dict[str, RuleSettings] = {}
    for rule_id, settings in value.items():
        rule = _rule(rule_id, where)
        at = f"{where}.{rule.id}"
        settings = settings or {}
        allowed = {"severity", *(o.name for o in rule.options)}
        _mapping(settings, at, allowed)
        severity = settings.get("severity")
        if severity is not None and severity not in {s.value for s in Severity}:
            raise CheckConfigError(f"{at}.severity: one of error, warning, info")
        options: dict[str, Any] = {}
        for option in rule.options:
            if option.name in settings:
                value_ = settings[option.name]
                if not option.valid(value_):
                    raise CheckConfigError(f"{at}.{option.name}: must be a {option.type_name}")
                options[option.name] = value_
        out[rule.id] = RuleSettings(Severity(severity) if severity else None, options)
    return out
