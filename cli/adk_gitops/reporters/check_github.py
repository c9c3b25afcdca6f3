"""``-o github``: GitHub Actions workflow commands, one annotation per active
finding (``::error``, ``::warning``, ``::notice``)."""

from __future__ import annotations

from adk_gitops.check.model import Report, Severity

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.active:
        obj = f"{f.kind}/{f.name}" if f.kind else f.overlay
        title = f"{f.rule} ({obj})"
        where = f",line={f.line}" + (f",col={f.column}" if f.column else "") if f.line else ""
        props = f"file={_escape_property(f.file or f.overlay)}{where},title={_escape_property(title)}"
        message = f"{f.message}{f.pointer and f' at {f.pointer}'}. Fix: {f.fix}"
        lines.append(f"::{COMMAND[f.severity]} {props}::{_escape_data(message)}")
    return "".join(line + "\n" for line in lines)
