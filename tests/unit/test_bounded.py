"""Input files are read with a ceiling and must be regular files (bounded.py)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
