"""What the schema generators share: a pinned Go module zip (from the cache in
$XDG_CACHE_HOME/adk-gitops, else the Go module proxy over https, sha256-checked
either way), and the command line that writes the generated file or, with
``--check``, compares it."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

DOWNLOAD_TIMEOUT_S = 600


def module_zip(module: str, version: str, sha256: str, cache_name: str) -> bytes:
    cache_home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    cached = cache_home / "adk-gitops" / cache_name
    if cached.is_file():
        data = cached.read_bytes()
    else:
        proxy = (os.environ.get("GOPROXY") or "https://proxy.golang.org").split(",")[0].rstrip("/")
        if not proxy.startswith("https://"):
            proxy = "https://proxy.golang.org"
        with urllib.request.urlopen(
            f"{proxy}/{module}/@v/{version}.zip", timeout=DOWNLOAD_TIMEOUT_S
        ) as response:
            data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{module}@{version}: sha256 {digest} is not the pinned {sha256}")
    if not cached.is_file():
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(cached)
    return data


def main(doc: str | None, target: Path, build: Callable[[], Any], source: str) -> int:
    """``python scripts/gen-X.py [--check]``: rewrite ``target`` with what ``build``
    makes (written to a temporary file, then renamed), or exit 1 if it differs."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0] if doc else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if the shipped file differs")
    args = parser.parse_args()
    text = json.dumps(build(), sort_keys=True, separators=(",", ":")) + "\n"
    if args.check:
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            print(
                f"{target.name} differs from what {Path(sys.argv[0]).name} builds: rerun it", file=sys.stderr
            )
            return 1
        return 0
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(target)
    print(f"wrote {target} ({len(text) // 1024} KiB) from {source}", file=sys.stderr)
    return 0
