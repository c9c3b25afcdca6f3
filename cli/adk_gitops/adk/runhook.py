"""``run-hook``: a rendered migration Job's container, prepared to run on this
machine as its pod would (the pod environment of ``podenv``), with Secret values read
from files the user names (never from git) and kept out of everything shown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from adk_gitops import bounded
from adk_gitops.adk import podenv
from adk_gitops.errors import PodEnvError
from adk_gitops.kube.manifests import Resource, load_stream
from adk_gitops.redact import MASK, safe

MIN_MASKED = 4  # shorter Secret values would mask ordinary words


@dataclass(frozen=True)
class HookRun:
    workload: Resource
    process: podenv.PreparedProcess
    secret_values: frozenset[str]

    def announced(self) -> str:
        """What is about to run, with any argument holding a Secret value redacted."""
        shown = [
            "<redacted>" if any(s in arg for s in self.secret_values) else arg for arg in self.process.argv
        ]
        return f"running {self.workload.id} container {self.process.container}: {' '.join(shown)}"

    def hidden(self, text: str) -> str:
        """The migration's own output, relayed: its Secret values, passwords and URL
        userinfo masked (a driver error may quote the URL), controls shown (redact.py)."""
        for value in sorted(self.secret_values, key=len, reverse=True):
            if len(value) >= MIN_MASKED:
                text = text.replace(value, MASK)
        return safe(text, newlines=True)


def secrets_from(files: Sequence[Path]) -> list[Resource]:
    """The Secrets in the files given with --secret-file; one line when one is unreadable."""
    secrets: list[Resource] = []
    for file in files:
        try:
            secrets.extend(load_stream(bounded.read_text(file, bounded.MAX_CONFIG_BYTES), source=str(file)))
        except OSError as exc:
            raise PodEnvError(f"{file}: cannot read: {exc.strerror}") from None
        except UnicodeDecodeError as exc:
            raise PodEnvError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    return secrets


def prepare(
    resources: Sequence[Resource], secret_files: Sequence[Path], job: str | None, container: str | None
) -> HookRun:
    """The Job ``job`` (the one migration Job when None) of ``resources``, its container
    ready to run with the environment its pod would get."""
    store = podenv.SecretStore.from_resources(secrets_from(secret_files), resources)
    workload = podenv.find_workload(resources, "Job", job)
    process = podenv.prepare(workload, store, container)
    values = frozenset(v for values in store.secrets.values() for v in values.values() if v)
    return HookRun(workload, process, values)
