"""``-o junit``: one test suite per overlay, one failing test case per finding at
or above --fail-on (lower ones and suppressed ones are skipped cases), and one
passing case for an overlay without such findings."""

from __future__ import annotations

from xml.etree import ElementTree as ET

from adk_gitops.check.model import Finding, Report


def _case_name(f: Finding) -> str:
    obj = f"{f.kind}/{f.name}" if f.kind else f.overlay
    return " ".join(part for part in (f.rule, obj, f.pointer) if part)


def render(report: Report) -> str:
    suites = ET.Element("testsuites", name="adk-gitops check")
    by_overlay: dict[str, list[Finding]] = {t.label: [] for t in report.targets}
    for f in report.findings:
        by_overlay.setdefault(f.overlay, []).append(f)
    total = failures = skipped = 0
    for overlay, findings in by_overlay.items():
        suite = ET.SubElement(suites, "testsuite", name=overlay)
        s_failures = s_skipped = 0
        failing = [f for f in findings if not f.suppressed and f.severity.rank >= report.fail_on.rank]
        for f in findings:
            case = ET.SubElement(suite, "testcase", classname=overlay, name=_case_name(f))
            if f in failing:
                node = ET.SubElement(case, "failure", message=f.message, type=f.rule)
                where = f"{f.file}:{f.line}" if f.line else f.file
                node.text = f"{f.severity}: {f.message}\nfix: {f.fix}\nfile: {where}"
                s_failures += 1
            else:
                why = f"suppressed: {f.suppression_reason}" if f.suppressed else f"{f.severity}: {f.message}"
                ET.SubElement(case, "skipped", message=why)
                s_skipped += 1
        if not failing:
            ET.SubElement(suite, "testcase", classname=overlay, name="check")
        count = len(findings) + (0 if failing else 1)
        suite.set("tests", str(count))
        suite.set("failures", str(s_failures))
        suite.set("errors", "0")
        suite.set("skipped", str(s_skipped))
        total, failures, skipped = total + count, failures + s_failures, skipped + s_skipped
    suites.set("tests", str(total))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    suites.set("skipped", str(skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
