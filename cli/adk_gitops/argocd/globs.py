"""Argo CD's pattern matching for AppProjects, as it runs: util/glob's Match over
gobwas/glob (with separators where the project field has them), '!' for a deny, and
Go's filepath.Match for source namespaces.
"""

from __future__ import annotations

import re
from functools import cache


def deny(pattern: str) -> bool:
    return pattern.startswith("!")


def glob(pattern: str, value: str, separators: str = "") -> bool:
    """util/glob Match via globMatch (app_project_types.go l.441): '!' negates, '*' matches all."""
    if deny(pattern):
        return (
            not _gobwas(pattern[1:], separators).fullmatch(value) if _valid(pattern[1:], separators) else True
        )
    if pattern == "*":
        return True
    return _valid(pattern, separators) and bool(_gobwas(pattern, separators).fullmatch(value))


def _valid(pattern: str, separators: str) -> bool:
    try:
        _gobwas(pattern, separators)
    except ValueError:
        return False
    return True


@cache
def _gobwas(pattern: str, separators: str) -> re.Pattern[str]:
    """gobwas/glob's syntax as a regular expression: ``*`` (no separator), ``**``
    (anything), ``?``, ``[abc]``/``[!a-z]``, ``{a,b}`` and ``\\`` escapes. A pattern
    gobwas cannot compile raises ValueError (Argo CD then treats it as no match)."""
    single = f"[^{re.escape(separators)}]" if separators else "."
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= len(pattern):
                raise ValueError("trailing escape")
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append(f"{single}*")
        elif ch == "?":
            out.append(single)
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                raise ValueError("unclosed [")
            body = pattern[i + 1 : end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            if not body:
                raise ValueError("empty class")
            out.append(f"[{'^' if negate else ''}{re.escape(body).replace(chr(92) + '-', '-')}]")
            i = end
        elif ch == "{":
            depth += 1
            out.append("(?:")
        elif ch == "}" and depth:
            depth -= 1
            out.append(")")
        elif ch == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(ch))
        i += 1
    if depth:
        raise ValueError("unclosed {")
    return re.compile("".join(out), re.DOTALL)


def filepath_match(pattern: str, value: str) -> bool:
    """Go's filepath.Match on Linux: ``*`` and ``?`` never match '/', ``[^...]``
    negates, a malformed pattern matches nothing."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 >= len(pattern):
                return False
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                return False
            body = pattern[i + 1 : end]
            negate = body.startswith("^")
            body = body[1:] if negate else body
            out.append(f"[{'^' if negate else ''}{re.escape(body).replace(chr(92) + '-', '-')}]")
            i = end
        else:
            out.append(re.escape(ch))
        i += 1
    try:
        return re.fullmatch("".join(out), value, re.DOTALL) is not None
    except re.error:
        return False
