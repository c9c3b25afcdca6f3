"""What the Kubernetes API server rejects that a JSON schema cannot say: name and
label syntax, ranges that live in the server's code, quantities,
and the cross-field and uniqueness rules of the kinds this project renders.

Written from the server's own validation, in its words where possible:

- syntax: k8s.io/apimachinery/pkg/util/validation/validation.go
  (IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName,
  IsValidLabelValue, IsValidPortName, IsValidPortNum, IsInRange);
- quantities: k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity);
- pods: kubernetes/pkg/apis/core/validation/validation.go (validateContainers,
  validateInitContainers, validateVolumes, validateVolumeMounts,
  validateRestartPolicy, ValidateService);
- workloads: kubernetes/pkg/apis/apps/validation/validation.go
  (ValidateDeploymentSpec) and pkg/apis/batch/validation/validation.go
  (validateJobSpec; validateScheduleFormat and validateTimeZone, in validation/cron.py);
- CIDRs: k8s.io/utils/net ParseCIDRSloppy (Service loadBalancerSourceRanges,
  NetworkPolicy ipBlock).

Only rejections are modelled (never the server's warnings). A rejection that
changed between minors says the last minor it holds for (``until``), read from
that minor's source and feature gates (pkg/features/kube_features.go); the rules
report it only for a target version that still rejects. Findings are (pointer,
message) about one object.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.validation import cron
from adk_gitops.syntax import pointer

INT32_MAX = 2**31 - 1

_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_LABEL = re.compile(_LABEL)
_DNS1123_SUBDOMAIN = re.compile(rf"{_LABEL}(\.{_LABEL})*")
_DNS1035_LABEL = re.compile("[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_PORT_NAME = re.compile("[-a-z0-9]+")
_QUANTITY = re.compile(r"([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)")
_SUFFIXES = frozenset({"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "k", "M", "G", "T", "P", "E"})
_PERCENT = re.compile("[0-9]+%")


@dataclass(frozen=True)
class ApiProblem:
    pointer: str
    message: str
    until: int | None = None  # the last Kubernetes 1.x minor that rejects it; None: every minor
    since: int = 0  # the first minor that rejects it

    def holds_for(self, versions: Iterable[str]) -> bool:
        """Whether any of the target versions ("1.34") rejects it."""
        if self.until is None and not self.since:
            return True
        last = 10**6 if self.until is None else self.until
        return any(self.since <= _minor(v) <= last for v in versions)

    @property
    def worded(self) -> str:
        """The server's words, and the minors that say them when not all do."""
        if self.until is None and not self.since:
            return self.message
        if not self.since:
            return f"{self.message} (Kubernetes 1.{self.until} and earlier)"
        if self.until is None:
            return f"{self.message} (Kubernetes 1.{self.since} and later)"
        return f"{self.message} (Kubernetes 1.{self.since} to 1.{self.until})"


def _minor(version: str) -> int:
    _, _, minor = version.partition(".")
    return int(minor) if minor.isdigit() else 0


# --- syntax (validation.go) -------------------------------------------------------


def _name_syntax(value: str, most: int, pattern: re.Pattern[str], what: str) -> str | None:
    if len(value) > most:
        return f"must be no more than {most} characters"
    return None if pattern.fullmatch(value) else what


def dns1123_label(value: str) -> str | None:
    """Why ``value`` is no DNS-1123 label, or None (and so for the others)."""
    return _name_syntax(
        value, 63, _DNS1123_LABEL,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
        "and must start and end with an alphanumeric character",
    )  # fmt: skip


def dns1123_subdomain(value: str) -> str | None:
    return _name_syntax(
        value, 253, _DNS1123_SUBDOMAIN,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
        "and must start and end with an alphanumeric character",
    )  # fmt: skip


def dns1035_label(value: str) -> str | None:
    return _name_syntax(
        value, 63, _DNS1035_LABEL,
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
        "start with an alphabetic character, and end with an alphanumeric character",
    )  # fmt: skip


def qualified_name(value: str) -> str | None:
    """Label and annotation keys: an optional DNS subdomain prefix and '/', then a name."""
    prefix, _, name = value.rpartition("/")
    if "/" in value and (not prefix or dns1123_subdomain(prefix)):
        return "prefix part must be a lowercase RFC 1123 subdomain"
    if not name:
        return "name part must be non-empty"
    if len(name) > 63:
        return "name part must be no more than 63 characters"
    if not _QUALIFIED_NAME.fullmatch(name):
        return (
            "name part must consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return None


def label_value(value: str) -> str | None:
    if len(value) > 63:
        return "must be no more than 63 characters"
    if value and not _QUALIFIED_NAME.fullmatch(value):
        return (
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return None


def port_name(value: str) -> str | None:
    """IANA_SVC_NAME: at most 15 characters, lowercase alphanumerics and '-', a letter in it."""
    if len(value) > 15:
        return "must be no more than 15 characters"
    if not _PORT_NAME.fullmatch(value):
        return "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"
    if "--" in value:
        return "must not contain consecutive hyphens"
    if not re.search("[a-z]", value):
        return "must contain at least one letter (a-z)"
    if value.startswith("-") or value.endswith("-"):
        return "must not begin or end with a hyphen"
    return None


def quantity(value: Any) -> Decimal | None:
    """The value of a resource quantity (ParseQuantity), or None if it is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    match = _QUANTITY.fullmatch(value)
    if not match:
        return None
    number, suffix = match.groups()
    exponent = 0
    if suffix not in _SUFFIXES:
        exp = re.fullmatch(r"[eE]([-+]?[0-9]+)", suffix)
        if not exp:
            return None
        exponent = int(exp.group(1))
    try:
        amount = Decimal(number)
    except InvalidOperation:
        return None
    binary = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
    decimal = {"n": -9, "u": -6, "m": -3, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
    if suffix in binary:
        return amount * binary[suffix]
    return amount.scaleb(decimal.get(suffix, exponent))


# --- per object -------------------------------------------------------------------

# How each kind's metadata.name is validated: a DNS-1123 label (ValidateNamespaceName),
# else a DNS-1123 subdomain. Kinds not listed (RBAC allows ':' and capitals, custom
# resources vary) are not judged. A Service's name is a DNS-1123 label too, and up to
# 1.35 also a DNS-1035 label (no leading digit): RelaxedServiceNameValidation is on by
# default from 1.36 (kube_features.go; core/validation/validation.go ValidateService).
SERVICE_NAME_DNS1035_UNTIL = 35
_NAME_RULES = {
    "Namespace": dns1123_label,
    "Service": dns1123_label,
    **dict.fromkeys(
        ("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ConfigMap", "Secret",
         "ServiceAccount", "PersistentVolumeClaim", "Application", "AppProject", "ApplicationSet"),
        dns1123_subdomain,
    ),
}  # fmt: skip
# Enums are the schemas' (kubernetes-enums.json, the server's own OpenAPI v3 values).
# Non-negative int32 counts: (kind, path).
_COUNTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Deployment", ("spec", "replicas")),
    ("Deployment", ("spec", "minReadySeconds")),
    ("Deployment", ("spec", "revisionHistoryLimit")),
    ("StatefulSet", ("spec", "replicas")),
    ("Job", ("spec", "parallelism")),
    ("Job", ("spec", "completions")),
    ("Job", ("spec", "backoffLimit")),
    ("Job", ("spec", "ttlSecondsAfterFinished")),
)
_PROBE_FIELDS = (
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
)


def _items(node: Any) -> list[tuple[int, Mapping[str, Any]]]:
    return [(i, v) for i, v in enumerate(node) if isinstance(v, Mapping)] if isinstance(node, list) else []


def _int_range(value: Any, low: int, high: int) -> str | None:
    """The server's range for a field; a number its Go type cannot hold (int32
    overflow) is the schema's to report (``format: int32`` bounds)."""
    if isinstance(value, int) and not isinstance(value, bool) and not low <= value <= high:
        if not -(2**31) <= value <= INT32_MAX and high <= INT32_MAX:
            return None
        return f"Invalid value: {value}: must be between {low} and {high}, inclusive"
    return None


def syntax_problems(res: Resource) -> Iterator[ApiProblem]:
    """Names, label syntax, enums, ranges and quantities of one object."""
    meta = res.body.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    name = meta.get("name")
    rule = _NAME_RULES.get(res.kind)
    if isinstance(name, str) and name and rule is not None:
        why = rule(name)
        if why:
            yield ApiProblem("/metadata/name", f"Invalid value: {name!r}: {why}")
        elif res.kind == "Service" and (why := dns1035_label(name)):
            yield ApiProblem("/metadata/name", f"Invalid value: {name!r}: {why}", SERVICE_NAME_DNS1035_UNTIL)
    yield from _labels(meta, ("metadata",))
    for kind, path in _COUNTS:
        if res.kind == kind:
            why = _int_range(podspec.at_path(res.body, path), 0, INT32_MAX)
            if why:
                yield ApiProblem(pointer(*path), why)
    if res.kind == "Deployment":
        yield from _rolling_update(res.body)
    if res.kind == "Service":
        yield from _service_syntax(res.body)
    if res.kind == "Namespace":
        yield from _pod_security_labels(meta)
    if res.kind == "CronJob":
        yield from _cron_job(res.body)
    if res.kind == "NetworkPolicy":
        yield from _network_policy(res.body)
    template_path = podspec.POD_SPEC_PATHS.get(res.kind, ())[:-1]
    if template_path:  # a workload's pod template (a Pod's own metadata was checked above)
        yield from _labels(
            podspec.at_path(res.body, (*template_path, "metadata")), (*template_path, "metadata")
        )
    spec = podspec.pod_spec(res) if res.kind in podspec.BUILTIN_POD_KINDS else None
    if spec is not None:
        yield from _pod_syntax(spec)


def _labels(meta: Any, at: tuple[str, ...]) -> Iterator[ApiProblem]:
    if not isinstance(meta, Mapping):
        return
    for field in ("labels", "annotations"):
        entries = meta.get(field)
        if not isinstance(entries, Mapping):
            continue
        for key, value in entries.items():
            why = qualified_name(str(key))
            if why:
                yield ApiProblem(pointer(*at, field, str(key)), f"Invalid value: {str(key)!r}: {why}")
            elif field == "labels" and isinstance(value, str):
                why = label_value(value)
                if why:
                    yield ApiProblem(pointer(*at, field, str(key)), f"Invalid value: {value!r}: {why}")


def _cron_job(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
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


def cidr_problem(value: str) -> str | None:
    """ParseCIDRSloppy: an IPv4 or IPv6 network, host bits allowed, leading zeros
    in IPv4 octets tolerated (the legacy parser the server keeps for these fields)."""
    if "/" not in value:
        return f"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64): {value}"
    try:
        _network(value)
    except ValueError:
        return f"must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64): {value}"
    return None


# StrictIPCIDRValidation: beta and on by default from 1.36 (pkg/features/kube_features.go),
# when the legacy CIDR fields take only strict forms: apimachinery's
# pkg/util/validation/ip.go parseCIDR(strictValidation=true).
STRICT_CIDR_SINCE = 36


def strict_cidr_problem(value: str) -> str | None:
    """Why a CIDR the sloppy parser takes is refused by strict validation (1.36 on):
    leading zeros, an IPv4-mapped IPv6 address, or bits set beyond the prefix length."""
    address, _, prefix = value.partition("/")
    leading_zero = (prefix.startswith("0") and prefix != "0") or (
        "." in address and any(len(part) > 1 and part.startswith("0") for part in address.split("."))
    )
    if leading_zero:
        return "must not have leading 0s in IP or prefix length"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "must not have leading 0s in IP or prefix length"  # netip.ParsePrefix refuses it
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return "must not have an IPv4-mapped IPv6 address"
    if _network(value).network_address != ip:
        return "must not have bits set beyond the prefix length"
    return None


def cidr_problems(value: str, at: str) -> Iterator[ApiProblem]:
    """A legacy CIDR field's problems: every minor's (ParseCIDRSloppy), then 1.36's strict ones."""
    why = cidr_problem(value)
    if why:
        yield ApiProblem(at, f"Invalid value: {value!r}: {why}")
    elif strict := strict_cidr_problem(value):
        yield ApiProblem(at, f"Invalid value: {value!r}: {strict}", since=STRICT_CIDR_SINCE)


def _network(value: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    address, _, prefix = value.partition("/")
    if "." in address and ":" not in address:
        address = ".".join(part.lstrip("0") or "0" for part in address.split("."))
    return ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def _strict_subset(inner: str, outer: str) -> bool:
    """ValidateIPBlock: the outer network holds the inner one's address, with a shorter prefix."""
    small, large = _network(inner), _network(outer)
    return (
        small.version == large.version
        and small.network_address in large
        and large.prefixlen < small.prefixlen
    )


def _network_policy(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    spec = podspec.mapping(body.get("spec"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(podspec.mappings(spec.get(direction))):
            for j, peer in enumerate(podspec.mappings(rule.get(peers))):
                block = podspec.mapping(peer.get("ipBlock"))
                at = ("spec", direction, i, peers, j, "ipBlock")
                cidr = block.get("cidr")
                if isinstance(cidr, str):
                    found = list(cidr_problems(cidr, pointer(*at, "cidr")))
                    yield from found
                    if any(not p.since for p in found):
                        continue
                excepts = block.get("except")
                for k, value in enumerate(excepts if isinstance(excepts, list) else []):
                    if not isinstance(value, str):
                        continue
                    found = list(cidr_problems(value, pointer(*at, "except", k)))
                    yield from found
                    parsed = all(p.since for p in found)  # every minor's parser took it
                    if parsed and isinstance(cidr, str) and not _strict_subset(value, cidr):
                        why = "must be a strict subset of `cidr`"
                        yield ApiProblem(pointer(*at, "except", k), f"Invalid value: {value!r}: {why}")


# pod-security-admission/api: a level and a version ("latest" or "v1.N") per mode.
PSA_PREFIX = "pod-security.kubernetes.io/"
_PSA_LEVELS = ("privileged", "baseline", "restricted")
_PSA_VERSION = re.compile(r"latest|v1\.(0|[1-9][0-9]*)")


def _pod_security_labels(meta: Mapping[str, Any]) -> Iterator[ApiProblem]:
    """The namespace labels Pod Security admission refuses (api/helpers.go ParseLevel, ParseVersion)."""
    labels = meta.get("labels")
    if not isinstance(labels, Mapping):
        return
    for mode in ("enforce", "audit", "warn"):
        at = ("metadata", "labels")
        level = labels.get(PSA_PREFIX + mode)
        if isinstance(level, str) and level not in _PSA_LEVELS:
            yield ApiProblem(
                pointer(*at, PSA_PREFIX + mode),
                f'Invalid value: "{level}": must be one of {", ".join(_PSA_LEVELS)}',
            )
        version = labels.get(f"{PSA_PREFIX}{mode}-version")
        if isinstance(version, str) and not _PSA_VERSION.fullmatch(version):
            yield ApiProblem(
                pointer(*at, f"{PSA_PREFIX}{mode}-version"),
                f'Invalid value: "{version}": must be "latest" or of the form v1.N',
            )


def _rolling_update(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
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


def _service_syntax(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return
    ranges = spec.get("loadBalancerSourceRanges")
    for i, value in enumerate(ranges if isinstance(ranges, list) else []):
        if isinstance(value, str):
            yield from cidr_problems(value.strip(), pointer("spec", "loadBalancerSourceRanges", i))
    for i, port in _items(spec.get("ports")):
        for field, low in (("port", 1), ("nodePort", 0)):
            why = _int_range(port.get(field), low, 65535)
            if why:
                yield ApiProblem(pointer("spec", "ports", i, field), why)
        yield from _named_port(port.get("name"), ("spec", "ports", i, "name"), dns=True)
        target = port.get("targetPort")
        if isinstance(target, str):
            yield from _named_port(target, ("spec", "ports", i, "targetPort"))
        else:  # 0 is accepted: defaulted to `port`
            why = _int_range(target, 0, 65535)
            if why:
                yield ApiProblem(pointer("spec", "ports", i, "targetPort"), why)


def _named_port(value: Any, at: tuple[str | int, ...], *, dns: bool = False) -> Iterator[ApiProblem]:
    """Service port names are DNS-1123 labels; container port names and named
    target ports are IANA service names."""
    if not isinstance(value, str) or not value:
        return
    why = dns1123_label(value) if dns else port_name(value)
    if why:
        yield ApiProblem(pointer(*at), f"Invalid value: {value!r}: {why}")


def _quantity_problem(value: Any, at: str) -> ApiProblem | None:
    parsed = quantity(value)
    if parsed is None:
        return ApiProblem(
            at, f"Invalid value: {value!r}: quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        )  # fmt: skip
    if parsed < 0:
        return ApiProblem(at, f"Invalid value: {value!r}: must be greater than or equal to 0")
    return None


# User and group ids: validation.ValidateUserID / ValidateGroupID (0 to 2147483647).
_ID_FIELDS = ("runAsUser", "runAsGroup")


def _ids(context: Any, at: str, fields: tuple[str, ...]) -> Iterator[ApiProblem]:
    if not isinstance(context, Mapping):
        return
    for field in fields:
        why = _int_range(context.get(field), 0, INT32_MAX)
        if why:
            yield ApiProblem(f"{at}/{field}", why)


def _pod_syntax(spec: podspec.PodSpec) -> Iterator[ApiProblem]:
    # terminationGracePeriodSeconds is not judged: no minor rejects a negative value
    # (ValidatePodSpec only requires it; a negative one is accepted and later read as 1,
    # core/validation/validation.go ValidatePodUpdate).
    yield from _ids(
        spec.spec.get("securityContext"), pointer(*spec.path, "securityContext"), (*_ID_FIELDS, "fsGroup")
    )
    for i, volume in _items(spec.spec.get("volumes")):
        name = volume.get("name")
        why = dns1123_label(name) if isinstance(name, str) and name else None
        if why:
            yield ApiProblem(pointer(*spec.path, "volumes", i, "name"), f"Invalid value: {name!r}: {why}")
        size = podspec.at_path(volume, ("emptyDir", "sizeLimit"))
        if size is not None:
            problem = _quantity_problem(size, pointer(*spec.path, "volumes", i, "emptyDir", "sizeLimit"))
            if problem:
                yield problem
    for container in podspec.containers(spec):
        body = container.body
        yield from _ids(body.get("securityContext"), f"{container.pointer}/securityContext", _ID_FIELDS)
        name = body.get("name")
        if isinstance(name, str) and name:
            why = dns1123_label(name)
            if why:
                yield ApiProblem(f"{container.pointer}/name", f"Invalid value: {name!r}: {why}")
        for i, port in _items(body.get("ports")):
            at = f"{container.pointer}/ports/{i}"
            for field, low in (("containerPort", 1), ("hostPort", 0)):
                why = _int_range(port.get(field), low, 65535)
                if why:
                    yield ApiProblem(f"{at}/{field}", why)
            name = port.get("name")
            if isinstance(name, str) and name:
                why = port_name(name)
                if why:
                    yield ApiProblem(f"{at}/name", f"Invalid value: {name!r}: {why}")
        for group in ("requests", "limits"):
            amounts = podspec.at_path(body, ("resources", group))
            if not isinstance(amounts, Mapping):
                continue
            for resource, value in amounts.items():
                problem = _quantity_problem(value, f"{container.pointer}/resources/{group}/{resource}")
                if problem:
                    yield problem
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            for field in _PROBE_FIELDS:
                why = _int_range(podspec.at_path(body, (probe, field)), 0, INT32_MAX)
                if why:
                    yield ApiProblem(f"{container.pointer}/{probe}/{field}", why)


INIT_RESTART_POLICY_REFUSED: tuple[int, int | None] = (29, 33)  # the minors that refuse OnFailure/Never


def consistency_problems(res: Resource) -> Iterator[ApiProblem]:
    """Required fields, cross-field and uniqueness rules of one object."""
    spec = podspec.pod_spec(res) if res.kind in podspec.BUILTIN_POD_KINDS else None
    if spec is not None:
        yield from _pod_consistency(res, spec)
    if res.kind == "Deployment":
        yield from _selector_matches(res.body)
        yield from _deployment(res.body)
    if res.kind == "Job":
        yield from _job(res.body)
    if res.kind == "Service":
        yield from _service_consistency(res.body)


def _pod_consistency(res: Resource, spec: podspec.PodSpec) -> Iterator[ApiProblem]:
    names: set[str] = set()
    volumes = {str(v.get("name")) for _, v in _items(spec.spec.get("volumes"))}
    if res.kind == "StatefulSet":
        # The controller adds a volume per claim template to each pod, and the API server
        # validates the template with them (kubernetes pkg/apis/apps/validation/validation.go
        # volumesToAddForTemplates, v1.28 to v1.37).
        claims = res.body.get("spec", {}).get("volumeClaimTemplates")
        volumes |= {str((c.get("metadata") or {}).get("name")) for _, c in _items(claims)}
    seen_volumes: set[str] = set()
    for i, volume in _items(spec.spec.get("volumes")):
        vname = str(volume.get("name"))
        if vname in seen_volumes:
            yield ApiProblem(pointer(*spec.path, "volumes", i, "name"), f'Duplicate value: "{vname}"')
        seen_volumes.add(vname)
    for container in podspec.containers(spec):
        body = container.body
        name = body.get("name")
        if isinstance(name, str) and name:
            if name in names:
                yield ApiProblem(f"{container.pointer}/name", f'Duplicate value: "{name}"')
            names.add(name)
        if not body.get("image"):
            yield ApiProblem(f"{container.pointer}/image", "Required value")
        # A regular container's restartPolicy is not judged: v1.34.4 accepts `Always` there
        # (tests/cluster/test_mutation_corpus.py; container restart rules are changing upstream).
        policy = body.get("restartPolicy")
        if container.init and policy not in (None, "Always"):
            # `OnFailure` and `Never` are refused from 1.29 to 1.33 only: 1.28 drops an init
            # container's restartPolicy (SidecarContainers off), 1.34 drops any but `Always`
            # (ContainerRestartRules off, pkg/api/pod/util.go dropContainerRestartRules), and
            # 1.35 turns ContainerRestartRules on (validateInitContainerRestartPolicy).
            if policy in ("OnFailure", "Never"):
                since, until = INIT_RESTART_POLICY_REFUSED
                supported = '"Always"'
            else:
                since, until, supported = 0, None, '"Always", "Never", "OnFailure"'
            yield ApiProblem(
                f"{container.pointer}/restartPolicy",
                f'Unsupported value: "{policy}": supported values: {supported}',
                until,
                since,
            )
        if container.init and policy != "Always":
            for field in ("lifecycle", "livenessProbe", "readinessProbe", "startupProbe"):
                if body.get(field) is not None:
                    yield ApiProblem(
                        f"{container.pointer}/{field}",
                        "Forbidden: may not be set for init containers without restartPolicy=Always",
                    )
        mounts: set[str] = set()
        for i, mount in _items(body.get("volumeMounts")):
            at = f"{container.pointer}/volumeMounts/{i}"
            mounted = mount.get("name")
            if isinstance(mounted, str) and mounted not in volumes:
                yield ApiProblem(f"{at}/name", f'Not found: "{mounted}"')
            path = mount.get("mountPath")
            if isinstance(path, str):
                if path in mounts:
                    yield ApiProblem(f"{at}/mountPath", "Invalid value: must be unique")
                mounts.add(path)
        ports: set[str] = set()
        for i, port in _items(body.get("ports")):
            pname = port.get("name")
            if isinstance(pname, str) and pname:
                if pname in ports:
                    yield ApiProblem(f"{container.pointer}/ports/{i}/name", f'Duplicate value: "{pname}"')
                ports.add(pname)
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            handlers = body.get(probe)
            if not isinstance(handlers, Mapping):
                continue
            given = [h for h in _PROBE_HANDLERS if handlers.get(h) is not None]
            if len(given) != 1:
                yield ApiProblem(
                    f"{container.pointer}/{probe}",
                    "Required value: must specify a handler type"
                    if not given
                    else f"Forbidden: may not specify more than 1 handler type ({', '.join(given)})",
                )
        for i, var in _items(body.get("env")):
            if var.get("value") not in (None, "") and var.get("valueFrom") is not None:
                yield ApiProblem(
                    f"{container.pointer}/env/{i}/valueFrom",
                    "Invalid value: may not be specified when `value` is not empty",
                )
        for field in ("cpu", "memory"):
            request = quantity(podspec.at_path(body, ("resources", "requests", field)))
            limit = quantity(podspec.at_path(body, ("resources", "limits", field)))
            if request is not None and limit is not None and request > limit:
                yield ApiProblem(
                    f"{container.pointer}/resources/requests/{field}",
                    f"Invalid value: must be less than or equal to {field} limit",
                )
    policy = spec.spec.get("restartPolicy")
    at = pointer(*spec.path, "restartPolicy")
    if res.kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet") and policy not in (
        None,
        "Always",
    ):
        yield ApiProblem(at, f'Unsupported value: "{policy}": supported values: "Always"')
    if res.kind in ("Job", "CronJob") and policy not in ("OnFailure", "Never"):
        yield ApiProblem(
            at,
            "Required value: valid values: OnFailure, Never"
            if policy is None
            else f'Unsupported value: "{policy}": supported values: "OnFailure", "Never"',
        )


_PROBE_HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


def _deployment(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
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


def _selector_matches(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
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


def _job(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
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


def _service_consistency(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return
    kind = spec.get("type", "ClusterIP")
    ports = _items(spec.get("ports"))
    headless = spec.get("clusterIP") == "None"
    if kind != "ExternalName" and not ports and not headless:
        yield ApiProblem("/spec/ports", "Required value")
    if kind == "ExternalName" and not spec.get("externalName"):
        yield ApiProblem("/spec/externalName", "Required value")
    if kind in ("LoadBalancer", "NodePort") and headless:
        yield ApiProblem(
            "/spec/clusterIP", f"Invalid value: \"None\": may not be set to 'None' for {kind} services"
        )
    if kind == "ClusterIP":
        for i, port in ports:
            if port.get("nodePort") not in (None, 0):
                yield ApiProblem(
                    pointer("spec", "ports", i, "nodePort"),
                    "Forbidden: may not be used when `type` is 'ClusterIP'",
                )
    names: set[str] = set()
    endpoints: set[tuple[Any, Any]] = set()
    for i, port in ports:
        name = port.get("name")
        if len(ports) > 1 and not name:
            yield ApiProblem(pointer("spec", "ports", i, "name"), "Required value")
        if isinstance(name, str) and name:
            if name in names:
                yield ApiProblem(pointer("spec", "ports", i, "name"), f'Duplicate value: "{name}"')
            names.add(name)
        key = (port.get("port"), port.get("protocol", "TCP"))
        if key in endpoints:
            yield ApiProblem(pointer("spec", "ports", i), f"Duplicate value: port {key[0]}/{key[1]}")
        endpoints.add(key)
