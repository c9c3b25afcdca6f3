"""Deployments, Jobs and CronJobs as the API server validates them
(kubernetes/pkg/apis/apps/validation/validation.go ValidateDeploymentSpec;
pkg/apis/batch/validation/validation.go validateJobSpec, validateCronJobSpec).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from adk_gitops.kube import podspec
from adk_gitops.kube.validation import cron
from adk_gitops.kube.validation.common import ApiProblem
from adk_gitops.syntax import pointer

_PERCENT = re.compile("[0-9]+%")


def cron_job(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    name = podspec.mapping(body.get("metadata")).get("name")
    if isinstance(name, str) and len(name) > 52:  # its Jobs append 11 characters to it
        yield ApiProblem("/metadata/name", f"Invalid value: {name!r}: must be no more than 52 characters")
    spec = podspec.mapping(body.get("spec"))
    schedule = spec.get("schedule")
    zone = spec.get("timeZone")
    if isinstance(schedule, str):
        why = cron.schedule_problem(schedule)
        if why:
            yield ApiProblem("/spec/schedule", f"Invalid value: {schedule!r}: {why}")
        # Every minor rejects both; TZ alone is refused on create only from 1.29.
        elif "TZ" in schedule and zone is not None:
            yield ApiProblem(
                "/spec/schedule",
                f"Invalid value: {schedule!r}: cannot use both timeZone field and TZ or CRON_TZ in schedule",
            )
    if isinstance(zone, str):
        why = cron.time_zone_problem(zone)
        if why:
            yield ApiProblem("/spec/timeZone", f"Invalid value: {zone!r}: {why}")


def rolling_update(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    update = podspec.at_path(body, ("spec", "strategy", "rollingUpdate"))
    if not isinstance(update, Mapping):
        return
    for field in ("maxSurge", "maxUnavailable"):
        value = update.get(field)
        at = pointer("spec", "strategy", "rollingUpdate", field)
        if isinstance(value, str) and not _PERCENT.fullmatch(value):
            yield ApiProblem(
                at,
                f"Invalid value: {value!r}: a valid percent string must be a numeric string "
                "followed by an ending '%'",
            )
        elif isinstance(value, int) and value < 0:
            yield ApiProblem(at, f"Invalid value: {value}: must be greater than or equal to 0")
    if update.get("maxSurge") in (0, "0%") and update.get("maxUnavailable") in (0, "0%"):
        yield ApiProblem(
            pointer("spec", "strategy", "rollingUpdate", "maxUnavailable"),
            "Invalid value: may not be 0 when `maxSurge` is 0",
        )


def deployment(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    """apps/validation ValidateDeploymentSpec: the strategy's form and the deadlines."""
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return
    strategy = spec.get("strategy")
    if isinstance(strategy, Mapping) and strategy.get("type") == "Recreate" and strategy.get("rollingUpdate"):
        yield ApiProblem(
            "/spec/strategy/rollingUpdate",
            "Forbidden: may not be specified when strategy `type` is 'Recreate'",
        )
    deadline, ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds", 0)
    if (
        isinstance(deadline, int)
        and isinstance(ready, int)
        and not isinstance(deadline, bool)
        and deadline <= ready
    ):
        yield ApiProblem(
            "/spec/progressDeadlineSeconds",
            f"Invalid value: {deadline}: must be greater than minReadySeconds",
        )


def selector_matches(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    selector = podspec.at_path(body, ("spec", "selector"))
    if not isinstance(selector, Mapping):
        return  # the schema requires it
    match = selector.get("matchLabels")
    expressions = selector.get("matchExpressions")
    if not match and not expressions:
        yield ApiProblem("/spec/selector", "Invalid value: empty selector is invalid for deployment")
        return
    labels = podspec.at_path(body, ("spec", "template", "metadata", "labels"))
    labels = labels if isinstance(labels, Mapping) else {}
    if isinstance(match, Mapping) and any(labels.get(k) != v for k, v in match.items()):
        yield ApiProblem(
            "/spec/template/metadata/labels", "Invalid value: `selector` does not match template `labels`"
        )


def job(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return
    if spec.get("selector") is not None and spec.get("manualSelector") is not True:
        yield ApiProblem(
            "/spec/selector",
            "Invalid value: `selector` will be auto-generated (set manualSelector: true to set it)",
        )
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and not isinstance(deadline, bool) and deadline < 0:  # 0 is accepted
        yield ApiProblem(
            "/spec/activeDeadlineSeconds", f"Invalid value: {deadline}: must be greater than or equal to 0"
        )
    # Defaulting runs first: with parallelism unset too, completions becomes 1.
    if (
        spec.get("completionMode") == "Indexed"
        and spec.get("completions") is None
        and spec.get("parallelism") is not None
    ):
        yield ApiProblem("/spec/completions", "Required value: when completion mode is Indexed")
    policy = podspec.at_path(spec, ("template", "spec", "restartPolicy"))
    if spec.get("podFailurePolicy") is not None and policy != "Never":
        yield ApiProblem(
            "/spec/template/spec/restartPolicy",
            f'Invalid value: "{policy}": only "Never" is supported when podFailurePolicy is specified',
        )
