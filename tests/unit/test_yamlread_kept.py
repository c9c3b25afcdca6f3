"""A small file's parse is kept between runs (yamlread.load_all(keep=True)): exactly
the parse its text gives, never a refused one, and never at the cost of a failure."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adk_gitops import yamlread

KUSTOMIZATION = "resources: [a.yaml]\nnamespace: dev\nreplicas: [{name: x, count: 2}]\n"


@pytest.fixture(autouse=True)
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    yamlread._kept_folder.cache_clear()
    yield tmp_path / "cache"
    yamlread._kept_folder.cache_clear()


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(yamlread, "_documents", refuse)


def test_a_kept_parse_is_read_back_without_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    first = yamlread.load(KUSTOMIZATION, "kustomization.yaml", keep=True)
    no_parsing(monkeypatch)
    again = yamlread.load(KUSTOMIZATION, "kustomization.yaml", keep=True)
    assert (
        again
        == first
        == {"resources": ["a.yaml"], "namespace": "dev", "replicas": [{"name": "x", "count": 2}]}
    )
    assert again is not first  # each caller gets its own objects


def test_the_kubectl_reading_is_kept_apart() -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {ENABLED: y}\n"
    assert yamlread.load_all(text, "c.yaml", keep=True)[0]["data"]["ENABLED"] == "y"
    assert yamlread.load_all(text, "c.yaml", kubectl=True, keep=True)[0]["data"]["ENABLED"] is True
    assert yamlread.load_all(text, "c.yaml", keep=True)[0]["data"]["ENABLED"] == "y"


def test_a_refused_text_is_refused_every_time_in_its_own_words(cache_home: Path) -> None:
    for source in ("one.yaml", "two.yaml"):
        with pytest.raises(yamlread.YamlError, match=rf"^{source}: .*duplicate"):
            yamlread.load("a: 1\na: 2\n", source, keep=True)
    assert not cache_home.exists() or not any(p.is_file() for p in cache_home.rglob("*"))


def test_a_damaged_entry_is_parsed_again_and_replaced() -> None:
    yamlread.load(KUSTOMIZATION, "k.yaml", keep=True)
    entry = yamlread._kept(KUSTOMIZATION, False)
    entry.write_bytes(b"\x00not marshal")
    assert yamlread.load(KUSTOMIZATION, "k.yaml", keep=True)["namespace"] == "dev"
    assert entry.read_bytes() != b"\x00not marshal"


def test_an_unwritable_cache_keeps_nothing_and_fails_nothing(cache_home: Path) -> None:
    cache_home.write_text("a file where the folder would be")
    assert yamlread.load(KUSTOMIZATION, "k.yaml", keep=True)["namespace"] == "dev"


def test_without_keep_nothing_is_kept(cache_home: Path) -> None:
    yamlread.load(KUSTOMIZATION, "k.yaml")
    assert not cache_home.exists()
