"""A pod template as the API server validates it (kubernetes/pkg/apis/core/validation/
validation.go: validateContainers, validateInitContainers, validateVolumes,
validateVolumeMounts, validateRestartPolicy, probes and security contexts).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from adk_gitops.kube import podspec
from adk_gitops.kube.manifests import Resource
from adk_gitops.kube.validation.common import INT32_MAX, ApiProblem, int_range, items, quantity_problem
from adk_gitops.kube.validation.names import dns1123_label, port_name
from adk_gitops.kube.validation.quantity import quantity
from adk_gitops.syntax import pointer

_PROBE_FIELDS = (
    "initialDelaySeconds",
    "timeoutSeconds",
    "periodSeconds",
    "successThreshold",
    "failureThreshold",
)
# User and group ids: validation.ValidateUserID / ValidateGroupID (0 to 2147483647).
_ID_FIELDS = ("runAsUser", "runAsGroup")


def _ids(context: Any, at: str, fields: tuple[str, ...]) -> Iterator[ApiProblem]:
    if not isinstance(context, Mapping):
        return
    for field in fields:
        why = int_range(context.get(field), 0, INT32_MAX)
        if why:
            yield ApiProblem(f"{at}/{field}", why)


def pod_syntax(spec: podspec.PodSpec) -> Iterator[ApiProblem]:
    # terminationGracePeriodSeconds is not judged: no minor rejects a negative value
    # (ValidatePodSpec only requires it; a negative one is accepted and later read as 1,
    # core/validation/validation.go ValidatePodUpdate).
    yield from _ids(
        spec.spec.get("securityContext"), pointer(*spec.path, "securityContext"), (*_ID_FIELDS, "fsGroup")
    )
    for i, volume in items(spec.spec.get("volumes")):
        name = volume.get("name")
        why = dns1123_label(name) if isinstance(name, str) and name else None
        if why:
            yield ApiProblem(pointer(*spec.path, "volumes", i, "name"), f"Invalid value: {name!r}: {why}")
        size = podspec.at_path(volume, ("emptyDir", "sizeLimit"))
        if size is not None:
            problem = quantity_problem(size, pointer(*spec.path, "volumes", i, "emptyDir", "sizeLimit"))
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
        for i, port in items(body.get("ports")):
            at = f"{container.pointer}/ports/{i}"
            for field, low in (("containerPort", 1), ("hostPort", 0)):
                why = int_range(port.get(field), low, 65535)
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
                problem = quantity_problem(value, f"{container.pointer}/resources/{group}/{resource}")
                if problem:
                    yield problem
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            for field in _PROBE_FIELDS:
                why = int_range(podspec.at_path(body, (probe, field)), 0, INT32_MAX)
                if why:
                    yield ApiProblem(f"{container.pointer}/{probe}/{field}", why)


INIT_RESTART_POLICY_REFUSED: tuple[int, int | None] = (29, 33)  # the minors that refuse OnFailure/Never


def pod_consistency(res: Resource, spec: podspec.PodSpec) -> Iterator[ApiProblem]:
    names: set[str] = set()
    volumes = {str(v.get("name")) for _, v in items(spec.spec.get("volumes"))}
    if res.kind == "StatefulSet":
        # The controller adds a volume per claim template to each pod, and the API server
        # validates the template with them (kubernetes pkg/apis/apps/validation/validation.go
        # volumesToAddForTemplates, v1.28 to v1.37).
        claims = res.body.get("spec", {}).get("volumeClaimTemplates")
        volumes |= {str((c.get("metadata") or {}).get("name")) for _, c in items(claims)}
    seen_volumes: set[str] = set()
    for i, volume in items(spec.spec.get("volumes")):
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
        for i, mount in items(body.get("volumeMounts")):
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
        for i, port in items(body.get("ports")):
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
        for i, var in items(body.get("env")):
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
