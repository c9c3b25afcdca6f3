"""The catalogue itself: ids, docs, fixtures and the registry agree."""

from __future__ import annotations

import importlib
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from adk_gitops.check.engine import run_rules
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules import ALL_RULES, CATEGORIES, ENGINE_RULES, get
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._rule import DOC_SECTIONS, Category, Rule
from adk_gitops.kube.manifests import load_stream
from tests.conftest import FIXTURES, REPO

KEBAB = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+")
RULES_DIR = REPO / "cli" / "adk_gitops" / "check" / "rules"


def test_ids_are_unique_kebab_case_and_name_their_module() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert [i for i, n in Counter(ids).items() if n > 1] == []
    for rule in ALL_RULES:
        assert KEBAB.fullmatch(rule.id), rule.id
        module = importlib.import_module(f"adk_gitops.check.rules.{rule.id.replace('-', '_')}")
        assert module.RULE is rule


def test_every_rule_module_is_registered() -> None:
    modules = {p.stem for p in RULES_DIR.glob("*.py") if not p.stem.startswith("_")}
    assert modules == {rule.id.replace("-", "_") for rule in ALL_RULES}
    assert sum(len(rules) for _, rules in CATEGORIES) == len(ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.id for r in ALL_RULES])
def test_rule_has_docs(rule: Rule) -> None:
    positions = [rule.doc.find(section) for section in DOC_SECTIONS]
    assert all(p >= 0 for p in positions), f"{rule.id} docs miss a section of {DOC_SECTIONS}"
    assert positions == sorted(positions), f"{rule.id} docs sections out of order"
    assert rule.summary.endswith(".") and rule.fix
    assert isinstance(rule.severity, Severity)


@pytest.mark.parametrize("rule", [r for r in ALL_RULES if r.id != "internal-error"], ids=lambda r: r.id)
def test_rule_has_pass_and_fail_fixtures(rule: Rule) -> None:
    cases = [p.name for p in (FIXTURES / "rules" / rule.id).glob("*")]
    assert any(c.startswith("pass-") for c in cases), f"{rule.id} has no pass fixture"
    assert any(c.startswith("fail-") for c in cases), f"{rule.id} has no fail fixture"


def test_every_fixture_folder_names_a_rule() -> None:
    for folder in (FIXTURES / "rules").iterdir():
        get(folder.name)


def test_a_crashing_rule_becomes_an_internal_error_finding() -> None:
    def boom(ctx: Context) -> Iterator[Violation]:
        raise ValueError("unexpected shape")

    crashing = Rule(
        "crashing-rule",
        Severity.WARNING,
        "Never crashes.",
        "n/a",
        boom,
        "",
        category=Category.SCHEMAS,
    )
    resources = load_stream("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    (finding,) = run_rules(
        Context("overlays/x", resources, default_file="overlays/x/kustomization.yaml"), [crashing]
    )
    assert (finding.rule, finding.severity, finding.overlay) == (
        "internal-error",
        Severity.ERROR,
        "overlays/x",
    )
    assert finding.message == "rule crashing-rule crashed: ValueError: unexpected shape"


def test_engine_rules_are_the_ones_without_checks() -> None:
    assert {r.id for r in ALL_RULES if r.check.__name__ == "no_check"} == ENGINE_RULES


def test_every_sync_diagnosis_has_its_rule() -> None:
    from adk_gitops.argocd.syncplan import Diagnosis
    from adk_gitops.check.rules import SYNC_RULES

    assert sorted(d.value for d in Diagnosis if d.value not in {r.id for r in SYNC_RULES}) == []
