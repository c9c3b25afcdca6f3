"""A pinned Go module zip, as the generators read them: from the cache
($XDG_CACHE_HOME/adk-gitops), else the Go module proxy (https only), checked
against its sha256 either way."""

from __future__ import annotations

import hashlib
import os
import urllib.request
from pathlib import Path

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
