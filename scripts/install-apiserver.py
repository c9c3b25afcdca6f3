#!/usr/bin/env python3
"""Build the real kube-apiserver the cluster tests run, once per version.

``cluster/kube-apiserver`` is a small Go module: ``k8s.io/kubernetes`` at a pinned
release, each ``k8s.io/*`` staging module replaced by its published ``v0.x``
(the kubernetes module's own go.mod points them at ./staging, which a module
download does not carry). The version variables of
``k8s.io/component-base/version`` are set by -ldflags so ``/version`` reports the
real release. Go 1.26 (``GOTOOLCHAIN=local``): Go 1.27's default jsonv2
experiment breaks the OpenAPI endpoint strict validation needs.

The binary is cached outside the repository, by version
($XDG_CACHE_HOME/adk-gitops/kube-apiserver-vX.Y.Z), so a second run does not
rebuild (a cold build takes several minutes on two cores). Prints its path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = "v1.34.4"
MODULE = Path(__file__).resolve().parent.parent / "cluster" / "kube-apiserver"
BUILD_TIMEOUT_S = 1800


def cached_binary() -> Path:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "adk-gitops" / f"kube-apiserver-{VERSION}"


def main() -> int:
    target = cached_binary()
    if target.is_file():
        print(target)
        return 0
    go = shutil.which("go")
    if go is None:
        print("install-apiserver: no `go` on PATH (Go 1.26 builds kube-apiserver)", file=sys.stderr)
        return 1
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
    print(f"--- building kube-apiserver {VERSION} (cached at {target})", file=sys.stderr)
    try:
        subprocess.run(
            [go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(partial), "."],
            cwd=MODULE,
            env=env,
            check=True,
            timeout=BUILD_TIMEOUT_S,
        )
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
