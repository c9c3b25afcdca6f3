#!/usr/bin/env python3
"""Build the real kube-apiserver and kube-controller-manager the cluster tests
run, once per version.

``tests/servers/kubernetes`` is a small Go module (one package per binary): ``k8s.io/kubernetes`` at a pinned
release, each ``k8s.io/*`` staging module replaced by its published ``v0.x``
(the kubernetes module's own go.mod points them at ./staging, which a module
download does not carry). The version variables of
``k8s.io/component-base/version`` are set by -ldflags so ``/version`` reports the
real release. Go 1.26 (``GOTOOLCHAIN=local``): Go 1.27's default jsonv2
experiment breaks the OpenAPI endpoint strict validation needs.

The binary is cached outside the repository, by version
($XDG_CACHE_HOME/adk-gitops/kube-apiserver-vX.Y.Z), so a second run does not
rebuild (a cold build takes several minutes on two cores). Prints one path per
line: kube-apiserver, then kube-controller-manager (``--version`` another release:
its kube-apiserver alone).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

CLUSTER = Path(__file__).resolve().parent.parent / "tests" / "servers"
# Each release the tests run: its Go module and the binaries built from it. The
# first is the tests' cluster (the API server and its controllers); the others
# are API servers alone, for the validation that changed between minors
# (tests/cluster/test_api_differential.py compares check with each).
RELEASES = {
    "v1.34.4": (CLUSTER / "kubernetes", ("kube-apiserver", "kube-controller-manager")),
    "v1.36.3": (CLUSTER / "kubernetes-v1.36", ("kube-apiserver",)),
}
DEFAULT = "v1.34.4"
BUILD_TIMEOUT_S = 1800


def cached_binary(name: str, version: str) -> Path:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "adk-gitops" / f"{name}-{version}"


def build(go: str, name: str, target: Path, version: str) -> None:
    module = RELEASES[version][0]
    major, minor = version.lstrip("v").split(".")[:2]
    version_pkg = "k8s.io/component-base/version"
    ldflags = " ".join(
        [
            "-s -w",
            f"-X {version_pkg}.gitVersion={version}",
            f"-X {version_pkg}.gitMajor={major}",
            f"-X {version_pkg}.gitMinor={minor}",
            f"-X {version_pkg}.gitTreeState=clean",
            f"-X {version_pkg}.buildDate=1970-01-01T00:00:00Z",
        ]
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    print(f"--- building {name} {version} (cached at {target})", file=sys.stderr)
    try:
        subprocess.run(
            [go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(partial), f"./{name}"],
            cwd=module,
            env=env,
            check=True,
            timeout=BUILD_TIMEOUT_S,
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--version", choices=sorted(RELEASES), default=DEFAULT)
    version = parser.parse_args().version
    binaries = RELEASES[version][1]
    targets = [cached_binary(name, version) for name in binaries]
    missing = [(name, target) for name, target in zip(binaries, targets, strict=True) if not target.is_file()]
    if missing:
        go = shutil.which("go")
        if go is None:
            print("install-apiserver: no `go` on PATH (Go 1.26 builds kube-apiserver)", file=sys.stderr)
            return 1
        for name, target in missing:
            build(go, name, target, version)
    for target in targets:
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
