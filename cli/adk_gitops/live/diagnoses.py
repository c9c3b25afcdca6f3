"""The operations guide's troubleshooting table, as code.

Each ``Symptom`` is one row: what ``kubectl describe`` (or the logs) shows, its
cause and its fix, and how to recognise it in what ``status`` reads from the
cluster. docs/operations.md carries ``troubleshooting_table()`` verbatim; a test
keeps the two in step.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum


class Source(StrEnum):
    """Where an observation comes from."""

    WAITING = "waiting"  # a container's waiting state: "REASON: message"
    EVENT = "event"  # a Warning event: "REASON: message"
    LOG = "log"  # the last lines of a container's log
    CONDITION = "condition"  # a Job condition that is True: "TYPE: reason: message"
    APPLICATION = "application"  # the Argo CD Application: "OutOfSync" or "PHASE: message"


@dataclass(frozen=True)
class Symptom:
    id: str
    shows: str  # what a person sees: the table's first column (Markdown)
    cause: str
    fix: str
    source: Source
    pattern: re.Pattern[str]
    container: re.Pattern[str] | None = None  # only observations of these containers
    blocking: bool = True  # the hook will not complete on its own while this lasts


def _re(text: str) -> re.Pattern[str]:
    return re.compile(text, re.IGNORECASE)


PROXY = _re(r"cloud-sql-proxy|cloudsql-proxy")

SYMPTOMS: tuple[Symptom, ...] = (
    Symptom(
        "secret-missing",
        '`CreateContainerConfigError: secret "NAME" not found`',
        "the database Secret does not exist in the namespace",
        "create it with the documented keys; `adk-gitops preflight ENV` names them",
        Source.WAITING,
        _re(r'^CreateContainerConfigError: .*secret "[^"]+" not found'),
    ),
    Symptom(
        "secret-key-missing",
        "`CreateContainerConfigError: couldn't find key KEY in Secret`",
        "a key of the Secret is missing or misspelled",
        "add the key the message names (key names are case-sensitive)",
        Source.WAITING,
        _re(r"^CreateContainerConfigError: .*couldn't find key"),
    ),
    Symptom(
        "image-pull",
        "`ImagePullBackOff` / `ErrImagePull`",
        "the image tag does not exist, or the node has no pull access",
        "`adk-gitops set-image ENV REPO:TAG` to a pushed tag",
        Source.WAITING,
        _re(r"^(ImagePullBackOff|ErrImagePull|InvalidImageName)\b"),
    ),
    Symptom(
        "service-account-missing",
        '`FailedCreate: ... serviceaccount "NAME" not found` (Job events, no pods)',
        "the migration's ServiceAccount does not exist (its PreSync wave -10 hook was deleted or never ran)",
        "sync again so Argo CD creates it, or fix `serviceAccountName`",
        Source.EVENT,
        _re(r'^FailedCreate: .*serviceaccount "[^"]+" not found'),
    ),
    Symptom(
        "pod-security",
        "`FailedCreate: ... violates PodSecurity` (Job events, no pods)",
        "the namespace enforces a Pod Security level the pod does not meet",
        "set the securityContext fields the message names (`adk-gitops preflight ENV` shows them)",
        Source.EVENT,
        _re(r"^FailedCreate: .*violates PodSecurity"),
    ),
    Symptom(
        "proxy-iam",
        "proxy container restarting, `403`/`permission denied` in its logs",
        "IAM roles or the Workload Identity binding are missing",
        "the IAM section below",
        Source.LOG,
        _re(r"\b403\b|permission denied|NOT_AUTHORIZED|cloudsql\.instances\.get"),
        container=PROXY,
    ),
    Symptom(
        "password",
        "migration logs `password authentication failed`",
        "wrong credentials in the Secret",
        "fix the Secret; for `url`, percent-encode the password",
        Source.LOG,
        _re(r"password authentication failed"),
    ),
    Symptom(
        "no-upgrade-command",
        "migration exits 2: `No such command 'upgrade'`",
        "the image's google-adk has no `adk migrate upgrade` (no release has it yet)",
        "`adk-gitops set-migration ENV prepare-tables`",
        Source.LOG,
        _re(r"No such command '?upgrade'?"),
    ),
    Symptom(
        "sync-driver",
        "`migration failed: ... is not async` (or `resolves to a synchronous driver`)",
        "the URL names no async driver",
        "`postgresql+asyncpg://` in the Secret's `url`",
        Source.LOG,
        _re(r"synchronous driver|greenlet_spawn has not been called|is not async"),
    ),
    Symptom(
        "missing-module",
        '`migration failed: ModuleNotFoundError` or "missing extra"',
        "the image lacks `google-adk[db]` or asyncpg",
        "install `google-adk[db]` and `asyncpg` in the image",
        Source.LOG,
        _re(r"ModuleNotFoundError|No module named|missing extra"),
    ),
    Symptom(
        "crash-loop",
        "`CrashLoopBackOff`",
        "a container keeps exiting with an error",
        "read its logs: `adk-gitops status ENV --logs 50`",
        Source.WAITING,
        _re(r"^CrashLoopBackOff\b"),
    ),
    Symptom(
        "deadline",
        "Job condition `Failed`, reason `DeadlineExceeded`",
        "the Job ran past `activeDeadlineSeconds` (300 s): its pod never started or the migration hung",
        "the other problems reported say why; test with `adk-gitops run-hook` against a dev database",
        Source.CONDITION,
        _re(r"^Failed: DeadlineExceeded\b"),
    ),
    Symptom(
        "backoff",
        "Job condition `Failed`, reason `BackoffLimitExceeded`",
        "the migration container failed on every attempt",
        "read its logs: `adk-gitops status ENV --logs 50`",
        Source.CONDITION,
        _re(r"^Failed: BackoffLimitExceeded\b"),
    ),
    Symptom(
        "sync-failed",
        "Application operation `Failed` or `Error`",
        "Argo CD stopped the sync (a hook failed, or an object was refused)",
        "fix what the message names, then `argocd app sync APP`",
        Source.APPLICATION,
        _re(r"^(Failed|Error): "),
    ),
    Symptom(
        "argocd-missing",
        "no `applications.argoproj.io` CRD in the cluster",
        "Argo CD is not installed in this cluster (or `--context` names another one)",
        "install Argo CD, or `--context` the cluster that runs it",
        Source.APPLICATION,
        _re(r"^NotServed$"),
    ),
    Symptom(
        "application-missing",
        "`argocd app get APP`: not found",
        "Argo CD has no such Application: nothing applied `argocd/apps/ENV.yaml`",
        "sync the root app (`argocd/root.yaml`), or `kubectl apply -n argocd -f argocd/apps/ENV.yaml`",
        Source.APPLICATION,
        _re(r"^NotFound$"),
    ),
    Symptom(
        "out-of-sync",
        "Application `OutOfSync`, no operation running",
        "the cluster differs from git and no sync is running",
        "`argocd app sync APP`, or enable `syncPolicy.automated`",
        Source.APPLICATION,
        _re(r"^OutOfSync$"),
        blocking=False,
    ),
)


@dataclass(frozen=True)
class Observation:
    source: Source
    about: str  # "pod NAME container C", "Job NS/NAME", "Application NS/NAME"
    text: str
    container: str = ""


@dataclass(frozen=True)
class Diagnosis:
    symptom: Symptom
    observation: Observation
    evidence: str  # the line that shows it (of a log: the matching line)

    @property
    def line(self) -> str:
        return f"{self.observation.about}: {self.evidence}"


def first_line(text: str, limit: int = 300) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def diagnose(observations: Iterable[Observation]) -> Iterator[Diagnosis]:
    """One diagnosis per observation a row recognises (the first row that does),
    each symptom once per object."""
    seen: set[tuple[str, str]] = set()
    for observation in observations:
        for symptom in SYMPTOMS:
            if symptom.source is not observation.source:
                continue
            if symptom.container is not None and not symptom.container.search(observation.container):
                continue
            lines = [line for line in observation.text.splitlines() if symptom.pattern.search(line)]
            if lines:
                if (symptom.id, observation.about) not in seen:
                    seen.add((symptom.id, observation.about))
                    yield Diagnosis(symptom, observation, first_line(lines[-1]))
                break


def troubleshooting_table() -> str:
    """The table docs/operations.md carries, rendered from ``SYMPTOMS``."""
    rows = ["| What `kubectl describe` or the logs show | Cause | Fix |", "|---|---|---|"]
    rows += [f"| {s.shows} | {s.cause} | {s.fix} |" for s in SYMPTOMS]
    return "\n".join(rows) + "\n"
