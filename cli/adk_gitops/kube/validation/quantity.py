"""Kubernetes quantities as the API server parses them
(k8s.io/apimachinery/pkg/api/resource/quantity.go ParseQuantity).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

_QUANTITY = re.compile(r"([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)")
_SUFFIXES = frozenset({"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"})


def quantity(value: Any) -> Decimal | None:
    """The value of a resource quantity (ParseQuantity), or None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    match = _QUANTITY.fullmatch(value)
    if not match:
        return None
    number, suffix = match.groups()
    exponent = 0
    if suffix not in _SUFFIXES:
        exp = re.fullmatch(r"[eE]([-+]?[0-9]+)", suffix)
        if not exp:
            return None
        exponent = int(exp.group(1))
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None
    binary = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
    decimal = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
    if suffix in binary:
        return amount * binary[suffix]
    return amount.scaleb(decimal.get(suffix, exponent))
