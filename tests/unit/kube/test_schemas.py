"""Strict offline schemas: every error with its pointer, for each version."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adk_gitops.kube.manifests import load_stream
from adk_gitops.kube.schemas import NoSchema, SchemaSet, SchemaVersionError, normalize_version

JOB = """
apiVersion: batch/v1
kind: Job
metadata: {name: j}
spec:
  backoffLimit: "three"
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: c
          image: i:1
          comand: [run]
          ports: [{containerPort: http}]
"""


ENGINES = ["rs", "python"]


@pytest.fixture(params=ENGINES, autouse=True)
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test runs with both validators: jsonschema-rs and python-jsonschema."""
    monkeypatch.setattr("adk_gitops.kube.schemas.default_engine", lambda: request.param)
    return str(request.param)


def errors(text: str, versions: tuple[str, ...] = ("1.34",)) -> list[tuple[str, str, str]]:
    (res,) = load_stream(text)
    return sorted((e.version, e.pointer, e.message) for e in SchemaSet(versions).validate(res))


def test_every_error_is_reported_with_its_pointer() -> None:
    found = errors(JOB)
    assert [p for _, p, _ in found] == [
        "/spec/backoffLimit",
        "/spec/template/spec/containers/0/comand",
        "/spec/template/spec/containers/0/ports/0/containerPort",
    ]
    assert "unknown field 'comand'" in [m for _, _, m in found]
    assert "three" in found[0][2] and "integer" in found[0][2]


def test_each_version_validates_on_its_own() -> None:
    versions = {v for v, _, _ in errors(JOB, ("1.28", "1.34"))}
    assert versions == {"1.28", "1.34"}


def test_native_sidecar_field_is_in_the_1_28_schema() -> None:
    """Schema-valid from 1.28; that it is on by default only from 1.29 is a rule's job."""
    pod = """
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: s, image: "i:1", restartPolicy: Always}]
  containers: [{name: c, image: "i:1"}]
"""
    assert errors(pod, ("1.28",)) == []


def test_recursive_schemas_still_resolve() -> None:
    crd = """
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {type: object, properties: {size: {type: integer, bogus: 1}}}
"""
    assert [(p, m) for _, p, m in errors(crd)] == [
        (
            "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/bogus",
            "unknown field 'bogus'",
        )
    ]


def test_argocd_objects_have_a_schema_and_custom_resources_do_not() -> None:
    app = """
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: a}
spec:
  project: p
  destination: {namespace: ns}
  sync: {}
"""
    assert [(p, m) for _, p, m in errors(app)] == [("/spec/sync", "unknown field 'sync'")]
    (cr,) = load_stream("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
    with pytest.raises(NoSchema):
        list(SchemaSet(("1.34",)).validate(cr))
    assert not SchemaSet(("1.34",)).has_schema(cr)


@pytest.mark.parametrize(("text", "expected"), [("1.30", "1.30"), ("v1.30.2", "1.30"), ("1.37.0", "1.37")])
def test_versions_normalize(text: str, expected: str) -> None:
    assert normalize_version(text) == expected


@pytest.mark.parametrize("text", ["1.27", "1.99", "latest", "1.9", ""])
def test_unsupported_versions(text: str) -> None:
    with pytest.raises(SchemaVersionError, match=r"use one of 1\.28 to 1\.37"):
        normalize_version(text)


def test_server_enums_ranges_and_base64_in_the_servers_words() -> None:
    deployment = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec:
  replicas: 2147483648
  selector: {matchLabels: {a: b}}
  template:
    metadata: {labels: {a: b}}
    spec:
      containers: [{name: c, image: i, imagePullPolicy: always}]
"""
    assert [(p, m) for _, p, m in errors(deployment)] == [
        ("/spec/replicas", "Invalid value: 2147483648: must be no more than 2147483647 (int32)"),
        (
            "/spec/template/spec/containers/0/imagePullPolicy",
            'Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never"',
        ),
    ]
    secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {url: 'not base64!'}\n"
    assert [(p, m) for _, p, m in errors(secret)] == [("/data/url", "Invalid value: illegal base64 data")]


def test_a_boolean_where_a_string_belongs_names_yaml_1_1() -> None:
    config = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {ENABLED: y}\n"
    ((_, pointer, message),) = errors(config)
    assert pointer == "/data/ENABLED"
    assert message.endswith("(kubectl reads yes/no/on/off/y/n unquoted as booleans: quote the value)")
    job = (
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: {suspend: 'no', template: {spec: {}}}\n"
    )
    assert all("YAML" not in m and "kubectl reads" not in m for _, _, m in errors(job))


def test_inlined_schemas_are_cached_between_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A kind's inlined schema is written once, read back as built, and rebuilt when
    the cached file is damaged (a killed write, a full disk)."""
    from adk_gitops.kube import schemas

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    schemas._cache_dir.cache_clear()
    try:
        built = schemas._schema_for("1.34", "batch/v1", "Job")
        cached = schemas._cache_dir() / "v1.34" / "job-batch-v1.json"
        assert cached.is_relative_to(tmp_path) and cached.is_file()
        assert schemas._schema_for("1.34", "batch/v1", "Job") == built
        cached.write_text('{"truncat')
        assert schemas._schema_for("1.34", "batch/v1", "Job") == built
        assert json.loads(cached.read_text()) == built
        assert not list(cached.parent.glob("*.part"))
    finally:
        schemas._cache_dir.cache_clear()
