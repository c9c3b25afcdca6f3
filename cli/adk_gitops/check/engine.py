"""Run rules over one target: stamp each violation with the rule's id, severity
and fix, apply ``adk-gitops.io/ignore`` suppressions, and turn a crashing rule
into an ``internal-error`` finding instead of a traceback."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from adk_gitops.check.model import Finding, Severity
from adk_gitops.check.rules import ALL_RULES, ENGINE_RULES, get, unknown
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._rule import Rule
from adk_gitops.kube.manifests import Resource, ResourceId
from adk_gitops.kustomize.locate import Location, in_file, locate

IGNORE_ANNOTATION = "adk-gitops.io/ignore"
# Control characters (a terminal's ESC, CR that rewrites a CI log line, NUL that
# XML 1.0 cannot hold), bidirectional overrides ("Trojan Source") and the bytes of
# a file name that is not UTF-8 (surrogate-escaped by Python) in anything a finding
# quotes from the input: shown as \xNN / \uNNNN, so every report format stays
# valid UTF-8 and shows what is really there.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's stand-in for the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    return _UNPRINTABLE.sub(_escape, text)


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
            problems.append(f"{IGNORE_ANNOTATION}: {unknown(rule_id)}")
        elif not sep or not reason:
            problems.append(f"{IGNORE_ANNOTATION} entry {rule_id!r} has no reason: a reason is required")
        else:
            reasons[rule_id] = reason
    return Suppressions(reasons, tuple(problems))


def finding(
    rule: Rule,
    label: str,
    *,
    subject: ResourceId | None = None,
    pointer: str = "",
    message: str,
    suppressed_by: str = "",
    file: str = "",
    severity: Severity | None = None,
    line: int = 0,
    column: int = 0,
) -> Finding:
    return Finding(
        overlay=printable(label),
        subject=_printable_id(subject),
        rule=rule.id,
        pointer=printable(pointer),
        message=printable(message),
        severity=severity or rule.severity,
        fix=rule.fix,
        suppressed=bool(suppressed_by),
        suppression_reason=printable(suppressed_by),
        file=printable(file or label),
        line=line,
        column=column,
    )


def _printable_id(rid: ResourceId | None) -> ResourceId | None:
    if rid is None:
        return None
    return ResourceId(
        printable(rid.group), printable(rid.kind), printable(rid.namespace), printable(rid.name)
    )


def run_rules(ctx: Context, rules: Iterable[Rule] = ALL_RULES) -> list[Finding]:
    by_id: dict[ResourceId, Resource] = {r.id: r for r in ctx.resources}
    suppressions = {
        key: parse_suppressions(res.annotations[IGNORE_ANNOTATION])
        for key, res in by_id.items()
        if IGNORE_ANNOTATION in res.annotations
    }
    findings = list(_suppression_findings(ctx.label, suppressions))
    settings = ctx.settings
    for rule in rules:
        if rule.id in ENGINE_RULES or not settings.enabled(rule):
            continue
        if rule.adk and not ctx.adk_workloads:
            continue  # no ADK workload here: the ADK rules have nothing to judge
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
            suppressed = suppressions.get(v.subject) if v.subject is not None else None
            reason = suppressed.reasons.get(rule.id, "") if suppressed is not None else ""
            res = v.resource or (by_id.get(v.subject) if v.subject is not None else None)
            where = _location(ctx, res, v.pointer) if res is not None else None
            source = res.source if res is not None else v.file
            if where is not None:
                source = where[0]
            findings.append(
                finding(
                    rule,
                    ctx.label,
                    subject=v.subject,
                    pointer=v.pointer,
                    message=v.message,
                    suppressed_by=reason,
                    file=source or ctx.default_file,
                    # The repository's configured severity wins, then the finding's own.
                    severity=settings.severity(rule) or v.severity,
                    line=where[1] if where else 0,
                    column=where[2] if where else 0,
                )
            )
    return findings


def _location(ctx: Context, res: Resource, pointer: str) -> tuple[str, int, int] | None:
    """(file relative to the repository, line, column) to edit for this field."""
    root = ctx.repo.root if ctx.repo is not None else None
    found: Location | None = None
    if res.origin is not None:
        found = locate(res.origin, res.kind, res.name, pointer, res.body)
    elif res.source and res.source not in ("-", "<stdin>"):
        file = _source_file(root, res.source)
        if file is not None:
            found = in_file(file, None, res.kind, res.name, pointer, res.body)
    if found is None:
        return None
    return _shown(root, found.file), found.line, found.column


# Thousands of findings point into the same few files: each path is resolved once.
@lru_cache(maxsize=4096)
def _source_file(root: Path | None, source: str) -> Path | None:
    file = root / source if root is not None and (root / source).is_file() else Path(source)
    return file if file.is_file() else None


@lru_cache(maxsize=4096)
def _shown(root: Path | None, file: Path) -> str:
    if root is not None:
        try:
            return file.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return str(file)


def _suppression_findings(label: str, suppressions: dict[ResourceId, Suppressions]) -> Iterator[Finding]:
    rule = get("ignore-annotation-valid")
    for subject, parsed in suppressions.items():
        for problem in parsed.problems:
            yield finding(
                rule,
                label,
                subject=subject,
                pointer="/metadata/annotations/adk-gitops.io~1ignore",
                message=problem,
            )
