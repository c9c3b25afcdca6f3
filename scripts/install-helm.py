#!/usr/bin/env python3
"""Build the helm that the Helm-inflation tests run, once per version, with ``go
install`` from the helm.sh/helm/v3 module (the Go module proxy is what this machine
reaches; release downloads are not), cached outside the repository
($XDG_CACHE_HOME/adk-gitops/helm-vX.Y.Z). Prints the binary's path.

Helm 3, not the 4.3.1 Argo CD v3.6.1 ships (hack/tool-versions.sh): the pinned
kustomize (v5.6.0, in kubectl 1.33) checks helm with ``helm version -c --short``,
a flag helm 4 dropped; Argo CD pairs helm 4 with kustomize 5.8.3.

adk-gitops itself does not need helm: only a repository whose Argo CD sets
``kustomize.buildOptions: --enable-helm`` does (docs/security.md).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VERSION = "v3.22.1"
PACKAGE = f"helm.sh/helm/v3/cmd/helm@{VERSION}"
BUILD_TIMEOUT_S = 1800


def cached_binary() -> Path:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "adk-gitops" / f"helm-{VERSION}"


def main() -> int:
    target = cached_binary()
    if not target.is_file():
        go = shutil.which("go")
        if go is None:
            print("install-helm: no `go` on PATH", file=sys.stderr)
            return 1
        target.parent.mkdir(parents=True, exist_ok=True)
        print(f"--- building helm {VERSION} (cached at {target})", file=sys.stderr)
        with tempfile.TemporaryDirectory() as gobin:
            env = {**os.environ, "GOBIN": gobin, "CGO_ENABLED": "0", "GOFLAGS": "-trimpath"}
            subprocess.run(
                [go, "install", "-ldflags", "-s -w", PACKAGE], env=env, check=True, timeout=BUILD_TIMEOUT_S
            )
            partial = target.with_name(f"{target.name}.{os.getpid()}.part")
            shutil.copy2(Path(gobin) / "helm", partial)
            partial.replace(target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
