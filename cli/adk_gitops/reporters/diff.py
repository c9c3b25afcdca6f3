"""``adk-gitops diff`` output, pure functions of a DiffReport: text for people (the
diff coloured on a terminal), Markdown for a pull-request comment or a GitHub job
summary (one collapsible section per environment, impact first, capped in size
without breaking a code fence), JSON (schema_version 1, output-diff.json) for tools."""

from __future__ import annotations

import json
from typing import Any

from adk_gitops.diff.objects import ObjectChange
from adk_gitops.diff.preview import DiffReport, EnvironmentDiff
from adk_gitops.redact import safe

SCHEMA_VERSION = 1
# GitHub refuses a comment over 65,536 characters; leave room for the header and notes.
MARKDOWN_LIMIT = 60_000
_COLOURS = {"+": "\x1b[32m", "-": "\x1b[31m", "@": "\x1b[36m"}


def _header(report: DiffReport) -> str:
    changed = [e for e in report.environments if e.changed]
    return (
        f"# diff against {report.base} ({report.base_commit[:12]}): "
        f"{len(changed)} of {len(report.environments)} affected target(s) change"
    )


def _line(text: str, colour: bool) -> str:
    shown = safe(text)
    if not colour or shown[:1] not in _COLOURS or shown.startswith(("+++", "---")):
        return shown
    return f"{_COLOURS[shown[0]]}{shown}\x1b[0m"


def diff_text(report: DiffReport, *, colour: bool = False) -> str:
    out = [_header(report)]
    for env in report.environments:
        out.append("")
        out.append(f"{env.label}: {'changes' if env.changed else 'no change'}")
        out += [f"  {line.impact}: {safe(line.text)}" for line in env.impacts]
        for change in env.changes:
            out += [_line(d, colour) for d in change.diff]
    return "\n".join(out) + "\n"


def _change_json(change: ObjectChange) -> dict[str, Any]:
    return {
        "kind": change.key.kind,
        "group": change.key.group,
        "namespace": change.key.namespace or None,
        "name": change.key.name,
        "status": str(change.status),
        "diff": [safe(line) for line in change.diff],
    }


def _environment_json(env: EnvironmentDiff) -> dict[str, Any]:
    return {
        "target": env.label,
        "changed": env.changed,
        "impacts": [{"impact": str(i.impact), "text": safe(i.text)} for i in env.impacts],
        "render_errors": {"base": safe(env.before_error) or None, "change": safe(env.after_error) or None},
        "objects": [_change_json(c) for c in env.changes],
    }


def diff_json(report: DiffReport) -> str:
    doc = {
        "schema_version": SCHEMA_VERSION,
        "base": report.base,
        "base_commit": report.base_commit,
        "changed": report.changed,
        "environments": [_environment_json(e) for e in report.environments],
    }
    return json.dumps(doc, indent=2) + "\n"


def _fence(lines: list[str]) -> str:
    """A diff code fence longer than any backtick run inside it, so none closes it early."""
    ticks = "`" * max(3, 1 + max((_run(line) for line in lines), default=0))
    return "\n".join([f"{ticks}diff", *lines, ticks])


def _run(line: str) -> int:
    best = current = 0
    for ch in line:
        current = current + 1 if ch == "`" else 0
        best = max(best, current)
    return best


def _section(env: EnvironmentDiff, budget: int) -> str:
    count = len(env.changes)
    summary = f"<b>{_md(env.label)}</b>: the rendered diff, {count} object{'' if count == 1 else 's'}"
    head = [f"<details><summary>{summary}</summary>", ""]
    lines = [safe(d) for c in env.changes for d in c.diff]
    body = _fence(lines)
    cut = ""
    while len(body) > budget and lines:
        lines = lines[: max(0, len(lines) * 3 // 4 - 1)]
        cut = f"\n\n_Cut to fit a comment: run `adk-gitops diff {env.label}` for the whole diff._"
        body = _fence(lines)
    return "\n".join([*head, body + cut, "", "</details>"])


def _md(text: str) -> str:
    return safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def diff_markdown(report: DiffReport, limit: int = MARKDOWN_LIMIT) -> str:
    changed = [e for e in report.environments if e.changed]
    out = [f"### adk-gitops diff against `{report.base}` ({report.base_commit[:12]})", ""]
    if not changed:
        out.append("No environment changes.")
        return "\n".join(out) + "\n"
    out += [f"- **{_md(e.label)}**: " + "; ".join(_md(i.text) for i in e.impacts or ()) for e in changed]
    out.append("")
    used = sum(len(line) + 1 for line in out)
    for i, env in enumerate(changed):
        share = max(500, (limit - used) // (len(changed) - i))
        section = _section(env, share)
        out += [section, ""]
        used += len(section) + 1
    return "\n".join(out).rstrip("\n") + "\n"
