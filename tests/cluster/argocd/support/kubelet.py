"""The kubelet's part, played by the test: no container runtime runs here, so for
each pod the real Job controller creates, this runs the pod's main container
*command* on this machine, with the environment the kubelet would build
(adk_gitops.adk.podenv: Secret keys, $(VAR) expansion) against the real PostgreSQL, and
reports the real exit code through the pod's status, as the kubelet does. Only
pods it is given a runner for are run; the others stay Pending (no node)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from adk_gitops.adk import podenv
from adk_gitops.errors import PodEnvError
from adk_gitops.kube.manifests import Resource
from tests.cluster.conftest import ApiServer

Runner = Callable[[podenv.PreparedProcess], int]  # runs the main container; its exit code


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TestKubelet:
    """Runs each new pod of a Job in ``namespace`` once, in the background."""

    __test__ = False  # not a pytest test class

    def __init__(self, server: ApiServer, namespace: str, runner: Runner) -> None:
        self._server = server
        self._namespace = namespace
        self._runner = runner
        self._done: set[str] = set()
        self.runs: list[tuple[str, int]] = []  # (pod name, exit code), in order
        self.errors: list[str] = []
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _kubectl(self, *args: str) -> str:
        done = self._server.kubectl("-n", self._namespace, *args)
        if done.returncode != 0:
            raise RuntimeError(done.stderr.strip())
        return done.stdout

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                pods = json.loads(self._kubectl("get", "pods", "-o", "json"))["items"]
                for pod in pods:
                    meta = pod["metadata"]
                    owned_by_job = any(o.get("kind") == "Job" for o in meta.get("ownerReferences", []))
                    if (
                        meta["uid"] in self._done
                        or not owned_by_job
                        or pod.get("status", {}).get("phase")
                        not in (
                            None,
                            "Pending",
                        )
                    ):
                        continue
                    if self._start(pod):
                        self._done.add(meta["uid"])
            except Exception as exc:  # reported by the test, never swallowed
                self.errors.append(f"{type(exc).__name__}: {exc}")
            self._stopping.wait(0.3)

    def _secrets(self) -> podenv.SecretStore:
        secrets = [Resource(s) for s in json.loads(self._kubectl("get", "secrets", "-o", "json"))["items"]]
        maps = [Resource(m) for m in json.loads(self._kubectl("get", "configmaps", "-o", "json"))["items"]]
        return podenv.SecretStore.from_resources(secrets, maps)

    def _start(self, pod: dict[str, Any]) -> bool:
        """Run the pod; False when its environment cannot be built yet (the kubelet
        reports CreateContainerConfigError and retries, as this does)."""
        name = pod["metadata"]["name"]
        started = _now()
        try:
            store = self._secrets()
            process = podenv.prepare(Resource(pod), store)
        except PodEnvError as exc:
            # What the kubelet reports when it cannot build the environment.
            self._waiting(
                pod, "CreateContainerConfigError", str(exc).removeprefix("CreateContainerConfigError: ")
            )
            return False
        self._status(pod, "Pending", None, started)  # the containers started
        code = self._runner(process)
        self.runs.append((name, code))
        self._status(pod, "Succeeded" if code == 0 else "Failed", code, started)
        return True

    def _container_statuses(self, pod: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        spec = pod["spec"]

        def entry(c: dict[str, Any]) -> dict[str, Any]:
            return {
                "name": c["name"],
                "image": c["image"],
                "imageID": "",
                "ready": False,
                "restartCount": 0,
                "state": state,
            }

        statuses: dict[str, Any] = {"containerStatuses": [entry(c) for c in spec["containers"]]}
        if spec.get("initContainers"):
            # The Cloud SQL proxy native sidecar cannot run here either: reported in the
            # same state as the main container (it exits 0 on SIGTERM, --exit-zero-on-sigterm).
            statuses["initContainerStatuses"] = [entry(c) for c in spec["initContainers"]]
        return statuses

    def _status(self, pod: dict[str, Any], phase: str, code: int | None, started: str) -> None:
        if code is None:
            state: dict[str, Any] = {"running": {"startedAt": started}}
        else:
            reason = "Completed" if code == 0 else "Error"
            state = {
                "terminated": {"exitCode": code, "reason": reason, "startedAt": started, "finishedAt": _now()}
            }
        status = {"phase": phase, "startTime": started, **self._container_statuses(pod, state)}
        self._kubectl(
            "patch", "pod", pod["metadata"]["name"], "--subresource=status", "--type=merge",
            "-p", json.dumps({"status": status}),
        )  # fmt: skip

    def _waiting(self, pod: dict[str, Any], reason: str, message: str) -> None:
        state = {"waiting": {"reason": reason, "message": message}}
        status = {"phase": "Pending", **self._container_statuses(pod, state)}
        self._kubectl(
            "patch", "pod", pod["metadata"]["name"], "--subresource=status", "--type=merge",
            "-p", json.dumps({"status": status}),
        )  # fmt: skip

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)
