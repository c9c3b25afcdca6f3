#!/usr/bin/env python3
"""Regenerate what is generated from the code: docs/rules.md from the rule docstrings,
and the top-level ``--help`` text the entry point answers with before Typer loads."""

from __future__ import annotations

from pathlib import Path

from adk_gitops.check.docgen import rules_markdown, top_level_help
from adk_gitops.entry import HELP_FILE, HELP_WIDTH

target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
target.write_text(rules_markdown(), encoding="utf-8")
print(f"wrote {target}")
HELP_FILE.write_text(top_level_help(HELP_WIDTH), encoding="utf-8")
print(f"wrote {HELP_FILE}")
