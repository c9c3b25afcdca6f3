"""The YAML parser behind yamlread.py, imported only when a text is parsed: PyYAML's
loaders made strict (an alias budget, duplicate keys refused, timestamps kept as
strings) and, for manifests, made to read plain scalars as kubectl does. See
yamlread.py for what each rule is for."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from adk_gitops.errors import YamlError

# Far above any real manifest (a large Deployment is ~500 nodes), far below what
# exhausts memory when walked.
NODE_BUDGET = 200_000

_MERGE_TAG = "tag:yaml.org,2002:merge"

# libyaml's loader is ~8x faster on large streams; fall back to pure Python.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def expanded_size(root: Node, budget: int = NODE_BUDGET) -> int:
    """How many nodes ``root`` stands for once every alias is expanded; raises
    ValueError past ``budget`` or on a recursive alias. Iterative: deep nesting
    cannot exhaust Python's stack."""
    # Counting the expanded tree node by node gives that size wherever it is within
    # the budget (a recursive alias counts on until past it), ~7x faster than the
    # walk below; that walk runs only to say exactly why a document is refused.
    count = 0
    stack = [root]
    while stack and count <= budget:
        node = stack.pop()
        count += 1
        value = node.value
        if type(value) is list:  # a scalar's value is its text
            if type(node) is MappingNode:
                for pair in value:
                    stack.extend(pair)
            else:
                stack.extend(value)
    if count <= budget:
        return count
    return _exact_size(root, budget)


def _exact_size(root: Node, budget: int) -> int:
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    shared = False  # some node is reached twice: an alias
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            total = 1 + sum(sizes[id(child)] for child in _children(node))
            if total > budget:
                if shared:
                    raise ValueError(f"aliases expand to more than {budget:,} nodes (an alias bomb?)")
                raise ValueError(f"a document of more than {budget:,} nodes: too large")
            sizes[key] = total
            continue
        if key in sizes:
            shared = True
            continue
        if key in on_path:
            raise ValueError("a recursive alias (a node that contains itself)")
        on_path.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in sizes:
                shared = True
            else:
                stack.append((child, False))
    return sizes[id(root)]


class Loader(_Base):  # type: ignore[valid-type,misc]
    """SafeLoader with a node budget, duplicate-key refusal and string timestamps."""

    def construct_document(self, node: Node) -> Any:
        try:
            expanded_size(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(None, None, str(exc), node.start_mark) from None
        return super().construct_document(node)

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        if isinstance(node, MappingNode):
            seen: set[tuple[str, str]] = set()
            for key_node, _ in node.value:
                if not isinstance(key_node, ScalarNode) or key_node.tag == _MERGE_TAG:
                    continue
                key = (key_node.tag, key_node.value)
                if key in seen:
                    raise yaml.constructor.ConstructorError(
                        None, None, f"duplicate key {key_node.value!r}", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


# sigs.k8s.io/yaml/goyaml.v2/resolve.go: the plain scalars with a meaning.
_BOOLS = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
}
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_LEADING_DOT_FLOAT = re.compile(r"\.[0-9]+([eE][-+]?[0-9]+)?")
_YAML_STYLE_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
# Go's strconv.ParseInt(s, 0, 64) syntax (underscores already removed).
_GO_INT = re.compile(r"[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[1-9][0-9]*|0)")
_INT64 = (-(2**63), 2**64 - 1)  # ParseInt, then ParseUint
_TAG = "tag:yaml.org,2002:"


def go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), else ParseUint: the int, or None."""
    if not _GO_INT.fullmatch(text):
        return None
    sign, digits = (-1, text[1:]) if text[0] == "-" else (1, text.lstrip("+"))
    prefix = digits[:2].lower()
    if prefix in ("0x", "0o", "0b"):
        value = int(digits[2:], {"0x": 16, "0o": 8, "0b": 2}[prefix])
    elif len(digits) > 1 and digits[0] == "0":
        value = int(digits[1:], 8)
    else:
        value = int(digits)
    value *= sign
    return value if _INT64[0] <= value <= _INT64[1] else None


def kubectl_tag(value: str) -> str:
    """The tag goyaml.v2's resolve() gives a plain scalar."""
    if value in _BOOLS:
        return _TAG + "bool"
    if value in _NULLS:
        return _TAG + "null"
    if value in _SPECIAL_FLOATS:
        return _TAG + "float"
    if value == "<<":
        return _MERGE_TAG
    if value[0] in "+-0123456789":
        plain = value.replace("_", "")
        if go_int(plain) is not None:
            return _TAG + "int"
        # ParseFloat fails out of range (1e400): the scalar stays a string.
        if _YAML_STYLE_FLOAT.fullmatch(plain) and math.isfinite(float(plain)):
            return _TAG + "float"
    elif value[0] == "." and _LEADING_DOT_FLOAT.fullmatch(value) and math.isfinite(float(value)):
        return _TAG + "float"  # the '.' hint: not .inf/.nan, maybe a float (.5)
    return _TAG + "str"


def go_key(key: Any) -> str:
    """A map key as sigs.k8s.io/yaml turns it into a JSON key (yaml.go,
    convertToJSONableObject): ``y:`` and ``on:`` are the key "true"."""
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, float):
        if math.isnan(key):
            return ".nan"
        if math.isinf(key):
            return ".inf" if key > 0 else "-.inf"
        return _go_format_g(key)
    return str(key)


def _go_format_g(value: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, ...): the shortest digits, in %e form when
    the exponent is below -4 or at least Go's eprec (ftoa.go, %g with shortest).
    The digits are float64's shortest; sigs.k8s.io/yaml asks for float32's, which
    differ for keys a float32 cannot hold exactly. Integral float keys never get
    here (the loader reads 1e3 as the int 1000): a key 1e8 prints 100000000 where
    Go prints 1e+08. Float map keys in manifests are that rare."""
    digits, point = _shortest(value)
    exponent = point - 1
    eprec = 6
    if eprec > len(digits) and len(digits) >= point:
        eprec = len(digits)
    sign = "-" if value < 0 else ""
    if exponent < -4 or exponent >= eprec:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _shortest(value: float) -> tuple[str, int]:
    """The shortest round-tripping decimal digits of |value| and where the point goes."""
    text = repr(abs(value))
    if "e" in text:
        mantissa, _, exp_text = text.partition("e")
        whole, _, frac = mantissa.partition(".")
        digits = (whole + frac).lstrip("0") or "0"
        return digits.rstrip("0") or "0", len(whole) + int(exp_text)
    whole, _, frac = text.partition(".")
    if whole.strip("0"):
        digits = (whole.lstrip("0") + frac).rstrip("0")
        return digits or "0", len(whole.lstrip("0"))
    stripped = frac.lstrip("0")
    return stripped.rstrip("0") or "0", -(len(frac) - len(stripped))


class KubectlLoader(Loader):
    """Loader whose plain scalars resolve as kubectl's (see the module doc)."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode and implicit[0]:
            return kubectl_tag(str(value))
        resolved: str = super().resolve(kind, value, implicit)
        return resolved

    def construct_mapping(self, node: Node, deep: bool = False) -> Any:
        # `y:` beside `true:` is one key to kubectl too, which keeps one of them
        # (which one, Go's map order decides) and accepts the object: so do we.
        return {go_key(k): v for k, v in super().construct_mapping(node, deep=deep).items()}

    def construct_kubectl_bool(self, node: ScalarNode) -> bool:
        return _BOOLS[str(node.value)]

    def construct_kubectl_int(self, node: ScalarNode) -> int:
        text = str(node.value).replace("_", "")
        value = go_int(text)
        if value is None:  # an explicit !!int tag on something Go cannot parse
            raise yaml.constructor.ConstructorError(None, None, f"not an integer: {text!r}", node.start_mark)
        return value

    def construct_kubectl_float(self, node: ScalarNode) -> float | int:
        text = str(node.value)
        if text in _SPECIAL_FLOATS:
            return _SPECIAL_FLOATS[text]
        try:
            value = float(text.replace("_", ""))
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"not a number: {text!r}", node.start_mark
            ) from None
        # As JSON carries it to the server: 1e3 is the number 1000, an integer.
        return int(value) if value.is_integer() else value


KubectlLoader.add_constructor(_TAG + "bool", KubectlLoader.construct_kubectl_bool)
KubectlLoader.add_constructor(_TAG + "int", KubectlLoader.construct_kubectl_int)
KubectlLoader.add_constructor(_TAG + "float", KubectlLoader.construct_kubectl_float)


def error_of(exc: yaml.YAMLError, source: str) -> YamlError:
    """One line for a YAML error: ``SOURCE: line N: invalid YAML: what``."""
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}:" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    return YamlError(f"{source}:{where} invalid YAML: {' '.join(str(problem).split())}")


def documents(text: str, source: str, kubectl: bool) -> Iterator[tuple[Node, Any]]:
    """Each document's node and the data built from it; a node is kept only as long
    as its caller keeps it (load_all drops each once built: a 64 MiB render's nodes
    are never all held at once)."""
    loader = (KubectlLoader if kubectl else Loader)(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            yield node, loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise error_of(exc, source) from None
    except RecursionError:
        raise YamlError(f"{source}: invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()
