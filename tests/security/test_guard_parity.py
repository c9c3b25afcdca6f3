"""The guard reads kustomization keys as kustomize does (kustomization.fold): for each
spelling of a key, kustomize itself decides whether it reads the file named under
it, and the guard must see that path exactly when kustomize reads it."""

from __future__ import annotations

import base64
import random
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from adk_gitops.errors import RenderError
from adk_gitops.kustomize import guard, kustomization
from adk_gitops.kustomize.renderer import Renderer

pytestmark = pytest.mark.e2e
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: listed}\n"

RESOURCES = [
    "resources",
    "Resources",
    "RESOURCES",
    "ReSoUrCeS",
    "re\u017fources",
    "re\u00dfources",
    "resource",
]
GENERATORS = ["configMapGenerator", "ConfigMapGenerator", "CONFIGMAPGENERATOR", "configMapGenerator\u017f"]
FILES = ["files", "FILES", "Files", "file\u017f"]


def _kustomize_reads(renderer: Renderer, folder: Path, marker: str) -> bool:
    try:
        return marker in renderer.build(folder, root=folder)
    except RenderError:
        return False


def _guard_sees(folder: Path, entry: str) -> bool:
    kustomization._parse.cache_clear()
    return entry in [e for e, _ in kustomization.path_entries(kustomization.load(folder))]


@pytest.mark.parametrize("key", RESOURCES)
def test_resources_key_spellings(tmp_path: Path, renderer: Renderer, key: str) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "kustomization.yaml").write_text(f"{key}: [cm.yaml]\n")
    assert _guard_sees(tmp_path, "cm.yaml") == _kustomize_reads(renderer, tmp_path, "name: listed")


@pytest.mark.parametrize("files", FILES)
@pytest.mark.parametrize("generator", GENERATORS)
def test_generator_key_spellings(tmp_path: Path, renderer: Renderer, generator: str, files: str) -> None:
    (tmp_path / "data.txt").write_text("SECRETVALUE")
    (tmp_path / "kustomization.yaml").write_text(f"{generator}:\n  - name: gen\n    {files}: [data.txt]\n")
    assert _guard_sees(tmp_path, "data.txt") == _kustomize_reads(renderer, tmp_path, "SECRETVALUE")


def test_a_merge_key(tmp_path: Path, renderer: Renderer) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "kustomization.yaml").write_text("<<: {resources: [cm.yaml]}\n")
    assert _guard_sees(tmp_path, "cm.yaml") == _kustomize_reads(renderer, tmp_path, "name: listed")


def test_two_spellings_of_one_key_are_both_seen(tmp_path: Path, renderer: Renderer) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "other.yaml").write_text(CM.replace("listed", "other"))
    (tmp_path / "kustomization.yaml").write_text("resources: [cm.yaml]\nResources: [other.yaml]\n")
    rendered = renderer.build(tmp_path, root=tmp_path) if _kustomize_reads(renderer, tmp_path, "kind") else ""
    seen = [e for e, _ in kustomization.path_entries(kustomization.load(tmp_path))]
    for entry, marker in (("cm.yaml", "name: listed"), ("other.yaml", "name: other")):
        if marker in rendered:
            assert entry in seen  # whatever kustomize read, the guard judged


@pytest.mark.parametrize(
    "text",
    [
        "resources: [!!binary Y20ueWFtbA==]\n",  # an entry: "cm.yaml"
        "!!binary cmVzb3VyY2Vz: [cm.yaml]\n",  # the key: "resources"
        "!!binary UmVzb3VyY2Vz: [!!binary Y20ueWFtbA==]\n",  # both, the key case-folded
        "resources: [!!str cm.yaml]\n",
        '"resources": ["cm.yaml"]\n',
        "? resources\n: [cm.yaml]\n",
    ],
)
def test_tags_and_key_forms(tmp_path: Path, renderer: Renderer, text: str) -> None:
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "kustomization.yaml").write_text(text)
    assert _kustomize_reads(renderer, tmp_path, "name: listed")  # each form is a real read
    assert _guard_sees(tmp_path, "cm.yaml")


def test_dot_dot_after_a_link_is_cleaned_as_kustomize_cleans_it(tmp_path: Path, renderer: Renderer) -> None:
    """``link/../cm.yaml`` is ``./cm.yaml`` to kustomize (filepath.Join cleans before
    the link is followed), not the file beside the link's target."""
    (tmp_path / "cm.yaml").write_text(CM)
    (tmp_path / "d1" / "d2").mkdir(parents=True)
    (tmp_path / "d1" / "cm.yaml").write_text(CM.replace("listed", "physical"))
    (tmp_path / "link").symlink_to("d1/d2")
    (tmp_path / "kustomization.yaml").write_text("resources: [link/../cm.yaml]\n")
    assert "name: listed" in renderer.build(tmp_path, root=tmp_path)
    assert kustomization.entry_path(tmp_path, "link/../cm.yaml") == tmp_path / "cm.yaml"


def test_dot_dot_after_a_link_cannot_leave_the_repository(tmp_path: Path) -> None:
    """Physically ``link/../../outside`` stays in the repository (the link points two
    folders down); lexically, as kustomize reads it, it is the folder beside it."""
    root = tmp_path / "repo"
    (root / "d1" / "d2").mkdir(parents=True)
    (root / "link").symlink_to("d1/d2")
    (root / "kustomization.yaml").write_text("resources: [link/../../outside]\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "kustomization.yaml").write_text("resources: []\n")
    kustomization._parse.cache_clear()
    found = guard.refusals(root, root)
    assert [(r.entry, r.why, r.detail) for r in found] == [
        ("link/../../outside", guard.Why.OUTSIDE, "resolves outside the repository")
    ]


# Spellings kustomize reads as the same key (EqualFold with simple folding, tags,
# quoting), combined at random: whatever kustomize reads, the guard saw.
_KEY_FORMS: tuple[Callable[[str], str], ...] = (
    lambda k: k,
    str.upper,
    lambda k: k[:1].upper() + k[1:],
    lambda k: k.replace("s", "\u017f"),
    lambda k: k.replace("k", "\u212a"),
    lambda k: f'"{k}"',
    lambda k: f"!!str {k}",
    lambda k: "!!binary " + base64.b64encode(k.encode()).decode(),
)
_ENTRY_FORMS: tuple[Callable[[str], str], ...] = (
    lambda e: e,
    lambda e: f'"{e}"',
    lambda e: f"!!str {e}",
    lambda e: "!!binary " + base64.b64encode(e.encode()).decode(),
    lambda e: f"./{e}",
    lambda e: f"sub/../{e}",
)


def _generated(rng: random.Random) -> tuple[str, dict[str, str]]:
    """A kustomization naming some of four files through random key and entry forms,
    maybe under a merge key; the markers each file renders to."""
    key, files, entry = rng.choice(_KEY_FORMS), rng.choice(_KEY_FORMS), rng.choice(_ENTRY_FORMS)
    parts = []
    markers = {}
    names = rng.sample(["a.yaml", "b.yaml"], k=rng.randint(1, 2))
    for name in names:
        markers[name] = f"name: from-{name[0]}"
    parts.append(f"{key('resources')}: [{', '.join(rng.choice(_ENTRY_FORMS)(n) for n in names)}]")
    if rng.random() < 0.6:
        markers["data.txt"] = "SECRET-DATA"
        parts.append(f"{key('configMapGenerator')}:\n- name: gen\n  {files('files')}: [{entry('data.txt')}]")
    text = "\n".join(parts) + "\n"
    if rng.random() < 0.3:
        text = "<<:\n" + "".join(f"  {line}\n" for line in text.splitlines())
    return text, markers


@pytest.mark.parametrize("seed", range(24))
def test_generated_kustomizations(tmp_path: Path, renderer: Renderer, seed: int) -> None:
    text, markers = _generated(random.Random(seed))
    (tmp_path / "sub").mkdir()
    for name in ("a.yaml", "b.yaml"):
        (tmp_path / name).write_text(CM.replace("listed", f"from-{name[0]}"))
    (tmp_path / "data.txt").write_text("SECRET-DATA")
    (tmp_path / "kustomization.yaml").write_text(text)
    try:
        rendered = renderer.build(tmp_path, root=tmp_path)
    except RenderError:
        rendered = ""
    kustomization._parse.cache_clear()
    entries = kustomization.path_entries(kustomization.load(tmp_path))
    seen = {kustomization.entry_path(tmp_path, e) for e, _ in entries}
    assert any(marker in rendered for marker in markers.values()), f"kustomize read nothing:\n{text}"
    for name, marker in markers.items():
        if marker in rendered:
            assert tmp_path / name in seen, f"kustomize read {name}, the guard did not see it:\n{text}"


def test_a_link_loop_is_refused_in_one_line(tmp_path: Path, renderer: Renderer) -> None:
    """A link that leads to itself: kustomize cannot read through it (Go's
    EvalSymlinks: too many links), and the guard says so in one line; it used to stop
    the run with a RuntimeError."""
    (tmp_path / "loop").symlink_to("loop")
    (tmp_path / "kustomization.yaml").write_text("resources: [loop/cm.yaml]\n")
    kustomization._parse.cache_clear()
    found = guard.refusals(tmp_path, tmp_path)
    assert [(r.entry, r.why, r.detail) for r in found] == [
        ("loop/cm.yaml", guard.Why.OUTSIDE, "a symbolic link loop: it resolves nowhere")
    ]
    with pytest.raises(RenderError, match="a symbolic link loop"):
        renderer.build(tmp_path, root=tmp_path)
    bare = subprocess.run(
        [*renderer.argv_prefix, str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert bare.returncode != 0 and "EvalSymlinks: too many links" in bare.stderr
