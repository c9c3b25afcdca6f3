"""Input validation: every bad input is one clear line, before anything is written."""

from __future__ import annotations

import pytest

from adk_gitops.envgen.choices import Db, Registration, SyncPolicy
from adk_gitops.envgen.config import RepoConfig
from adk_gitops.envgen.spec import EnvInput, SpecError, parse_image, quantity, resolve

CONFIG = RepoConfig(
    app="adk-agent",
    image="r.example/adk/agent",
    db=Db.POSTGRES,
    migration="prepare-tables",
    db_secret="adk-agent-db",
    app_db_secret="adk-agent-db-app",
    registration=Registration.APP,
    repo_url="https://example.com/g.git",
    revision="main",
    project="adk-agent",
    dest_server="https://kubernetes.default.svc",
    argocd_namespace="argocd",
    sync_policy=SyncPolicy.MANUAL,
)
IMAGE = "r.example/adk/agent:1.0"
CLOUDSQL = {
    "db": Db.CLOUDSQL,
    "cloudsql_instance": "my-project:europe-west1:db",
    "gsa": "adk-agent@my-project.iam.gserviceaccount.com",
}


def spec(name: str = "staging", **given: object) -> object:
    return resolve(name, EnvInput(**{"image": IMAGE, **given}), CONFIG)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "given", "message"),
    [
        ("Staging", {}, "environment name 'Staging' is not a DNS-1123 label"),
        ("../etc", {}, "environment name '../etc' is not a DNS-1123 label"),
        ("a" * 60, {}, "longer than 63 characters"),
        ("dev", {"namespace": "Dev_NS"}, "--namespace 'Dev_NS' is not a DNS-1123 label"),
        ("dev", {"image": None}, "--image is required"),
        ("dev", {"image": "r.example/adk/agent"}, "add :TAG or @sha256:DIGEST"),
        ("dev", {"image": "r.example/adk/agent:latest"}, "'latest' is not a release"),
        ("dev", {"image": "agent:1.0"}, "is not an image repository"),
        ("dev", {"image": "r.example/adk/agent@sha256:abc"}, "digest must be sha256: and 64 hex"),
        ("dev", {"db": Db.CLOUDSQL}, "needs --cloudsql-instance"),
        ("dev", {**CLOUDSQL, "cloudsql_instance": "my-project:db"}, "is not PROJECT:REGION:INSTANCE"),
        ("dev", {**CLOUDSQL, "gsa": None}, "needs --gsa"),
        ("dev", {**CLOUDSQL, "gsa": "agent@gmail.com"}, "is not NAME@PROJECT.iam.gserviceaccount.com"),
        (
            "dev",
            {"gsa": "adk-agent@my-project.iam.gserviceaccount.com"},
            "--gsa only applies to --db cloudsql",
        ),
        ("dev", {"iam_auth": True}, "--iam-auth only applies to --db cloudsql"),
        ("dev", {"db_secret": "Bad_Secret"}, "--db-secret 'Bad_Secret' is not a valid Secret name"),
        ("dev", {"app_db_secret": "a/b"}, "--app-db-secret 'a/b' is not a valid Secret name"),
        (
            "dev",
            {**CLOUDSQL, "iam_auth": True},
            "--iam-auth with two database roles needs --app-gsa",
        ),
        (
            "dev",
            {**CLOUDSQL, "iam_auth": True, "app_gsa": "adk-agent@my-project.iam.gserviceaccount.com"},
            "--iam-auth with two database roles needs --app-gsa",
        ),
        (
            "dev",
            {**CLOUDSQL, "app_gsa": "agent@gmail.com"},
            "--app-gsa 'agent@gmail.com' is not NAME@PROJECT",
        ),
        (
            "dev",
            {"app_gsa": "adk-agent@my-project.iam.gserviceaccount.com"},
            "--app-gsa only applies to --db cloudsql",
        ),
        ("dev", {"cpu_request": "2", "cpu_limit": "500m"}, "--cpu-request 2 is above --cpu-limit 500m"),
        ("dev", {"memory_request": "1GB"}, "--memory-request '1GB' is not a Kubernetes quantity"),
        (
            "dev",
            {"registration": Registration.APPSET, "namespace": "other"},
            "--registration appset names namespaces",
        ),
        ("dev", {"self_heal": True}, "--self-heal and --auto-prune need --sync-policy automated"),
        (
            "dev",
            {**CLOUDSQL, "cloudsql_instance": "my-project:europe-west1:db?port=5432 --x"},
            "is not PROJECT:REGION:INSTANCE",
        ),
        (
            "dev",
            {**CLOUDSQL, "cloudsql_instance": 'my-project:europe-west1:db?debug="1"'},
            "is not PROJECT:REGION:INSTANCE",
        ),
        (
            "dev",
            {**CLOUDSQL, "cloudsql_instance": "my-project:europe-west1:db?address=0.0.0.0"},
            "address=0.0.0.0 serves the database to the whole pod network",
        ),
        (
            "dev",
            {"repo_url": "https://user:ghp_SECRET@github.com/org/gitops.git"},
            "--repo-url https://github.com/org/gitops.git: credentials in the URL would be committed",
        ),
        ("dev", {"revision": "--upload-pack=x"}, "is not a git branch, tag or commit"),
    ],
)
def test_bad_inputs(name: str, given: dict[str, object], message: str) -> None:
    with pytest.raises(
        SpecError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")
    ) as err:
        spec(name, **given)
    assert "SECRET" not in str(err.value)  # a credential given is never repeated


def test_defaults_come_from_the_config() -> None:
    result = spec()
    assert (result.namespace, result.db, result.db_secret, result.application_name) == (  # type: ignore[attr-defined]
        "adk-agent-staging",
        "postgres",
        "adk-agent-db",
        "adk-agent-staging",
    )


def test_two_roles_by_default_one_when_the_names_match() -> None:
    two = spec()
    assert (two.db_secret, two.app_db_secret, two.two_roles) == ("adk-agent-db", "adk-agent-db-app", True)  # type: ignore[attr-defined]
    one = spec(app_db_secret="adk-agent-db")
    assert one.two_roles is False  # type: ignore[attr-defined]
    iam = spec(**CLOUDSQL, iam_auth=True, app_gsa="adk-agent-app@my-project.iam.gserviceaccount.com")
    assert (iam.gsa, iam.app_gsa) == (  # type: ignore[attr-defined]
        "adk-agent@my-project.iam.gserviceaccount.com",
        "adk-agent-app@my-project.iam.gserviceaccount.com",
    )
    assert spec(**CLOUDSQL).app_gsa == CLOUDSQL["gsa"]  # type: ignore[attr-defined]


def test_later_inputs_win() -> None:
    base = EnvInput(db=Db.CLOUDSQL, replicas=2, image=IMAGE)
    assert EnvInput(replicas=3).over(base) == EnvInput(db=Db.CLOUDSQL, replicas=3, image=IMAGE)


@pytest.mark.parametrize(
    ("text", "repository", "tag", "digest"),
    [
        ("r.example/a/b:1.10", "r.example/a/b", "1.10", ""),
        ("registry:5000/team/app:706798e8", "registry:5000/team/app", "706798e8", ""),
        ("r.example/a/b@sha256:" + "c" * 64, "r.example/a/b", "", "sha256:" + "c" * 64),
        ("r.example/a/b:2@sha256:" + "c" * 64, "r.example/a/b", "2", "sha256:" + "c" * 64),
    ],
)
def test_parse_image(text: str, repository: str, tag: str, digest: str) -> None:
    ref = parse_image(text)
    assert (ref.repository, ref.tag, ref.digest, str(ref)) == (repository, tag, digest, text)


def test_quantities_compare_across_units() -> None:
    assert quantity("500m", "x") < quantity("1", "x") < quantity("1.5", "x")
    assert quantity("1Gi", "x") > quantity("1G", "x") > quantity("512Mi", "x")
