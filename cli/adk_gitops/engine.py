"""Run rules over one target: stamp each violation with the rule's id, severity
and fix, apply ``adk-gitops.io/ignore`` suppressions, and turn a crashing rule
into an ``internal-error`` finding instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from adk_gitops.manifests import Resource
from adk_gitops.model import Finding
from adk_gitops.rules import ALL_RULES, ENGINE_RULES, get
from adk_gitops.rules._context import Context
from adk_gitops.rules._rule import Rule

IGNORE_ANNOTATION = "adk-gitops.io/ignore"
_KNOWN = frozenset(rule.id for rule in ALL_RULES)


@dataclass(frozen=True)
class Suppressions:
    reasons: dict[str, str]  # rule id -> reason
    problems: tuple[str, ...]  # malformed entries, reported as ignore-annotation-valid


def parse_suppressions(value: str) -> Suppressions:
    reasons: dict[str, str] = {}
    problems: list[str] = []
    for raw in value.replace(";", "\n").splitlines():
        entry = raw.strip()
        if not entry:
            continue
        rule_id, sep, reason = (part.strip() for part in entry.partition("="))
        if rule_id not in _KNOWN:
            problems.append(f"{IGNORE_ANNOTATION} names unknown rule {rule_id!r}")
        elif not sep or not reason:
            problems.append(f"{IGNORE_ANNOTATION} entry {rule_id!r} has no reason: a reason is required")
        else:
            reasons[rule_id] = reason
    return Suppressions(reasons, tuple(problems))


def finding(
    rule: Rule,
    label: str,
    *,
    kind: str = "",
    namespace: str = "",
    name: str = "",
    pointer: str = "",
    message: str,
    suppressed_by: str = "",
    file: str = "",
) -> Finding:
    return Finding(
        overlay=label,
        kind=kind,
        namespace=namespace,
        name=name,
        rule=rule.id,
        pointer=pointer,
        message=message,
        severity=rule.severity,
        fix=rule.fix,
        suppressed=bool(suppressed_by),
        suppression_reason=suppressed_by,
        file=file or label,
    )


def run_rules(ctx: Context, rules: Iterable[Rule] = ALL_RULES) -> list[Finding]:
    by_id: dict[tuple[str, str, str], Resource] = {(r.kind, r.namespace, r.name): r for r in ctx.resources}
    suppressions = {
        key: parse_suppressions(res.annotations[IGNORE_ANNOTATION])
        for key, res in by_id.items()
        if IGNORE_ANNOTATION in res.annotations
    }
    findings = list(_suppression_findings(ctx.label, suppressions))
    for rule in rules:
        if rule.id in ENGINE_RULES:
            continue
        try:
            violations = list(rule.check(ctx))
        except Exception as exc:  # a rule bug must not hide every other finding
            findings.append(
                finding(
                    get("internal-error"),
                    ctx.label,
                    file=ctx.default_file,
                    message=f"rule {rule.id} crashed: {type(exc).__name__}: {exc}",
                )
            )
            continue
        for v in violations:
            key = (v.kind, v.namespace, v.name)
            reason = suppressions.get(key, Suppressions({}, ())).reasons.get(rule.id, "")
            source = by_id[key].source if key in by_id else (v.name if v.kind == "Kustomization" else "")
            findings.append(
                finding(
                    rule,
                    ctx.label,
                    kind=v.kind,
                    namespace=v.namespace,
                    name=v.name,
                    pointer=v.pointer,
                    message=v.message,
                    suppressed_by=reason,
                    file=source or ctx.default_file,
                )
            )
    return findings


def _suppression_findings(
    label: str, suppressions: dict[tuple[str, str, str], Suppressions]
) -> Iterator[Finding]:
    rule = get("ignore-annotation-valid")
    for (kind, namespace, name), parsed in suppressions.items():
        for problem in parsed.problems:
            yield finding(
                rule,
                label,
                kind=kind,
                namespace=namespace,
                name=name,
                pointer="/metadata/annotations/adk-gitops.io~1ignore",
                message=problem,
            )
