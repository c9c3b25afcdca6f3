"""Schema errors in the words kubectl and the API server use: an enum as
field.NotSupported, a number Go cannot decode into its field, and the hint for a YAML
1.1 boolean where a string belongs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

_INT_NAMES = {2**31 - 1: "int32", -(2**31): "int32", 2**63 - 1: "int64", -(2**63): "int64"}


def out_of_range(value: Any, limit: Any, maximum: bool) -> str:
    """A number Go cannot decode into the field, in words close to the server's."""
    size = _INT_NAMES.get(limit)
    bound = "no more than" if maximum else "no less than"
    return f"Invalid value: {value}: must be {bound} {limit}" + (f" ({size})" if size else "")


YAML_11_HINT = " (kubectl reads yes/no/on/off/y/n unquoted as booleans: quote the value)"


def bool_for_string(value: Any, types: Any) -> bool:
    """A boolean where a string belongs: most often `ENABLED: y` written unquoted."""
    wanted = [types] if isinstance(types, str) else list(types or [])
    return isinstance(value, bool) and "string" in wanted and "boolean" not in wanted


def unsupported(value: Any, options: Sequence[Any]) -> str:
    """An enum error in the API server's words (field.NotSupported)."""
    allowed = ", ".join(json.dumps(o) for o in options if o is not None)
    return f"Unsupported value: {json.dumps(value)}: supported values: {allowed}"
