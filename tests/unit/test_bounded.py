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
    from adk_gitops import yamlparse

    plain = "[" + ", ".join(str(i) for i in range(2000)) + "]"
    aliased = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\nb: [" + ", ".join(["*a"] * 300) + "]\n"
    with pytest.raises(ValueError, match="a document of more than 1,000 nodes: too large"):
        yamlparse.expanded_size(yaml_node(plain), budget=1000)
    with pytest.raises(ValueError, match="alias bomb"):
        yamlparse.expanded_size(yaml_node(aliased), budget=1000)


def yaml_node(text: str) -> yaml.Node:
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    assert node is not None
    return node


def test_real_paths_agree_with_path_resolve_on_a_forest_of_links(tmp_path: Path) -> None:
    """RealPaths remembers what it has looked at; on random trees of folders and
    links (relative, absolute, through ``..``, dangling, looping) every answer is
    Path.resolve's, and a loop is one exactly where Path.resolve raises."""
    import random

    rng = random.Random(28)
    checked = loops = 0
    for trial in range(60):
        base = (tmp_path / f"t{trial}").resolve()
        folders = [base]
        for i in range(6):
            folders.append(rng.choice(folders) / f"d{i}")
            folders[-1].mkdir(parents=True, exist_ok=True)
        for i in range(6):
            link = rng.choice(folders) / f"l{i}"
            choice = rng.random()
            if choice < 0.4:
                target = os.path.relpath(rng.choice(folders), link.parent) + rng.choice(["", "/..", "/x"])
            elif choice < 0.7:
                target = str(rng.choice(folders)) + rng.choice(["", "/../l0", "/l1"])
            else:
                target = rng.choice(["l0", "../l1", "l2/..", "missing", "l3/x"])
            if not link.is_symlink():
                link.symlink_to(target)
        for folder in folders:
            (folder / "loop").symlink_to("loop")
        real_paths = bounded.RealPaths()
        for _ in range(40):
            names = rng.choices(
                ["d0", "d1", "d2", "l0", "l1", "l2", "l3", "l4", "loop", "..", ".", "x"], k=rng.randint(1, 5)
            )
            path = rng.choice(folders) / "/".join(names)
            real, whole = real_paths.walk(path)
            try:
                expected = path.resolve()
            except RuntimeError:
                assert not whole, path
                loops += 1
            else:
                assert (real, whole) == (expected, True), path
            checked += 1
    assert checked == 2400 and loops > 100


def test_a_link_loop_is_refused_in_one_line_not_a_crash(tmp_path: Path) -> None:
    root = tmp_path.resolve()
    (root / "loop").symlink_to("loop")
    assert (
        bounded.outside_reason(root / "loop" / "x.yaml", root) == "a symbolic link loop: it resolves nowhere"
    )
    assert bounded.outside_reason(root / "x.yaml", root) is None
