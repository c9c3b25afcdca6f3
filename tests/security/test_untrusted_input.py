"""`check` on an untrusted pull request: each test reproduces an attack reported
against the first release and asserts the safe outcome. The CLI runs as a real
process with the real renderer; a recording wrapper around it shows which
overlays kustomize was started for."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from adk_gitops.kustomize.batch import BATCH_PREFIX
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.targets.discover import Target, TargetKind
from tests.conftest import copy_example
from tests.security.conftest import run_cli as adk_gitops
from tests.security.conftest import user_env

pytestmark = pytest.mark.e2e
TOKEN = "ghs_FAKEPERSISTEDCHECKOUTTOKEN0123456789"
PAYLOAD = "file:///nonexistent//dir?ref=--upload-pack=touch${IFS}PWNED"


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    """A checkout as actions/checkout leaves it: the project's tree, and a .git/config
    holding the persisted token."""
    root = copy_example(tmp_path / "checkout")
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(
        f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n'
    )
    return root


@pytest.fixture()
def cli_env(renderer: Renderer) -> dict[str, str]:
    return user_env(renderer)


@pytest.fixture()
def recorder(tmp_path: Path, renderer: Renderer) -> tuple[dict[str, str], Path]:
    """An ADK_GITOPS_KUSTOMIZE that logs every start, then runs the real renderer. For
    the guard's own tests, with --no-sandbox: inside the sandbox the log is not writable
    (and the real renderer not visible), so a count of starts would prove nothing."""
    log = tmp_path / "renderer-starts.log"
    wrapper = tmp_path / "bin" / renderer.flavour
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$@" >> {log}\nexec {renderer.executable} "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "ADK_GITOPS_KUSTOMIZE": str(wrapper), "NO_COLOR": "1"}
    return env, log


def add_overlay(root: Path, name: str, kustomization: str) -> Path:
    overlay = root / "overlays" / name
    overlay.mkdir(parents=True)
    (overlay / "kustomization.yaml").write_text(kustomization)
    return overlay


def findings(stdout: str) -> list[tuple[str, str, str]]:
    return [
        (f["overlay"], f["rule"], f["file"]) for f in json.loads(stdout)["findings"] if not f["suppressed"]
    ]


def test_1_a_ref_that_is_a_git_option_runs_nothing(repo: Path, recorder: tuple[dict[str, str], Path]) -> None:
    env, log = recorder
    add_overlay(repo, "evil", f"resources:\n  - ../postgres\n  - {PAYLOAD}\n")
    # The guard alone (--no-sandbox): it refuses before kustomize starts.
    for args in (
        ["check", "-o", "json", "--no-sandbox"],
        ["check", "--allow-remote", "-o", "json", "--no-sandbox"],
    ):
        result = adk_gitops(repo, env, *args)
        assert result.returncode == 1, result.stderr
        assert ("overlays/evil", "remote-reference", "overlays/evil/kustomization.yaml") in findings(
            result.stdout
        )
    for args in (
        ["render", "overlays/evil", "--no-sandbox"],
        ["plan", "overlays/evil", "--no-sandbox"],
        ["render", "overlays/evil", "--allow-remote", "--no-sandbox"],
    ):
        result = adk_gitops(repo, env, *args)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.count("\n") == 2 and "a ref beginning with '-' is a git option" in result.stderr
        assert result.stderr.startswith("adk-gitops: --no-sandbox: kustomize runs unconfined")
    assert not list(repo.rglob("PWNED")) and not (Path.cwd() / "PWNED").exists()
    assert "overlays/evil" not in (log.read_text() if log.exists() else "")  # kustomize never started for it


def test_1_remote_resources_reach_no_network_without_allow_remote(
    repo: Path, cli_env: dict[str, str], http_server: tuple[str, list[str]]
) -> None:
    env = cli_env
    url, requests = http_server
    add_overlay(repo, "remote", f"resources:\n  - ../postgres\n  - {url}/x.yaml\n")
    add_overlay(repo, "githost", "resources:\n  - github.com/example/agent-base/deploy?ref=v1\n")
    result = adk_gitops(repo, env, "check", "-o", "json")
    assert result.returncode == 1
    got = findings(result.stdout)
    assert ("overlays/remote", "remote-reference", "overlays/remote/kustomization.yaml") in got
    assert ("overlays/githost", "remote-reference", "overlays/githost/kustomization.yaml") in got
    # --allow-remote is https only: plain http is still refused.
    result = adk_gitops(repo, env, "check", "--allow-remote", "overlays/remote", "-o", "json")
    assert result.returncode == 1 and "https only" in result.stdout
    assert requests == []


def test_2_a_symlinked_overlay_cannot_read_git_config(repo: Path, cli_env: dict[str, str]) -> None:
    """`ln -s .. overlays/evil` makes the repository root an overlay whose generator
    reads .git/config; nothing of it may reach any output format."""
    env = cli_env
    (repo / "kustomization.yaml").write_text(
        "configMapGenerator:\n  - name: leak\n    files: [.git/config]\n"
        "replacements:\n  - source: {kind: ConfigMap, name: leak, fieldPath: data.config}\n"
        "    targets: [{select: {kind: Nope}, fieldPaths: [x]}]\n"
    )
    (repo / "overlays" / "evil").symlink_to("..")
    for fmt in ("text", "json", "github", "sarif", "junit"):
        result = adk_gitops(repo, env, "check", "-o", fmt)
        assert result.returncode == 1, result.stderr
        assert TOKEN not in result.stdout + result.stderr
        assert "path-outside-repository" in result.stdout or fmt == "junit"
        assert "resolves into .git/" in result.stdout


def test_2_symlinks_out_of_the_repository_are_not_read(
    repo: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    env = cli_env
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: stolen}\ndata: {token: SECRETVALUE}\n"
    )
    (outside / "kustomization.yaml").write_text("resources: [secret.yaml]\n")
    (repo / "argocd" / "leak.yaml").symlink_to(outside / "secret.yaml")
    (repo / "overlays" / "ext").symlink_to(outside)
    (repo / "overlays" / "postgres" / "stolen.yaml").symlink_to(outside / "secret.yaml")
    kustomization = repo / "overlays" / "postgres" / "kustomization.yaml"
    kustomization.write_text(
        kustomization.read_text().replace("  - values.yaml\n", "  - values.yaml\n  - stolen.yaml\n")
    )
    result = adk_gitops(repo, env, "check", "-o", "json")
    assert result.returncode == 1
    assert "SECRETVALUE" not in result.stdout + result.stderr
    got = findings(result.stdout)
    assert ("argocd", "path-outside-repository", "argocd/leak.yaml") in got
    assert ("overlays/ext", "path-outside-repository", "overlays/ext") in [
        (o, r, f.rstrip("/")) for o, r, f in got
    ]
    assert ("overlays/postgres", "path-outside-repository", "overlays/postgres/kustomization.yaml") in got
    result = adk_gitops(repo, env, "check", str(outside))
    assert result.returncode == 2 and "resolves outside the repository" in result.stderr


def test_5_alias_bombs_are_refused_fast_in_bounded_memory(repo: Path, cli_env: dict[str, str]) -> None:
    """A 1 KB billion-laughs file in a rendered ConfigMap, an argocd/ file, a values
    file and adk-gitops.yaml: each refused in under a second under a 512 MB address space."""
    env = cli_env
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        bomb += f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
        previous = name
    assert len(bomb) < 1200
    overlay = add_overlay(repo, "bomb", "resources: [cm.yaml]\n")
    (overlay / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n"
        + "".join(f"  {line}\n" for line in bomb.splitlines())
    )
    (repo / "argocd" / "bomb.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\n" + bomb.replace("a: &a", "x: &a", 1)
    )
    limited = [
        "prlimit",
        f"--as={512 * 2**20}",
        "--",
        sys.executable,
        "-m",
        "adk_gitops",
    ]

    def run_limited(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*limited, *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60, check=False
        )

    result = run_limited("check", "argocd", "-o", "json")
    assert result.returncode == 1 and "alias bomb" in result.stdout
    values = repo / "values-bomb.yaml"
    values.write_text(bomb)
    result = run_limited("new-env", "x", "--values-file", str(values), "--image", "r.example/a/b:1")
    assert result.returncode == 2 and "alias bomb" in result.stderr and result.stderr.count("\n") == 1
    (repo / "adk-gitops.yaml").write_text(
        (repo / "adk-gitops.yaml").read_text() + "x: " + bomb.replace("\n", "\n  ") + "\n"
    )
    result = run_limited("new-env", "x", "--image", "r.example/a/b:1")
    assert result.returncode == 2 and "adk-gitops.yaml" in result.stderr and result.stderr.count("\n") == 1


def hung_renderer(tmp_path: Path) -> dict[str, str]:
    """A `kustomize` that answers `version` and then hangs on every build, ignoring SIGINT."""
    script = tmp_path / "hung" / "kustomize"
    script.parent.mkdir()
    script.write_text(
        '#!/bin/bash\n[ "$1" = version ] && { echo v5.6.0; exit 0; }\n'
        "trap '' INT\nexec -a adk-gitops-hung-marker sleep 600\n"
    )
    script.chmod(0o755)
    return {**os.environ, "ADK_GITOPS_KUSTOMIZE": str(script)}


def hung_children() -> list[str]:
    ps = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True, timeout=10, check=True)
    return [
        line for line in ps.stdout.splitlines() if "adk-gitops-hung-marker" in line and "ps -eo" not in line
    ]


@pytest.mark.parametrize("batch", ["--batch", "--no-batch"])
def test_6_a_hung_renderer_ends_the_run_at_the_deadline(repo: Path, tmp_path: Path, batch: str) -> None:
    """Six overlays, each hanging: the run ends at --timeout plus a few seconds,
    each overlay a render-failed finding, no kustomize left behind."""
    for i in range(4):
        add_overlay(repo, f"extra{i}", "resources: [../postgres]\n")
    env = hung_renderer(tmp_path)
    started = time.monotonic()
    result = adk_gitops(repo, env, "check", "--timeout", "3", batch, "-o", "json")
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert elapsed < 3 + 5, elapsed
    failed = [f for f in findings(result.stdout) if f[1] == "render-failed"]
    assert len(failed) == 6
    assert "did not finish within 3s" in result.stdout
    assert hung_children() == []


@pytest.mark.parametrize(
    ("signum", "code", "said"),
    [(signal.SIGINT, 130, "adk-gitops: interrupted"), (signal.SIGTERM, 143, "adk-gitops: terminated")],
)
def test_6_ctrl_c_or_sigterm_stops_kustomize_at_once(
    repo: Path, tmp_path: Path, signum: signal.Signals, code: int, said: str
) -> None:
    """Ctrl-C, or SIGTERM (a cancelled CI job): kustomize is stopped at once and the
    batch folders beside the overlays are gone (SIGTERM used to leave both)."""
    for i in range(4):  # six overlays: rendered in batches
        add_overlay(repo, f"extra{i}", "resources: [../postgres]\n")
    env = hung_renderer(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "adk_gitops", "check"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 20
    while not hung_children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert hung_children(), "the renderer never started"
    assert list((repo / "overlays").glob(f"{BATCH_PREFIX}*"))
    started = time.monotonic()
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=10)
    assert time.monotonic() - started < 3
    assert proc.returncode == code and err.strip().splitlines()[-1] == said
    assert "Traceback" not in err
    assert hung_children() == []
    assert not list((repo / "overlays").glob(f"{BATCH_PREFIX}*"))


IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def test_3_concurrent_new_env_runs_lose_no_edit(repo: Path, cli_env: dict[str, str]) -> None:
    """Eight processes add eight environments at once: every one is written whole,
    and the AppProject allows all eight namespaces."""
    env = cli_env
    names = [f"team{i}" for i in range(8)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "adk_gitops", "new-env", name, "--image", IMAGE],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in names
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    project = yaml.safe_load((repo / "argocd/project.yaml").read_text())
    namespaces = {d["namespace"] for d in project["spec"]["destinations"]}
    assert {f"adk-agent-{n}" for n in names} <= namespaces
    for name in names:
        assert (repo / f"overlays/{name}/kustomization.yaml").is_file()
        assert (repo / f"argocd/apps/{name}.yaml").is_file()
    assert not list(repo.glob(".adk-gitops-*")) and not list((repo / "overlays").glob(".adk-gitops-*"))
    result = adk_gitops(repo, env, "check")
    assert result.returncode == 0, result.stdout


# Runs the CLI with os.replace wrapped: the Nth rename of a transaction's file (its
# manifest, then each file put in place) SIGKILLs the process first.
KILLER = """
import os, signal, sys
n, calls = int(sys.argv[1]), [0]
real = os.replace
def replace(src, dst, **kwargs):
    if "/adk-gitops/staging-" in os.fspath(src):
        calls[0] += 1
        if calls[0] == n:
            os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, **kwargs)
os.replace = replace
from adk_gitops.entry import main
sys.argv = ["adk-gitops", *sys.argv[2:]]
main()
"""


def test_3_a_kill_before_any_rename_leaves_the_tree_whole_or_repairable(
    repo: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """new-env renames a manifest (the commit point) and then four files. Killed
    before each rename in turn, the tree is untouched (before the commit point) or
    named by check and completed by the next run (after it): never half an edit."""
    env = cli_env
    args = ["new-env", "staging", "--image", IMAGE]
    pristine = tmp_path / "pristine"
    shutil.copytree(repo, pristine, symlinks=True)
    assert adk_gitops(pristine, env, *args).returncode == 0
    complete = tree(pristine)
    before = tree(repo)
    for n in range(1, 6):
        work = tmp_path / f"kill{n}"
        shutil.copytree(repo, work, symlinks=True)
        killed = subprocess.run(
            [sys.executable, "-c", KILLER, str(n), *args], cwd=work, env=env, capture_output=True, timeout=300
        )
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        staged = list((work / ".git" / "adk-gitops").glob("staging-*"))
        if n == 1:  # before the commit point: untouched, and the staging is not a committed edit
            assert {k: v for k, v in tree(work).items() if not k.startswith(".adk-gitops")} == before
        else:
            assert [p for p in staged if (p / "manifest.json").is_file()]
            result = adk_gitops(work, env, "check", "-o", "json")
            assert result.returncode == 1 and "edit-interrupted" in result.stdout
        rerun = adk_gitops(work, env, *args)
        assert rerun.returncode == 0, rerun.stderr
        assert tree(work) == complete, f"killed before rename {n}"
        assert not list(work.glob(".adk-gitops-*")) and not list((work / ".git" / "adk-gitops").iterdir())


def fake_renderer(tmp_path: Path, body: str) -> dict[str, str]:
    """A `kustomize` whose builds print what ``body`` (shell) prints."""
    script = tmp_path / "fake" / "kustomize"
    script.parent.mkdir(exist_ok=True)
    script.write_text(f'#!/bin/bash\n[ "$1" = version ] && {{ echo v5.6.0; exit 0; }}\n{body}\n')
    script.chmod(0o755)
    return {**os.environ, "ADK_GITOPS_KUSTOMIZE": str(script), "NO_COLOR": "1"}


def one_line_error(result: subprocess.CompletedProcess[str], code: int = 2) -> None:
    assert result.returncode == code, (result.returncode, result.stderr[-2000:])
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    if code == 2:
        assert result.stderr.count("\n") == 1, result.stderr


def test_8_odd_inputs_are_one_line_errors_or_findings(
    repo: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    env = cli_env
    # A folder name that is not UTF-8, as a checkout can hold.
    bad = repo / "overlays" / os.fsdecode(b"caf\xe9")
    bad.mkdir()
    shutil.copy(repo / "overlays/postgres/kustomization.yaml", bad)
    shutil.copy(repo / "overlays/postgres/values.yaml", bad)
    result = adk_gitops(repo, env, "check", "-o", "text")  # decoded strictly: the report is UTF-8
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "internal error" not in result.stdout and "overlays/caf\\xe9" in result.stdout
    shutil.rmtree(bad)
    # Odd shapes in files new-env and promote edit or read.
    project = repo / "argocd/project.yaml"
    original = project.read_text()
    project.write_text(original.replace("  destinations:", "  destinations: 5\n  old-destinations:"))
    one_line_error(adk_gitops(repo, env, "new-env", "odd", "--image", IMAGE))
    project.write_text(original)
    values = repo / "overlays/postgres/values.yaml"
    values.write_text(values.read_text().replace("data:\n  dbSecret: adk-agent-db", "data: []"))
    one_line_error(adk_gitops(repo, env, "new-env", "copy", "--from", "postgres", "--image", IMAGE))
    # run-hook with a Secret whose data is a list, or is not UTF-8.
    secret = tmp_path / "secret.yaml"
    secret.write_text("apiVersion: v1\nkind: Secret\nmetadata: {name: adk-agent-db}\ndata: []\n")
    one_line_error(adk_gitops(repo, env, "run-hook", "overlays/cloudsql", "--secret-file", str(secret)))
    secret.write_bytes(b"apiVersion: v1\nkind: Secret\nmetadata: {name: \xff}\n")
    one_line_error(adk_gitops(repo, env, "run-hook", "overlays/cloudsql", "--secret-file", str(secret)))


def test_8_hostile_renderer_output_and_stdin(repo: Path, tmp_path: Path) -> None:
    huge = fake_renderer(tmp_path, "head -c 70000000 /dev/zero | tr '\\0' 'a'")
    result = adk_gitops(repo, huge, "check", "overlays/postgres", "-o", "json")
    assert result.returncode == 1 and "more than the 64 MiB allowed" in result.stdout
    one_line_error(adk_gitops(repo, huge, "render", "overlays/postgres"))
    binary = fake_renderer(tmp_path, "printf 'kind: \\xff\\n'")
    result = adk_gitops(repo, binary, "check", "overlays/postgres", "-o", "json")
    assert result.returncode == 1 and "not UTF-8" in result.stdout
    stdin = subprocess.run(
        [sys.executable, "-m", "adk_gitops", "check", "-"],
        cwd=repo,
        input=b"apiVersion: v1\nkind: \xff\n",
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert stdin.returncode == 1 and b"not UTF-8" in stdin.stdout and b"Traceback" not in stdin.stderr
    for args in (["plan", "-"], ["run-hook", "-"]):
        refused = subprocess.run(
            [sys.executable, "-m", "adk_gitops", *args],
            cwd=repo,
            input=b"\xff\xfe",
            capture_output=True,
            timeout=60,
            check=False,
        )
        assert refused.returncode == 2 and b"not UTF-8" in refused.stderr and refused.stderr.count(b"\n") == 1


def test_8_unwritable_output_and_filesystem(repo: Path, cli_env: dict[str, str]) -> None:
    env = cli_env
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "adk_gitops", "check", "overlays/postgres"],
            cwd=repo,
            env=env,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2 and "No space left on device" in result.stderr
    assert result.stderr.count("\n") == 1 and "internal error" not in result.stderr
    one_line_error(adk_gitops(repo, env, "init", "/proc/adk-gitops-cannot-be-here"))


def test_9_control_characters_keep_every_format_valid(
    repo: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """An annotation value carrying ESC, CR, NUL and a bidi override: quoted in a finding."""
    import xml.etree.ElementTree as ET

    env = cli_env
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n  annotations:\n"
        '    argocd.argoproj.io/hook: "Pre\\e[31mSync\\r\\0\\u202e"\n'
        "spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: 'r.example/i:1'}]}}}\n"
    )
    outputs = {}
    for fmt in ("text", "json", "github", "sarif", "junit"):
        result = adk_gitops(repo, env, "check", str(rendered), "--repo", str(tmp_path), "-o", fmt)
        assert result.returncode == 1, result.stderr
        outputs[fmt] = result.stdout
        assert not any(ch in result.stdout for ch in "\x1b\r\x00\u202e"), fmt
    assert "\\x1b[31m" in outputs["text"]
    json.loads(outputs["json"])
    json.loads(outputs["sarif"])
    ET.fromstring(outputs["junit"].encode())


def test_10_plan_time_grows_linearly_not_quadratically() -> None:
    """10,000 objects took 106 s when each lookup scanned the plan. A ratio, not a
    time: ten times the objects may cost at most ~40 times (quadratic is 100)."""
    from adk_gitops.argocd.syncplan import build_plan
    from adk_gitops.kube.manifests import load_stream

    def fleet(n: int) -> list[dict[str, object]]:
        docs: list[dict[str, object]] = []
        for i in range(n):
            meta = {
                "name": f"c{i}",
                "namespace": f"ns{i % 50}",
                "annotations": {"argocd.argoproj.io/sync-wave": str(i % 7)},
            }
            docs.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta})
            if i % 10 == 0:
                pod = {
                    "serviceAccountName": "sa",
                    "restartPolicy": "Never",
                    "containers": [{"name": "c", "image": "i:1"}],
                }
                hook = {"argocd.argoproj.io/hook": "PreSync"}
                docs.append(
                    {
                        "apiVersion": "batch/v1",
                        "kind": "Job",
                        "metadata": {"name": f"j{i}", "namespace": f"ns{i % 50}", "annotations": hook},
                        "spec": {"template": {"spec": pod}},
                    }
                )
        return docs

    def best_of_three(n: int) -> float:
        resources = load_stream(yaml.safe_dump_all(fleet(n)))
        times = []
        for _ in range(3):
            started = time.perf_counter()
            build_plan(resources)
            times.append(time.perf_counter() - started)
        return min(times)

    small, large = best_of_three(1000), best_of_three(10_000)
    assert large / small < 40, (small, large)


def test_wrong_types_everywhere_crash_no_rule() -> None:
    """Lists where mappings belong, numbers where strings do: findings, never a rule crash."""
    from adk_gitops.check import pipeline
    from tests.conftest import FIXTURES

    path = FIXTURES / "odd" / "wrong-types.yaml"
    report = pipeline.check(
        [Target(path.name, path, TargetKind.FILE)],
        kubernetes_versions=("1.34",),
        repo_root=path.parent,
    )
    assert [f.message for f in report.findings if f.rule == "internal-error"] == []
    assert {f.rule for f in report.findings} >= {"schema-valid", "api-values-valid", "api-fields-consistent"}
