"""CronJob schedules and time zones as the API server parses them.

The server validates ``spec.schedule`` with robfig/cron v3's ``ParseStandard``
(kubernetes/pkg/apis/batch/validation/validation.go, validateScheduleFormat)
and ``spec.timeZone`` with Go's ``time.LoadLocation`` (validateTimeZone). This is
that parser, in its own error words (github.com/robfig/cron/v3, parser.go).
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class _Bounds:
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] is the value low + i

    def value(self, text: str) -> int:
        """parseIntOrName: a name (any case) or a non-negative decimal."""
        lowered = text.lower()
        if lowered in self.names:
            return self.low + self.names.index(lowered)
        return _atoi(text)


_FIELDS = (
    _Bounds(0, 59),  # minute
    _Bounds(0, 23),  # hour
    _Bounds(1, 31),  # day of month
    _Bounds(1, 12, ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    _Bounds(0, 6, ("sun", "mon", "tue", "wed", "thu", "fri", "sat")),  # day of week
)
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
# time.ParseDuration: [-+]? then one or more decimal numbers with a unit.
_DURATION = re.compile(r"[-+]?((\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h))+|[-+]?0")


class CronError(ValueError):
    pass


def _atoi(text: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", text):
        raise CronError(f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax')
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number


def _range(expr: str, bounds: _Bounds) -> None:
    """getRange: `*`, `?`, N, N-M, each optionally /STEP."""
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = bounds.low, bounds.high
    else:
        start = bounds.value(low_and_high[0])
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = bounds.value(low_and_high[1])
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 2:
        step = _atoi(range_and_step[1])
        if len(low_and_high) == 1:  # "N/step" means "N-max/step"
            end = bounds.high
    elif len(range_and_step) > 2:
        raise CronError(f"too many slashes: {expr}")
    else:
        step = 1
    if start < bounds.low:
        raise CronError(f"beginning of range ({start}) below minimum ({bounds.low}): {expr}")
    if end > bounds.high:
        raise CronError(f"end of range ({end}) above maximum ({bounds.high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")


def parse_standard(spec: str) -> None:
    """Raise CronError with robfig/cron's message if ``spec`` does not parse."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        space = spec.find(" ")
        name = spec[spec.index("=") + 1 : space if space >= 0 else len(spec)]
        if time_zone_problem(name, explicit=False):
            raise CronError(f"provided bad location {name}: unknown time zone {name}")
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return
        if spec.startswith("@every "):
            duration = spec.removeprefix("@every ")
            if not _DURATION.fullmatch(duration):
                raise CronError(f"failed to parse duration {spec}: time: invalid duration {duration!r}")
            return
        raise CronError(f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != len(_FIELDS):
        raise CronError(f"expected exactly {len(_FIELDS)} fields, found {len(fields)}: {fields}")
    for text, bounds in zip(fields, _FIELDS, strict=True):
        for expr in text.split(","):
            _range(expr, bounds)


def schedule_problem(spec: str) -> str | None:
    try:
        parse_standard(spec)
    except CronError as exc:
        return str(exc)
    return None


@cache
def _zones_known() -> bool:
    """Without tzdata nothing can be looked up: then nothing is judged."""
    return bool(zoneinfo.available_timezones())


def time_zone_problem(name: str, *, explicit: bool = True) -> str | None:
    """validateTimeZone: non-empty, not Local, and a zone LoadLocation knows."""
    if explicit and not name:
        return "timeZone must be nil or non-empty string"
    if explicit and name.lower() == "local":
        return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
    if name in ("", "UTC") or not _zones_known():
        return None
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return f"unknown time zone {name}"
    return None
