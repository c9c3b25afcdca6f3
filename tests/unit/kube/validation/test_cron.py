"""CronJob schedules as robfig/cron v3's ParseStandard reads them (the API
server's parser), in its own words; time zones as validateTimeZone judges them."""

from __future__ import annotations

import pytest

from adk_gitops.kube.validation.cron import schedule_problem, time_zone_problem


@pytest.mark.parametrize(
    "spec",
    [
        "*/15 * * * *",
        "0 3 * * 1-5",
        "30 2 1-15/2 jan-mar MON-FRI",
        "? ? ? ? ?",
        "5/10 * * * *",
        "0 0 31 2 *",  # never fires, still parses
        "@daily",
        "@annually",
        "@every 1h30m",
        "@every 1.5h",
        "CRON_TZ=Europe/Berlin 0 * * * *",
    ],
)
def test_schedules_the_server_accepts(spec: str) -> None:
    assert schedule_problem(spec) is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty spec string"),
        ("every 5 minutes", "expected exactly 5 fields, found 3: ['every', '5', 'minutes']"),
        ("0 0 * * * *", "expected exactly 5 fields, found 6: ['0', '0', '*', '*', '*', '*']"),
        ("0 24 * * *", "end of range (24) above maximum (23): 24"),
        ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
        ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
        ("5-2 * * * *", "beginning of range (5) beyond end of range (2): 5-2"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
        ("1/2/3 * * * *", "too many slashes: 1/2/3"),
        ("jan * * * *", 'failed to parse int from jan: strconv.Atoi: parsing "jan": invalid syntax'),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("@every soon", "failed to parse duration @every soon: time: invalid duration 'soon'"),
        ("TZ=Mars/Olympus 0 * * * *", "provided bad location Mars/Olympus: unknown time zone Mars/Olympus"),
    ],
)
def test_schedules_the_server_rejects(spec: str, message: str) -> None:
    assert schedule_problem(spec) == message


@pytest.mark.parametrize(
    ("zone", "message"),
    [
        ("Europe/Berlin", None),
        ("UTC", None),
        ("Local", "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"),
        ("", "timeZone must be nil or non-empty string"),
        ("Mars/Olympus", "unknown time zone Mars/Olympus"),
    ],
)
def test_time_zones(zone: str, message: str | None) -> None:
    assert time_zone_problem(zone) == message
