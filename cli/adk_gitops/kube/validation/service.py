"""Services as the API server validates them (kubernetes/pkg/apis/core/validation/
validation.go ValidateService).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from adk_gitops.kube.validation.common import ApiProblem, int_range, items, named_port
from adk_gitops.kube.validation.network import cidr_problems
from adk_gitops.syntax import pointer


def service_syntax(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return
    ranges = spec.get("loadBalancerSourceRanges")
    for i, value in enumerate(ranges if isinstance(ranges, list) else []):
        if isinstance(value, str):
            yield from cidr_problems(value.strip(), pointer("spec", "loadBalancerSourceRanges", i))
    for i, port in items(spec.get("ports")):
        for field, low in (("port", 1), ("nodePort", 0)):
            why = int_range(port.get(field), low, 65535)
            if why:
                yield ApiProblem(pointer("spec", "ports", i, field), why)
        yield from named_port(port.get("name"), ("spec", "ports", i, "name"), dns=True)
        target = port.get("targetPort")
        if isinstance(target, str):
            yield from named_port(target, ("spec", "ports", i, "targetPort"))
        else:  # 0 is accepted: defaulted to `port`
            why = int_range(target, 0, 65535)
            if why:
                yield ApiProblem(pointer("spec", "ports", i, "targetPort"), why)


def service_consistency(body: Mapping[str, Any]) -> Iterator[ApiProblem]:
    spec = body.get("spec")
    if not isinstance(spec, Mapping):
        return
    kind = spec.get("type", "ClusterIP")
    ports = items(spec.get("ports"))
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
