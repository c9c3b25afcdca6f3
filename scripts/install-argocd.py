#!/usr/bin/env python3
"""Build the real Argo CD components the real-Argo CD tests run, once per version.

``tests/servers/argocd`` is a small Go module: ``github.com/argoproj/argo-cd/v3`` at a
pinned release with argo-cd's own ``replace`` block, and a ``main`` that starts
the application-controller, the repo-server or the git credential helper by the
name it runs under (as Argo CD's image does). argo-cd v3.6.1 declares
``go 1.27.0``, so this one build runs with ``GOTOOLCHAIN=go1.27.3`` (fetched from
the Go module proxy by the ``go`` command itself); the kube-apiserver build stays
on the machine's Go 1.26.

Cached outside the repository by version ($XDG_CACHE_HOME/adk-gitops/argocd-v3.6.1/):
the binary, under each component's name, and argo-cd's ``hack/git-verify-wrapper.sh``
and ``hack/gpg-wrapper.sh`` (the repo-server runs them for every manifest
generation), its CRDs and its base configuration, taken from the same module
download. A cold build takes ~15 minutes on two cores. Prints the cache folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = "v3.6.1"
TOOLCHAIN = "go1.27.3"
MODULE = Path(__file__).resolve().parent.parent / "tests" / "servers" / "argocd"
UPSTREAM = "github.com/argoproj/argo-cd/v3"
COMPONENTS = ("argocd-application-controller", "argocd-repo-server", "argocd-git-ask-pass")
# What the repo-server and the tests take from the module besides the binary.
FILES = {
    "hack/git-verify-wrapper.sh": "bin/git-verify-wrapper.sh",
    "hack/gpg-wrapper.sh": "bin/gpg-wrapper.sh",
    "manifests/crds/application-crd.yaml": "manifests/application-crd.yaml",
    "manifests/crds/appproject-crd.yaml": "manifests/appproject-crd.yaml",
    "manifests/crds/applicationset-crd.yaml": "manifests/applicationset-crd.yaml",
    "manifests/base/config/argocd-cm.yaml": "manifests/argocd-cm.yaml",
    "manifests/base/config/argocd-cmd-params-cm.yaml": "manifests/argocd-cmd-params-cm.yaml",
    "manifests/base/config/argocd-rbac-cm.yaml": "manifests/argocd-rbac-cm.yaml",
    "manifests/base/config/argocd-secret.yaml": "manifests/argocd-secret.yaml",
    "manifests/base/config/argocd-ssh-known-hosts-cm.yaml": "manifests/argocd-ssh-known-hosts-cm.yaml",
    "manifests/base/config/argocd-tls-certs-cm.yaml": "manifests/argocd-tls-certs-cm.yaml",
    "manifests/base/config/argocd-gpg-keys-cm.yaml": "manifests/argocd-gpg-keys-cm.yaml",
}
BUILD_TIMEOUT_S = 3600


def cache_dir() -> Path:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache_home / "adk-gitops" / f"argocd-{VERSION}"


def _go_env() -> dict[str, str]:
    return {**os.environ, "GOTOOLCHAIN": TOOLCHAIN, "GOFLAGS": "-mod=readonly", "CGO_ENABLED": "0"}


def _module_dir(go: str) -> Path:
    """argo-cd's module as the Go command downloaded it (hash-checked against go.sum)."""
    out = subprocess.run(
        [go, "list", "-m", "-f", "{{.Dir}}", UPSTREAM],
        cwd=MODULE,
        env=_go_env(),
        check=True,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
    ).stdout.strip()
    if not out:  # listed but not downloaded yet
        subprocess.run([go, "mod", "download", UPSTREAM], cwd=MODULE, env=_go_env(), check=True, timeout=600)
        return _module_dir(go)
    return Path(out)


def build(go: str, target: Path) -> None:
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    partial.mkdir(parents=True)
    ldflags = f"-s -w -X {UPSTREAM}/common.version={VERSION.lstrip('v')}"
    print(f"--- building Argo CD {VERSION} with {TOOLCHAIN} (cached at {target})", file=sys.stderr)
    try:
        (partial / "bin").mkdir()
        binary = partial / "bin" / "argocd"
        subprocess.run(
            [go, "build", "-trimpath", "-ldflags", ldflags, "-o", str(binary), "./argocd"],
            cwd=MODULE,
            env=_go_env(),
            check=True,
            timeout=BUILD_TIMEOUT_S,
        )
        for component in COMPONENTS:
            (partial / "bin" / component).symlink_to("argocd")
        upstream = _module_dir(go)
        for source, dest in FILES.items():
            (partial / dest).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(upstream / source, partial / dest)
            if dest.endswith(".sh"):
                (partial / dest).chmod(0o755)
        partial.replace(target)
    finally:
        shutil.rmtree(partial, ignore_errors=True)


def main() -> int:
    target = cache_dir()
    if not (target / "bin" / "argocd").is_file():
        go = shutil.which("go")
        if go is None:
            print("install-argocd: no `go` on PATH (it fetches Go 1.27.3 to build Argo CD)", file=sys.stderr)
            return 1
        target.parent.mkdir(parents=True, exist_ok=True)
        build(go, target)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
