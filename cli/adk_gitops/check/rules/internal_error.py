"""## What it does
Reports a rule that crashed on some input instead of finishing. The other rules
and overlays are still checked.

## Why is this bad?
It is a bug in adk-gitops: that rule's verdict is unknown for this target.

## Example
A manifest shape the rule did not expect.

## Use instead
Report it with the overlay that triggers it; meanwhile the finding names the
rule, which you can suppress on the object with a reason.
"""

from __future__ import annotations

from adk_gitops.check.model import Severity
from adk_gitops.check.rules._engine_rules import no_check
from adk_gitops.check.rules._rule import Category, Rule

RULE = Rule(
    category=Category.ENGINE,
    id="internal-error",
    severity=Severity.ERROR,
    summary="No rule crashes.",
    fix="Report the crash with the input that caused it.",
    check=no_check,
    doc=__doc__ or "",
)
