"""Manifests are read as kubectl and Argo CD read them: sigs.k8s.io/yaml's
go-yaml v2 (YAML 1.1) scalar resolution and its JSON map keys
(goyaml.v2/resolve.go; yaml.go convertToJSONableObject)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from adk_gitops import yamlparse, yamlread


def _value(text: str) -> Any:
    (doc,) = yamlread.load_all(f"v: {text}\n", "t", kubectl=True)
    return doc["v"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # booleans: YAML 1.1's full set, y and n included
        *[(t, True) for t in ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON")],
        *[(t, False) for t in ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF")],
        ("yES", "yES"),  # not in the table: a string
        # null
        ("~", None),
        ("null", None),
        ("", None),
        # integers as strconv.ParseInt(s, 0, 64), underscores removed
        ("42", 42),
        ("+12", 12),
        ("-0b11", -3),
        ("0x1F", 31),
        ("0o17", 15),
        ("017", 15),
        ("1_000", 1000),
        ("9223372036854775808", 9223372036854775808),  # ParseUint
        # floats; integral ones are the JSON integer the server reads
        ("1e3", 1000),
        ("1.5", 1.5),
        (".5", 0.5),
        ("08", 8),  # not octal: ParseFloat reads it
        ("1e400", "1e400"),  # ParseFloat's range error: a string
        # strings PyYAML would make numbers or dates
        ("1:20", "1:20"),
        ("2024-01-01", "2024-01-01"),
        ('"y"', "y"),
        ("'1e3'", "1e3"),
    ],
)
def test_plain_scalars_resolve_as_kubectl_reads_them(text: str, expected: Any) -> None:
    value = _value(text)
    assert value == expected and type(value) is type(expected)


def test_special_floats() -> None:
    assert _value(".inf") == math.inf and _value("-.Inf") == -math.inf and math.isnan(_value(".NaN"))


def test_map_keys_become_json_keys() -> None:
    (doc,) = yamlread.load_all("n: a\non: b\n1e3: c\n0x10: d\n1.5: e\n", "t", kubectl=True)
    assert doc == {"false": "a", "true": "b", "1000": "c", "16": "d", "1.5": "e"}


@pytest.mark.parametrize(
    ("value", "go"),
    [(1000.0, "1000"), (1234567.0, "1.234567e+06"), (1e6, "1e+06"), (0.0001, "0.0001"), (1e-05, "1e-05"),
     (-2.25, "-2.25"), (123456.7, "123456.7")],
)  # fmt: skip
def test_float_keys_format_as_go_does(value: float, go: str) -> None:
    assert yamlparse.go_key(value) == go


def test_other_yaml_keeps_pyyaml_reading() -> None:
    """Kustomizations and config files are not manifests: kustomize reads them."""
    assert yamlread.load_all("a: y\nb: 1e3\n", "t") == [{"a": "y", "b": "1e3"}]


def _node(text: str) -> Any:
    import yaml

    return yaml.compose(text, Loader=yaml.SafeLoader)


def test_the_expanded_size_counts_each_alias_as_its_whole_node() -> None:
    plain = _node("a: [1, 2]\nb: {c: d}\n")
    assert yamlparse.expanded_size(plain) == 1 + 2 + 3 + 3  # the root, two keys, [1, 2], {c: d}
    shared = _node("a: &x [1, 2]\nb: *x\nc: [*x, *x]\n")
    # the root, three keys, [1, 2] four times (3 nodes each), the list that holds two
    assert yamlparse.expanded_size(shared) == 1 + 3 + 4 * 3 + 1
    assert yamlparse.expanded_size(shared, budget=17) == 17  # exactly at the budget: allowed
    with pytest.raises(ValueError, match="alias bomb"):
        yamlparse.expanded_size(shared, budget=16)


def test_a_recursive_alias_is_named_as_one_whatever_the_budget() -> None:
    loop = _node("&a [1, *a]")  # PyYAML composes the cycle
    for budget in (10, 200_000):
        with pytest.raises(ValueError, match="a recursive alias"):
            yamlparse.expanded_size(loop, budget=budget)
