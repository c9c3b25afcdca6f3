#!/usr/bin/env python3
"""Build the real kube-apiserver and kube-controller-manager the cluster tests
run, once per version.

``cluster/kubernetes`` is a small Go module (one package per binary): ``k8s.io/kubernetes`` at a pinned
release, each ``k8s.io/*`` staging module replaced by its published ``v0.x``
(the kubernetes module's own go.mod points them at ./staging, which a module
download does not carry). The version variables of
``k8s.io/component-base/version`` are set by -ldflags so ``/version`` reports the
real release. Go 1.26 (``GOTOOLCHAIN=local``): Go 1.27's default jsonv2
experiment breaks the OpenAPI endpoint strict validation needs.

The binary is cached outside the repository, by version
($XDG_CACHE_HOME/adk-gitops/kube-apiserver-vX.Y.Z), so a second run does not
rebuild (a cold build takes several minutes on two cores). Prints one path per
line: kube-apiserver, then kube-controller-manager.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = "v1.34.4"
MODULE = Path(__file__).resolve().parent.parent / "cluster" / "kubernetes"
BINARIES = ("kube-apiserver", "kube-controller-manager")
BUILD_TIMEOUT_S = 1800


def cached_binary(name: str) -> Path:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "adk-gitops" / f"{name}-{VERSION}"


def build(go: str, name: str, target: Path) -> None:
    major, minor = VERSION.lstrip("v").split(".")[:2]
    version_pkg = "k8s.io/component-base/version"
    ldflags = " ".join(
        [
            "-s -w",
            f"-X {version_pkg}.gitVersion={VERSION}",
            f"-X {version_pkg}.gitMajor={major}",
            f"-X {version_pkg}.gitMinor={minor}",
            f"-X {version_pkg}.gitTreeState=clean",
            f"-X {version_pkg}.buildDate=1970-01-01T00:00:00Z",
        ]
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}
    print(f"--- building {name} {VERSION} (cached at {target})", file=sys.stderr)
    try:
        subprocess.run(
            [go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(partial), f"./{name}"],
            cwd=MODULE,
            env=env,
            check=True,
            timeout=BUILD_TIMEOUT_S,
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def main() -> int:
    targets = [cached_binary(name) for name in BINARIES]
    missing = [(name, target) for name, target in zip(BINARIES, targets, strict=True) if not target.is_file()]
    if missing:
        go = shutil.which("go")
        if go is None:
            print("install-apiserver: no `go` on PATH (Go 1.26 builds kube-apiserver)", file=sys.stderr)
            return 1
        for name, target in missing:
            build(go, name, target)
    for target in targets:
        print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
