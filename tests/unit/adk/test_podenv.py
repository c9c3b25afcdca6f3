"""The kubelet's environment and $(VAR) rules, case by case (cases after
kubernetes third_party/forked/golang/expansion/expand_test.go)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from adk_gitops.adk import podenv
from adk_gitops.errors import PodEnvError
from adk_gitops.kube.manifests import load_stream

ENV = {"VAR_A": "A", "VAR_B": "B", "VAR_EMPTY": "", "PASS": "p$(VAR_A)"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$(VAR_A)", "A"),
        ("___$(VAR_A)___", "___A___"),
        ("$(VAR_A)-$(VAR_B)", "A-B"),
        ("$(VAR_EMPTY)x", "x"),
        ("$(UNDEFINED)", "$(UNDEFINED)"),  # left as written
        ("$$(VAR_A)", "$(VAR_A)"),  # escaped operator
        ("$$$(VAR_A)", "$A"),
        ("$$", "$"),
        ("$(VAR_A", "$(VAR_A"),  # incomplete reference
        ("$VAR_A", "$VAR_A"),  # only $(...) is a reference
        ("${VAR_A}", "${VAR_A}"),
        ("tail$", "tail$"),
        ("$(PASS)", "p$(VAR_A)"),  # one pass: substituted text is never re-scanned
        ("$()", "$()"),
    ],
)
def test_expand(text: str, expected: str) -> None:
    assert podenv.expand(text, ENV) == expected


def _store(**secrets: dict[str, str]) -> podenv.SecretStore:
    return podenv.SecretStore(secrets, {"cm": {"MODE": "prod", "bad key": "x"}})


def _env(container: dict[str, Any], store: podenv.SecretStore | None = None) -> dict[str, str]:
    return podenv.container_env(container, store or _store(db={"password": "s3cr$(X)t"}), "ns")


def test_values_see_only_earlier_entries() -> None:
    env = _env(
        {
            "env": [
                {"name": "LATER_REF", "value": "$(FIRST)-$(SECOND)"},
                {"name": "FIRST", "value": "1"},
                {"name": "SECOND", "value": "$(FIRST)2"},
            ]
        }
    )
    assert env == {"LATER_REF": "$(FIRST)-$(SECOND)", "FIRST": "1", "SECOND": "12"}


def test_secret_values_are_never_expanded() -> None:
    env = _env(
        {
            "env": [
                {"name": "X", "value": "x"},
                {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
            ]
        }
    )
    assert env["PW"] == "s3cr$(X)t"


def test_env_from_applies_prefix_and_skips_invalid_names() -> None:
    env = _env(
        {
            "envFrom": [{"configMapRef": {"name": "cm"}, "prefix": "APP_"}],
            "env": [{"name": "APP_MODE", "value": "override"}],
        }
    )
    assert env == {"APP_MODE": "override"}


def test_optional_missing_references_are_skipped() -> None:
    env = _env(
        {
            "env": [
                {"name": "PW", "valueFrom": {"secretKeyRef": {"name": "nope", "key": "k", "optional": True}}}
            ],
            "envFrom": [{"secretRef": {"name": "nope", "optional": True}}],
        }
    )
    assert env == {}


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ({"name": "db", "key": "username"}, "couldn't find key username in Secret ns/db"),
        ({"name": "other", "key": "k"}, "secret 'other' not found"),
    ],
)
def test_missing_secret_or_key_blocks_the_container(ref: dict[str, str], message: str) -> None:
    with pytest.raises(PodEnvError, match=f"CreateContainerConfigError: {message}"):
        _env({"env": [{"name": "U", "valueFrom": {"secretKeyRef": ref}}]})


def test_command_and_args_see_the_whole_env_in_one_pass() -> None:
    (job,) = load_stream("""
apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: ns}
spec:
  template:
    spec:
      containers:
      - name: main
        command: ["run", "--url=$(URL)", "$(LATER)", "$$(URL)"]
        args: ["$(MISSING)"]
        env:
        - {name: URL, value: "db://$(LATER)"}
        - {name: LATER, value: "l"}
""")
    process = podenv.prepare(job, _store())
    assert process.argv == ("run", "--url=db://$(LATER)", "l", "$(URL)", "$(MISSING)")
    assert process.env == {"URL": "db://$(LATER)", "LATER": "l"}


def test_secret_file_data_is_base64_decoded_and_string_data_wins() -> None:
    docs = load_stream(f"""
apiVersion: v1
kind: Secret
metadata: {{name: db}}
data: {{password: {base64.b64encode(b"p@ss").decode()}, user: {base64.b64encode(b"u").decode()}}}
stringData: {{user: override}}
""")
    store = podenv.SecretStore.from_resources(docs, ())
    assert store.secrets == {"db": {"password": "p@ss", "user": "override"}}


def test_secret_file_rejects_other_kinds_and_bad_base64() -> None:
    (cm,) = load_stream("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    with pytest.raises(PodEnvError, match="only Secrets"):
        podenv.SecretStore.from_resources([cm], ())
    (bad,) = load_stream("apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {k: '***'}\n")
    with pytest.raises(PodEnvError, match="not base64"):
        podenv.SecretStore.from_resources([bad], ())
