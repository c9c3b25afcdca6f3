"""How kustomize's failures read: one line, the same from every renderer."""

from __future__ import annotations

from pathlib import Path

import pytest

from adk_gitops.kustomize.failures import explain_failure, stopped, summarize_kustomize_error


@pytest.mark.parametrize(
    "stderr",
    [
        "some warning\nError: accumulating resources: 'missing.yaml': no such file\n\n",  # kustomize
        "error: accumulating resources: 'missing.yaml': no such file\n",  # kubectl 1.33
        'E1125 03:05:29.940318    4239 run.go:72] "command failed" '  # kubectl 1.32 (klog)
        "err=\"accumulating resources: 'missing.yaml': no such file\"\n",
    ],
)
def test_kustomize_errors_read_the_same_from_every_renderer(stderr: str) -> None:
    assert summarize_kustomize_error(stderr) == "accumulating resources: 'missing.yaml': no such file"


def test_kustomize_errors_without_a_marker() -> None:
    assert summarize_kustomize_error("panic\nlast words\n") == "last words"
    assert summarize_kustomize_error("") == "kustomize failed with no message"


def test_a_go_runtime_failure_is_its_first_line() -> None:
    stderr = (
        "fatal error: runtime: out of memory\n\nruntime stack:\nruntime.throw(...)\n"
        "goroutine 1 gp=0xc000002380 m=0 mp=0x5ecb3a0 [running]:\n"
        "\tk8s.io/klog/v2@v2.130.1/klog.go:1137 +0x167\n"
    )
    assert summarize_kustomize_error(stderr) == "fatal error: runtime: out of memory"


def test_kubectl_multi_line_error_is_read_whole() -> None:
    # klog's text format writes a multi-line value as `err=<`, indented lines, then `>`.
    stderr = (
        'E1206 10:00:00.000000 1234 run.go:72] "command failed" err=<\n'
        "\ttrouble configuring builtin HelmChartInflationGenerator with config: `\n"
        "\tname: redis\n"
        "\t`: must specify --enable-helm\n"
        " >\n"
    )
    assert summarize_kustomize_error(stderr) == (
        "trouble configuring builtin HelmChartInflationGenerator with config: ` name: redis `: "
        "must specify --enable-helm"
    )


def test_a_failure_names_the_overlay_entry_relative_to_the_repository(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    batch, overlay = root / "overlays/.adk-gitops-batch-1-x", root / "overlays/a"
    message = (
        f"{batch}: accumulating resources: accumulation err='accumulating resources from 'o0': '{batch}/o0' "
        f"must resolve to a file': recursed accumulation of path '{batch}/o0': accumulating resources: "
        f"accumulation err='accumulating resources from '../../a': '{overlay}' must resolve to a file': "
        f"recursed accumulation of path '{overlay}': accumulating resources: accumulation "
        f"err='accumulating resources from 'missing.yaml': evalsymlink failure on '{overlay}/missing.yaml' : "
        f"lstat {overlay}/missing.yaml: no such file or directory': must build at directory: not a valid "
        f"directory: evalsymlink failure on '{overlay}/missing.yaml' : lstat {overlay}/missing.yaml: no such "
        "file or directory"
    )
    assert explain_failure(message, batch, root, [overlay]) == (
        "resources entry 'missing.yaml': overlays/a/missing.yaml does not exist"
    )


@pytest.mark.parametrize(
    ("code", "said"),
    [
        (-24, "kustomize used up its CPU time (121 s, from --timeout): raise --timeout"),
        (128 + 24, "kustomize used up its CPU time (121 s, from --timeout): raise --timeout"),
        (
            137,
            "kustomize was killed (SIGKILL): out of memory or of CPU time; raise --timeout, or render less",
        ),
        (-15, "kustomize was stopped by SIGTERM"),
        (1, "kustomize failed with no message (exit 1)"),
    ],
)
def test_a_silent_end_says_which_signal(code: int, said: str) -> None:
    assert stopped(code, 121) == said


def test_a_file_outside_the_kustomization_says_the_load_restrictor(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    overlay = root / "examples/preview"
    message = (
        f"{overlay}: accumulating resources: accumulation err='accumulating resources from "
        f"'../experiment/bench.yaml': security; file '{root}/examples/experiment/bench.yaml' is not in or "
        f"below '{overlay}'': must build at directory: '{root}/examples/experiment/bench.yaml': file is not "
        "directory"
    )
    assert explain_failure(message, overlay, root) == (
        "resources entry '../experiment/bench.yaml': examples/experiment/bench.yaml is not in or below "
        "examples/preview, and kustomize reads nowhere else (as Argo CD's default --load-restrictor "
        "LoadRestrictionsRootOnly): use a kustomization in that folder as a resource, or a component; "
        "if your Argo CD sets kustomize.buildOptions to --load-restrictor LoadRestrictionsNone, say so in "
        "adk-gitops.yaml (check.kustomize.buildOptions)"
    )


def test_kustomize_multi_line_error_is_read_whole() -> None:
    # kustomize itself quotes a generator's configuration over several lines.
    stderr = (
        "Error: trouble configuring builtin HelmChartInflationGenerator with config: `\n"
        "name: hello\n"
        "releaseName: web\n"
        "`: must specify --enable-helm\n"
    )
    assert summarize_kustomize_error(stderr) == (
        "trouble configuring builtin HelmChartInflationGenerator with config: ` name: hello "
        "releaseName: web `: must specify --enable-helm"
    )
