"""The troubleshooting table as code: every row recognises what it claims, and
docs/operations.md carries exactly the table the code applies."""

from __future__ import annotations

import pytest

from adk_gitops.live.diagnoses import SYMPTOMS, Observation, Source, diagnose, troubleshooting_table
from adk_gitops.live.status import AppState, Condition, JobState, Phase, phase_of
from tests.conftest import REPO

POD = "pod adk-agent-db-migration-x container migration"
PROXY = "pod adk-agent-db-migration-x container cloud-sql-proxy"

# (symptom id, what the cluster shows): the messages as Kubernetes, Argo CD and the
# migration write them.
SAMPLES: list[tuple[str, Observation]] = [
    (
        "secret-missing",
        Observation(Source.WAITING, POD, 'CreateContainerConfigError: secret "adk-agent-db" not found'),
    ),
    (
        "secret-key-missing",
        Observation(
            Source.WAITING, POD, "CreateContainerConfigError: couldn't find key url in Secret ns/adk-agent-db"
        ),
    ),
    ("image-pull", Observation(Source.WAITING, POD, 'ImagePullBackOff: Back-off pulling image "r/a:nope"')),
    ("image-pull", Observation(Source.WAITING, POD, "ErrImagePull: manifest unknown")),
    (
        "service-account-missing",
        Observation(
            Source.EVENT,
            "Job j",
            'FailedCreate: Error creating: pods "j-" is forbidden: error looking up service account '
            'ns/adk-agent-migration: serviceaccount "adk-agent-migration" not found',
        ),
    ),
    (
        "pod-security",
        Observation(
            Source.EVENT,
            "Job j",
            'FailedCreate: Error creating: pods "j-x" is forbidden: '
            'violates PodSecurity "restricted:latest": '
            "runAsNonRoot != true",
        ),
    ),
    (
        "proxy-iam",
        Observation(
            Source.LOG,
            PROXY + " log",
            "starting\nfailed to connect: googleapi: Error 403: NOT_AUTHORIZED: boom",
            "cloud-sql-proxy",
        ),
    ),
    (
        "password",
        Observation(
            Source.LOG,
            POD + " log",
            'prepare-tables failed: InvalidPasswordError: password authentication failed for user "agent"',
            "migration",
        ),
    ),
    (
        "no-upgrade-command",
        Observation(
            Source.LOG,
            POD + " log",
            "Usage: adk migrate [OPTIONS]\nError: No such command 'upgrade'.",
            "migration",
        ),
    ),
    (
        "sync-driver",
        Observation(
            Source.LOG,
            POD + " log",
            "prepare-tables failed: InvalidRequestError: the URL resolves to a synchronous driver",
            "migration",
        ),
    ),
    (
        "missing-module",
        Observation(
            Source.LOG,
            POD + " log",
            "prepare-tables failed: ModuleNotFoundError: No module named 'asyncpg'",
            "m",
        ),
    ),
    (
        "crash-loop",
        Observation(Source.WAITING, PROXY, "CrashLoopBackOff: back-off 40s restarting failed container"),
    ),
    (
        "deadline",
        Observation(
            Source.CONDITION,
            "Job ns/j",
            "Failed: DeadlineExceeded: Job was active longer than specified deadline",
        ),
    ),
    (
        "backoff",
        Observation(
            Source.CONDITION,
            "Job ns/j",
            "Failed: BackoffLimitExceeded: Job has reached the specified backoff limit",
        ),
    ),
    (
        "sync-failed",
        Observation(Source.APPLICATION, "Application argocd/a", "Failed: one or more tasks failed"),
    ),
    ("argocd-missing", Observation(Source.APPLICATION, "Application argocd/a", "NotServed")),
    ("application-missing", Observation(Source.APPLICATION, "Application argocd/a", "NotFound")),
    ("out-of-sync", Observation(Source.APPLICATION, "Application argocd/a", "OutOfSync")),
]


@pytest.mark.parametrize(("expected", "observation"), SAMPLES, ids=[s[0] for s in SAMPLES])
def test_each_row_recognises_its_symptom(expected: str, observation: Observation) -> None:
    found = list(diagnose([observation]))
    assert [d.symptom.id for d in found] == [expected]


def test_every_row_has_a_sample() -> None:
    assert {s.id for s in SYMPTOMS} == {sample[0] for sample in SAMPLES}


def test_a_log_diagnosis_quotes_the_line_that_shows_it() -> None:
    log = Observation(
        Source.LOG, POD + " log", "a\nprepare-tables failed: password authentication failed\nb", "migration"
    )
    (found,) = diagnose([log])
    assert found.line == f"{POD} log: prepare-tables failed: password authentication failed"


def test_a_403_in_the_migration_log_is_not_the_proxy_iam_row() -> None:
    log = Observation(Source.LOG, POD + " log", "HTTP 403 from somewhere", "migration")
    assert list(diagnose([log])) == []


def test_one_diagnosis_per_symptom_and_object() -> None:
    again = Observation(Source.WAITING, POD, "ImagePullBackOff: x")
    assert len(list(diagnose([again, again]))) == 1


def test_docs_operations_carries_the_table_the_code_applies() -> None:
    text = (REPO / "docs/operations.md").read_text()
    start = text.index("<!-- troubleshooting-table")
    table = text[text.index("\n", start) + 1 : text.index("<!-- end troubleshooting-table")]
    assert table == troubleshooting_table()


def _job(state: str) -> JobState:
    conditions = {
        "failed": (Condition("Failed", "True", "BackoffLimitExceeded", ""),),
        "succeeded": (Condition("Complete", "True", "", ""),),
        "running": (),
    }[state]
    return JobState("j", "ns", found=True, active=int(state == "running"), conditions=conditions)


def _app(sync: str, health: str, phase: str = "") -> AppState:
    return AppState("a", "argocd", served=True, found=True, sync=sync, health=health, operation_phase=phase)


@pytest.mark.parametrize(
    ("app", "job", "expected"),
    [
        (_app("Synced", "Healthy", "Succeeded"), "succeeded", Phase.SYNCED),
        (_app("OutOfSync", "Progressing", "Running"), "running", Phase.PROGRESSING),
        (_app("OutOfSync", "Missing", "Running"), "failed", Phase.FAILED),
        (_app("Synced", "Degraded"), "succeeded", Phase.FAILED),
        (_app("Synced", "Progressing"), "succeeded", Phase.PROGRESSING),
        (_app("OutOfSync", "Healthy", "Failed"), "succeeded", Phase.FAILED),
        (None, "succeeded", Phase.SYNCED),  # no Application in argocd/: the Job decides
        (AppState("a", "argocd", served=True, found=False), "succeeded", Phase.FAILED),
    ],
)
def test_phase(app: AppState | None, job: str, expected: Phase) -> None:
    assert phase_of(app, [_job(job)], []) is expected


def test_a_blocking_problem_fails_a_running_job_but_does_not_settle_it() -> None:
    waiting = Observation(Source.WAITING, POD, 'CreateContainerConfigError: secret "s" not found')
    found = list(diagnose([waiting]))
    assert phase_of(_app("OutOfSync", "Missing", "Running"), [_job("running")], found) is Phase.FAILED
