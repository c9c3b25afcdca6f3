"""What reaches a terminal or a CI log. Strings come from servers, repositories and
arguments no one here controls: secrets in them are masked (a token, a password, a
URL's userinfo), and control characters are shown, never obeyed (an escape sequence
in an event message must not rewrite the terminal; a newline in a finding must not
forge a line of the log). GitHub annotations have their own escaping
(reporters/check_github.py)."""

from __future__ import annotations

import re

# scheme://user:password@host: the userinfo goes, the scheme and host stay. A user
# alone is kept (ssh://git@host) but over http(s), where a token can be the user.
_USERINFO = re.compile(r"(?P<scheme>\b(?P<name>[a-zA-Z][a-zA-Z0-9+.\-]*)://)(?P<info>[^/@\s?#]+)@")
# What a manifest writes instead of a secret: $(VAR) and ${VAR} references.
_REFERENCES = re.compile(r"(?:\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|:)*")
# An Authorization value: Bearer <token>, Basic <base64>.
_AUTHORIZATION = re.compile(r"\b(?P<kind>Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE)
# Credentials passed as query or DSN parameters (password=..., ?token=...).
_PARAMETER = re.compile(
    r"(?P<key>\b(?:password|passwd|pwd|token|access_token|id_token|secret|client_secret|api_key|apikey)=)"
    r"[^&\s\"';]+",
    re.IGNORECASE,
)
MASK = "***"

# C0 controls but tab, DEL, C1 controls, and the bidirectional overrides and
# isolates that reorder what a reader sees (CVE-2021-42574, "Trojan Source").
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_KEEP_NEWLINES = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _userinfo(match: re.Match[str]) -> str:
    info = match["info"]
    if _REFERENCES.fullmatch(info) or (":" not in info and match["name"].lower() not in ("http", "https")):
        return match.group()
    return f"{match['scheme']}{MASK}@"


def _parameter(match: re.Match[str]) -> str:
    value = match.group()[len(match["key"]) :]
    return match.group() if _REFERENCES.fullmatch(value) else f"{match['key']}{MASK}"


def mask(text: str) -> str:
    text = _USERINFO.sub(_userinfo, text)
    text = _AUTHORIZATION.sub(lambda m: f"{m['kind']} {MASK}", text)
    return _PARAMETER.sub(_parameter, text)


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def printable(text: str, *, newlines: bool = False) -> str:
    """Control characters as escapes (``\\x1b``); newlines kept only when asked."""
    return (_CONTROL_KEEP_NEWLINES if newlines else _CONTROL).sub(_shown, text)


def safe(text: str, *, newlines: bool = False) -> str:
    """A message fit for a terminal or a log: secrets masked, controls shown."""
    return printable(mask(text), newlines=newlines)
