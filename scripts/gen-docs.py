#!/usr/bin/env python3
"""Regenerate docs/rules.md from the rule docstrings."""

from __future__ import annotations

from pathlib import Path

from adk_gitops.docgen import rules_markdown

target = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
target.write_text(rules_markdown(), encoding="utf-8")
print(f"wrote {target}")
