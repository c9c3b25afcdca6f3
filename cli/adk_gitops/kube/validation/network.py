"""CIDRs as the API server reads them: k8s.io/utils/net ParseCIDRSloppy (Service
loadBalancerSourceRanges, NetworkPolicy ipBlock), and from 1.36 the strict form
(StrictIPCIDRValidation, pkg/features/kube_features.go; apimachinery parseCIDR);
NetworkPolicy's ipBlock rules (pkg/apis/networking/validation/validation.go).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from adk_gitops.kube import podspec
from adk_gitops.kube.validation.common import ApiProblem
from adk_gitops.syntax import pointer


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


def network_policy(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
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
