"""diff prints objects with libyaml's emitter when PyYAML has it: the same text as the
pure-Python emitter, which the diff goldens were written with."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from adk_gitops.diff import objects

AWKWARD: list[dict[str, Any]] = [
    {"metadata": {"name": "plain", "labels": {"app": "x", "tier": ""}}},
    {"data": {"unicode": "café ☕ 𝄞", "control": "a\x07b", "tab": "a\tb", "nbsp": "a\u00a0b"}},
    {"data": {"multi": "line one\nline two\n", "trailing": "no newline\nat end", "crlf": "a\r\nb"}},
    {"data": {"long": "x" * 5000, "spaces": "  leading and trailing  ", "colon": "a: b", "hash": "a #b"}},
    {"data": {"yes": "yes", "no": "no", "null": "null", "tilde": "~", "num": "0123", "float": "1e3"}},
    {"spec": {"list": [1, 2.5, True, None, "", [], {}], "nested": [{"a": [{"b": "c"}]}]}},
    {"data": {"quote": 'it\'s "quoted"', "backslash": "a\\b", "star": "*alias", "amp": "&anchor"}},
]


@pytest.mark.parametrize("body", AWKWARD)
def test_libyamls_text_is_the_pure_python_emitters(body: dict[str, Any]) -> None:
    assert objects._DUMPER.__name__ == "CSafeDumper"  # the project's PyYAML is built with libyaml
    expected = yaml.safe_dump(body, sort_keys=False, default_flow_style=False, width=1 << 16).splitlines()
    assert objects._lines(body) == expected
