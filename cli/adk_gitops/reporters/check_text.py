"""``-o text``: for people. Color only when asked (the CLI decides: a terminal,
and no NO_COLOR)."""

from __future__ import annotations

import io

from adk_gitops.check.model import Finding, Report, Severity

NO_ADK = "no ADK workload: ADK rules skipped"
_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _where(f: Finding) -> str:
    obj = f"{f.kind}/{f.name}" if f.kind else ""
    if f.namespace:
        obj += f" -n {f.namespace}"
    return " ".join(p for p in (obj, f.pointer) if p)


def _relaxed_hardening(f: Finding) -> bool:
    """A Pod Security finding below its rule's severity: on a workload that runs no
    ADK agent (rules/_helpers.py hardened), summed up in one line."""
    from adk_gitops.check.rules import ALL_RULES
    from adk_gitops.check.rules._helpers import HARDENING_RULES

    if f.rule not in HARDENING_RULES or f.suppressed:
        return False
    default = next(r.severity for r in ALL_RULES if r.id == f.rule)
    return f.severity.rank < default.rank


def _summary(findings: list[Finding]) -> str:
    workloads = len({(f.kind, f.namespace, f.name) for f in findings})
    by_rule: dict[str, int] = {}
    for f in findings:
        by_rule[f.rule] = by_rule.get(f.rule, 0) + 1
    rules = ", ".join(f"{rule} {n}" for rule, n in sorted(by_rule.items()))
    plural = "s" if workloads != 1 else ""
    return (
        f"{len(findings)} Pod Security findings on {workloads} workload{plural} serving no ADK agent "
        f"({rules}); `-o json` lists them; `check.hardening: everywhere` makes them errors"
    )


def prepare() -> None:
    """Import rich (~25 ms) ahead of ``render``, while there is time to spare."""
    import rich.console
    import rich.markup

    del rich


def render(report: Report, *, color: bool = False, width: int = 100) -> str:
    from rich.console import Console
    from rich.markup import escape as markup

    from adk_gitops.redact import safe

    def escape(text: str) -> str:  # strings from the repository: no markup, no controls, no secrets
        return markup(safe(text))

    out = io.StringIO()
    console = Console(
        file=out, force_terminal=color, no_color=not color, width=width, highlight=False, soft_wrap=True
    )
    lines: list[str] = []  # markup, printed at once: one render, not one per line
    by_overlay: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_overlay.setdefault(f.overlay, []).append(f)
    skipped = {t.label for t in report.targets if t.adk_skipped}
    for overlay, all_findings in by_overlay.items():
        lines.append(f"[bold]{escape(overlay)}[/bold]")
        if overlay in skipped:
            lines.append(f"  [dim]{NO_ADK}[/dim]")
        relaxed = [f for f in all_findings if _relaxed_hardening(f)]
        findings = [f for f in all_findings if not _relaxed_hardening(f)]
        if relaxed:
            lines.append(
                f"  [{_STYLE[Severity.WARNING]}]warning[/] [bold]hardening[/bold] {escape(_summary(relaxed))}"
            )
        for f in findings:
            label = "suppressed" if f.suppressed else str(f.severity)
            style = "dim" if f.suppressed else _STYLE[f.severity]
            where = f" {escape(_where(f))}" if _where(f) else ""
            lines.append(f"  [{style}]{label}[/{style}] [bold]{f.rule}[/bold]{where}")
            lines.append(f"    {escape(f.message)}")
            if f.line:
                lines.append(f"    [dim]at {escape(f.file)}:{f.line}[/dim]")
            if f.suppressed:
                lines.append(f"    [dim]reason: {escape(f.suppression_reason)}[/dim]")
            elif f.fix:
                lines.append(f"    [dim]fix: {escape(f.fix)}[/dim]")
    clean = [t.label for t in report.targets if t.label not in by_overlay]
    for label in clean:
        note = f" [dim]({NO_ADK})[/dim]" if label in skipped else ""
        lines.append(f"[bold]{escape(label)}[/bold]: [green]no findings[/green]{note}")
    counts = ", ".join(f"{report.count(s)} {s}{'s' if report.count(s) != 1 else ''}" for s in Severity)
    suppressed = sum(1 for f in report.findings if f.suppressed)
    verdict = "[bold red]FAILED[/bold red]" if report.failed else "[bold green]passed[/bold green]"
    lines.append(
        f"\n{len(report.targets)} checked (Kubernetes {', '.join(report.kubernetes_versions)}): "
        f"{counts}, {suppressed} suppressed: {verdict} at --fail-on {report.fail_on}"
    )
    console.print("\n".join(lines))
    return out.getvalue()
