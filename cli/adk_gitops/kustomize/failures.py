"""kustomize's failures as a reader of the repository wants them: one line, from klog's
wrapping or kubectl's ``error:``, without the temporary folder a batch built, with a
hint where kustomize's own words do not say what to do, and why a silent exit ended
(a signal, a CPU or memory ceiling).
"""

from __future__ import annotations

import re
import signal
from collections.abc import Sequence
from pathlib import Path

# kubectl logs its failure through klog: E1125 03:05:29.9 4239 run.go:72] "command failed" err="..."
_KLOG_ERR = re.compile(r'^E\d{4} .*\] "command failed" err="(?P<msg>(?:[^"\\]|\\.)*)"')
NO_MESSAGE = "kustomize failed with no message"


def stopped(code: int, cpu_seconds: int) -> str:
    """Why kustomize ended silently: a signal (negative when it ran directly; 128 + N
    as bwrap and shells report a child killed by signal N)."""
    number = -code if code < 0 else code - 128 if code > 128 else 0
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"{NO_MESSAGE} (exit {code})"
    if name == "SIGXCPU":
        return f"kustomize used up its CPU time ({cpu_seconds} s, from --timeout): raise --timeout"
    if name == "SIGKILL":
        return "kustomize was killed (SIGKILL): out of memory or of CPU time; raise --timeout, or render less"
    return f"kustomize was stopped by {name}"


_KLOG_ERR_BLOCK = re.compile(r'^E\d{4} .*\] "command failed" err=<$')
_ERROR_PREFIX = re.compile(r"^error: ", re.IGNORECASE)


def explain_failure(message: str, built: Path, root: Path, overlays: Sequence[Path] = ()) -> str:
    """kustomize's failure as a reader of the repository wants it: without the
    folder that was built when it is a wrapper (the batch, its per-overlay entries),
    with repository-relative paths, the innermost cause first, and what to do for
    the failures that have a known fix."""
    text = message.removeprefix(f"{built}: ")
    # Drop the wrappers' levels: what follows the last "recursed accumulation of path
    # '<overlay>': " is the overlay's own failure.
    for overlay in overlays:
        marker = f"recursed accumulation of path '{overlay.resolve()}': "
        if marker in text:
            text = text.rsplit(marker, 1)[1]
    missing = _MISSING.search(text)
    restricted = _RESTRICTED.search(text)
    entry = _ENTRY.findall(text)
    named = f"resources entry {entry[-1]!r}: " if entry else ""
    if missing:
        text = f"{named}{missing['path']} does not exist"
    elif restricted:
        text = (
            f"{named}{restricted['file']} is not in or below {restricted['folder']}, and kustomize reads "
            "nowhere else (as Argo CD's default --load-restrictor LoadRestrictionsRootOnly): use a "
            "kustomization in that folder as a resource, or a component; if your Argo CD sets "
            "kustomize.buildOptions to --load-restrictor LoadRestrictionsNone, say so in adk-gitops.yaml "
            "(check.kustomize.buildOptions)"
        )
    elif entry:
        text = f"resources entry {entry[-1]!r}: {text.rsplit(chr(39) + ': ', 1)[-1]}"
    base = str(root.resolve())
    text = text.replace(base + "/", "").replace(base, ".")
    for hint_when, hint in _HINTS:
        if hint_when in text:
            text += f" ({hint})"
    return " ".join(text.split())


# kustomize's file-or-directory attempt ends in lstat's error for a missing entry.
_MISSING = re.compile(r"lstat (?P<path>\S+): no such file or directory")
_ENTRY = re.compile(r"accumulating resources from '([^']*)'")
_RESTRICTED = re.compile(r"security; file '(?P<file>[^']*)' is not in or below '(?P<folder>[^']*)'")
_HINTS = (
    (
        "--enable-helm",
        "kustomize inflates helmCharts only with `--enable-helm`: if your Argo CD sets it in "
        "kustomize.buildOptions, say so in adk-gitops.yaml (check.kustomize.buildOptions: --enable-helm)",
    ),
)


def summarize_kustomize_error(stderr: str) -> str:
    """kustomize's error as one line, the same whichever renderer printed it
    (``Error: …`` from kustomize, ``error: …`` or a klog line from kubectl)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        # Go's runtime: "fatal error: runtime: out of memory", then goroutine dumps.
        if line.startswith(("fatal error: ", "panic: ")):
            return line
    for i, line in enumerate(lines):
        klog = _KLOG_ERR.match(line)
        if klog:
            return klog.group("msg").replace('\\"', '"')
        if _KLOG_ERR_BLOCK.match(line):
            # A multi-line value: `err=<`, its lines indented, then `>` (klog's text format).
            block = []
            for rest in lines[i + 1 :]:
                if rest == ">":
                    break
                block.append(rest)
            return " ".join(block) or NO_MESSAGE
    errors = [i for i, line in enumerate(lines) if _ERROR_PREFIX.match(line)]
    if len(errors) == 1:  # one error, maybe over several lines (a generator's config quoted in it)
        return " ".join([_ERROR_PREFIX.sub("", lines[errors[0]]), *lines[errors[0] + 1 :]])
    chosen = [_ERROR_PREFIX.sub("", lines[i]) for i in errors] or lines[-1:] or [NO_MESSAGE]
    return " ".join(chosen)
