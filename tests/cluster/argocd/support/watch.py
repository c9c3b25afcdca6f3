"""What the API server sees during a sync: watches of the kinds a sync creates,
each event recorded with the time it arrived (the order is the test's evidence;
the times only explain it)."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Event:
    at: float  # time.monotonic() when the event arrived
    type: str  # ADDED, MODIFIED, DELETED
    kind: str
    name: str
    uid: str
    body: dict[str, Any]

    def condition(self, type_: str) -> bool:
        """Whether the object's status holds condition ``type_`` with status True."""
        conditions = self.body.get("status", {}).get("conditions") or []
        return any(c.get("type") == type_ and c.get("status") == "True" for c in conditions)


# (kind, collection path); {ns} is the destination namespace.
COLLECTIONS = (
    ("Namespace", "/api/v1/namespaces"),
    ("ServiceAccount", "/api/v1/namespaces/{ns}/serviceaccounts"),
    ("ConfigMap", "/api/v1/namespaces/{ns}/configmaps"),
    ("Service", "/api/v1/namespaces/{ns}/services"),
    ("Pod", "/api/v1/namespaces/{ns}/pods"),
    ("Job", "/apis/batch/v1/namespaces/{ns}/jobs"),
    ("Deployment", "/apis/apps/v1/namespaces/{ns}/deployments"),
)


class Recorder:
    """Watches every collection above from now on, until stop()."""

    def __init__(self, url: str, token: str, namespace: str) -> None:
        self._host = urlsplit(url)
        self._token = token
        self._namespace = namespace
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._stopping = threading.Event()
        self._connections: list[http.client.HTTPSConnection] = []
        self._threads = [
            threading.Thread(target=self._watch, args=(kind, path.format(ns=namespace)), daemon=True)
            for kind, path in COLLECTIONS
        ]
        self._ready = threading.Barrier(len(self._threads) + 1)
        for thread in self._threads:
            thread.start()
        self._ready.wait(timeout=30)

    def _connection(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the test server's self-signed certificate, on loopback
        conn = http.client.HTTPSConnection(
            self._host.hostname or "", self._host.port, context=context, timeout=30
        )
        with self._lock:
            self._connections.append(conn)
        return conn

    def _get(self, path: str) -> http.client.HTTPResponse:
        conn = self._connection()
        conn.request("GET", path, headers={"Authorization": f"Bearer {self._token}"})
        response = conn.getresponse()
        if conn.sock is not None:
            conn.sock.settimeout(None)  # a watch stays quiet for as long as nothing changes
        return response

    def _watch(self, kind: str, path: str) -> None:
        listed = self._get(path)
        version = json.loads(listed.read())["metadata"]["resourceVersion"]
        stream = self._get(
            f"{path}?watch=1&allowWatchBookmarks=false&resourceVersion={version}&timeoutSeconds=600"
        )
        self._ready.wait(timeout=30)
        while not self._stopping.is_set():
            try:
                line = stream.readline()
            except Exception:  # http.client fails in several ways once stop() shuts the socket
                if self._stopping.is_set():
                    return
                raise
            if not line:
                return
            event = json.loads(line)
            obj = event["object"]
            meta = obj.get("metadata", {})
            if kind == "Namespace" and meta.get("name") != self._namespace:
                continue
            with self._lock:
                self._events.append(
                    Event(
                        time.monotonic(), event["type"], kind, meta.get("name", ""), meta.get("uid", ""), obj
                    )
                )

    def events(self) -> list[Event]:
        with self._lock:
            return sorted(self._events, key=lambda e: e.at)

    def created(self) -> list[tuple[str, str]]:
        """(kind, name) of each object, in the order it was created."""
        return [(e.kind, e.name) for e in self.events() if e.type == "ADDED"]

    def first(self, type_: str, kind: str, name: str = "") -> Event:
        for event in self.events():
            if event.type == type_ and event.kind == kind and (not name or event.name == name):
                return event
        raise AssertionError(
            f"no {type_} {kind} {name} in {[(e.type, e.kind, e.name) for e in self.events()]}"
        )

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            # shutdown() wakes a thread blocked in a read at once; close() alone waits
            # for the socket's timeout.
            if conn.sock is not None:
                with contextlib.suppress(OSError):
                    conn.sock.shutdown(socket.SHUT_RDWR)
            conn.close()
