"""Input files are read with a ceiling and must be regular files (bounded.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from adk_gitops import bounded


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(bounded.Refused, match="a device, not a regular file: refused"):
        bounded.read_text("/dev/zero")


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "f.yaml"
    os.mkfifo(fifo)
    with pytest.raises(bounded.Refused, match="a FIFO"):
        bounded.read_text(fifo)


def test_the_ceiling_is_counted_in_bytes_read(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a" * 2049)
    assert bounded.read_text(big, limit=2049) == "a" * 2049
    with pytest.raises(bounded.Refused) as refused:
        bounded.read_text(big, limit=2048)
    assert str(refused.value) == "larger than 2 KiB: refused"


def test_a_large_document_without_aliases_is_not_called_an_alias_bomb() -> None:
    from adk_gitops import yamlread

    plain = "[" + ", ".join(str(i) for i in range(2000)) + "]"
    aliased = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    with pytest.raises(ValueError, match="a document of more than 1,000 nodes: too large"):
        yamlread.expanded_size(yaml_node(plain), budget=1000)
    with pytest.raises(ValueError, match="alias bomb"):
        yamlread.expanded_size(yaml_node(aliased), budget=1000)


def yaml_node(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    return node
