#!/usr/bin/env python3
"""adk-gitops benchmark: `check` of N environments against the cost of rendering them.

Generates N environments (both flavours, alternating) with new-env's own code in
a temporary repository, then measures, as medians of several repetitions:
  (a) render only: one kustomize process per overlay, serially (the naive baseline);
  (b) `adk-gitops check` of every overlay (wall time), and how much of it is rules and validation;
  (c) schema validation alone of the same rendered manifests: ours vs the kubernetes-validate CLI;
  (d) `adk-gitops --help` and `--version`;
  (e) the peak RSS of (b)'s Python process.
Prints ratios next to absolute medians and the machine; `--write-readme` also
replaces the results table in bench/README.md. Not a test: numbers vary by machine.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"
VERSION = "1.34"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
INNER_BEGIN, INNER_END = "<!-- inner:begin -->", "<!-- inner:end -->"

# Runs `check` in this interpreter and reports its wall time, the time spent in
# rules and schema validation (every run_rules call, timed), and its own peak RSS
# (kustomize's processes excluded).
CHECK_PROBE = """
import resource, sys, time
from pathlib import Path
from adk_gitops.check import judge, pipeline
from adk_gitops.targets.discover import discover
root = Path(sys.argv[1])
spent = [0.0]
run_rules = judge.run_rules  # the rules run in check's second half (check/judge.py)
def timed_rules(ctx):
    start = time.perf_counter()
    try:
        return run_rules(ctx)
    finally:
        spent[0] += time.perf_counter() - start
judge.run_rules = timed_rules
start = time.perf_counter()
report = pipeline.check(discover(root), kubernetes_versions=("1.34",), repo_root=root)
end = time.perf_counter()
print(end - start, spent[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, len(report.findings))
"""
SCHEMA_PROBE = """
import sys
from adk_gitops.kube.manifests import load_stream
from adk_gitops.kube.schemas import SchemaSet
schemas = SchemaSet(("1.34",))
errors = sum(1 for r in load_stream(open(sys.argv[1]).read()) for _ in schemas.validate(r))
sys.exit(1 if errors else 0)
"""


def make_fleet(root: Path, n: int) -> list[Path]:
    """N environments as new-env writes them (its spec and file generation), written
    directly: new-env's own repository checks (namespaces, projects) read every other
    environment, which is right for one command and quadratic for a fleet."""
    from adk_gitops.envgen import files
    from adk_gitops.envgen.choices import Db
    from adk_gitops.envgen.config import load_config
    from adk_gitops.envgen.spec import EnvInput, resolve

    for name in ("bases", "components"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "adk-gitops.yaml", root / "adk-gitops.yaml")
    config = load_config(root)
    cloudsql = EnvInput(
        db=Db.CLOUDSQL,
        cloudsql_instance="my-project:europe-west1:adk-sessions",
        gsa="adk-agent@my-project.iam.gserviceaccount.com",
    )
    for i in range(n):
        given = EnvInput(image=IMAGE) if i % 2 == 0 else EnvInput(image=IMAGE).over(cloudsql)
        for rel, text in files.env_files(resolve(f"env{i:04d}", given, config)).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
    return sorted(p for p in (root / "overlays").iterdir() if p.is_dir())


def timed(argv: list[str], *, cwd: Path | None = None, ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=1800, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(argv[:3])}… exited {proc.returncode}: {proc.stderr[-500:]}")
    return elapsed


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def bench(n: int, reps: int, work: Path) -> dict[str, float]:
    from adk_gitops.kustomize.renderer import find_renderer

    renderer = find_renderer()
    root = work / f"fleet-{n}"
    overlays = make_fleet(root, n)
    serial = []
    for _ in range(reps):
        start = time.perf_counter()
        for overlay in overlays:
            renderer.build(overlay)
        serial.append(time.perf_counter() - start)
    adk = str(Path(sys.executable).with_name("adk-gitops"))
    check = [timed([adk, "check", "-o", "json"], cwd=root, ok=(0, 1)) for _ in range(reps)]
    probes = []
    for _ in range(reps):
        out = subprocess.run(
            [sys.executable, "-c", CHECK_PROBE, str(root)],
            capture_output=True,
            text=True,
            timeout=1800,
            check=True,
        ).stdout.split()
        probes.append((float(out[0]), float(out[1]), int(out[2])))
    rendered = work / f"rendered-{n}.yaml"
    rendered.write_text("---\n".join(renderer.build(o) for o in overlays))
    docs = rendered.read_text().count("\nkind: ") + rendered.read_text().startswith("kind: ")
    ours = [timed([sys.executable, "-c", SCHEMA_PROBE, str(rendered)]) for _ in range(reps)]
    kv = [
        timed(
            [
                str(Path(sys.executable).with_name("kubernetes-validate")),
                "--strict",
                "--quiet",
                "-k",
                VERSION,
                str(rendered),
            ]
        )
        for _ in range(reps)
    ]
    help_runs = [timed([adk, "--help"]) for _ in range(max(reps, 7))]
    version_runs = [timed([adk, "--version"]) for _ in range(max(reps, 7))]
    total, rules, rss = (median([p[i] for p in probes]) for i in range(3))
    return {
        "n": n,
        "docs": docs,
        "a_serial": median(serial),
        "b_check": median(check),
        "rules_share": rules / total,
        "c_ours": median(ours),
        "c_kv": median(kv),
        "d_help": median(help_runs),
        "d_version": median(version_runs),
        "e_rss_mib": rss / 1024,
    }


def machine() -> str:
    from adk_gitops.kustomize.renderer import find_renderer

    cpu = platform.processor() or platform.machine()
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs ({cpu}), "
        f"Python {platform.python_version()}, renderer: {find_renderer().description}"
    )


def marginal(results: list[dict[str, float]]) -> str:
    """Per-document validation cost between the smallest and largest fleet: start-up excluded."""
    if len(results) < 2:
        return ""
    small, large = results[0], results[-1]
    docs = large["docs"] - small["docs"]
    ours = (large["c_ours"] - small["c_ours"]) / docs
    kv = (large["c_kv"] - small["c_kv"]) / docs
    return (
        f"\nSchema validation per additional document (start-up excluded): ours {ours * 1000:.2f} ms, "
        f"kubernetes-validate {kv * 1000:.2f} ms: 1/{kv / ours:.0f}.\n"
    )


def table(results: list[dict[str, float]]) -> str:
    columns = [
        "N envs (docs)", "(a) serial render", "(b) check", "b/a (target ≤ 0.5)",
        "rules+validation share of b (≤ 15%)", "(c) schemas: ours", "(c) kubernetes-validate",
        "c_ours/c_kv (≤ 1/30)", "(d) --help (≤ 150 ms)", "--version", "(e) peak RSS of b (≤ 300 MiB)",
    ]  # fmt: skip
    rows = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in results:
        cells = [
            f"{r['n']:.0f} ({r['docs']:.0f})",
            f"{r['a_serial']:.2f} s",
            f"{r['b_check']:.2f} s",
            f"{r['b_check'] / r['a_serial']:.2f}",
            f"{r['rules_share']:.0%}",
            f"{r['c_ours']:.2f} s",
            f"{r['c_kv']:.2f} s",
            f"1/{r['c_kv'] / r['c_ours']:.0f}",
            f"{r['d_help'] * 1000:.0f} ms",
            f"{r['d_version'] * 1000:.0f} ms",
            f"{r['e_rss_mib']:.0f} MiB",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)


def best_render(renderer: object, overlays: list[Path], root: Path) -> float:
    """The best render-only strategy: check's own batching, without rules or reports."""
    from adk_gitops.check.pipeline import _chunks
    from adk_gitops.kustomize.batch import render_batch
    from adk_gitops.targets.discover import Target, TargetKind

    workers = os.cpu_count() or 1
    targets = [Target(str(p), p, TargetKind.KUSTOMIZATION) for p in overlays]
    chunks = [[p for t in chunk if (p := t.path) is not None] for chunk in _chunks(targets, workers, True)]
    start = time.perf_counter()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda chunk: render_batch(renderer, chunk, root), chunks))  # type: ignore[arg-type]
    return time.perf_counter() - start


def peak_rss_of(argv: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB of the process itself) of one command."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], capture_output=True)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv], cwd=cwd, capture_output=True, text=True, timeout=3600
    )
    wall, rss = out.stdout.split()
    return float(wall), float(rss) / 1024


def inner_loop(work: Path, reps: int) -> dict[str, float]:
    """The loop people feel: one overlay, one changed file, and a fleet of 1,000."""
    from adk_gitops.kustomize.renderer import find_renderer

    renderer = find_renderer()
    adk = str(Path(sys.executable).with_name("adk-gitops"))
    runs = max(reps, 9)
    # Paired: each check right after the render it is held against, the ratio taken per
    # pair, so a machine that slows down for a while moves both.
    pairs = [
        (
            timed([*renderer.argv_prefix, "overlays/cloudsql"], cwd=REPO),
            timed([adk, "check", "overlays/cloudsql"], cwd=REPO),
        )
        for _ in range(runs)
    ]
    single_render = median([r for r, _ in pairs])
    single_check = median([c for _, c in pairs])
    single_ratio = median([c / r for r, c in pairs])
    help_s = median([timed([adk, "--help"]) for _ in range(runs)])
    version_s = median([timed([adk, "--version"]) for _ in range(runs)])
    root = work / "fleet-inner-100"
    overlays = make_fleet(root, 100)
    component = "components/db-cloudsql/proxy-sidecar.yaml"
    users = [o for o in overlays if "db-cloudsql" in (o / "kustomization.yaml").read_text()]
    changed_component = median(
        [timed([adk, "check", "--changed", component], cwd=root, ok=(0, 1)) for _ in range(reps)]
    )
    render_users = median([best_render(renderer, users, root) for _ in range(reps)])
    values = f"overlays/{overlays[1].name}/values.yaml"
    changed_values = median(
        [timed([adk, "check", "--changed", values], cwd=root, ok=(0, 1)) for _ in range(reps)]
    )
    full_100 = median([timed([adk, "check"], cwd=root, ok=(0, 1)) for _ in range(reps)])
    big = work / "fleet-inner-1000"
    big_overlays = make_fleet(big, 1000)
    full_1000, rss_1000 = peak_rss_of([adk, "check", "-o", "json"], big)
    render_1000 = best_render(renderer, big_overlays, big)
    return {
        "single_check": single_check,
        "single_render": single_render,
        "single_ratio": single_ratio,
        "help": help_s,
        "version": version_s,
        "changed_component": changed_component,
        "render_users": render_users,
        "users": len(users),
        "changed_values": changed_values,
        "full_100": full_100,
        "full_1000": full_1000,
        "render_1000": render_1000,
        "rss_1000": rss_1000,
    }


def inner_table(r: dict[str, float]) -> str:
    per_100, per_1000 = r["full_100"] / 100, r["full_1000"] / 1000
    rows = [
        "| Measure | Value | Ratio | Goal |",
        "|---|---|---|---|",
        f"| single overlay: `check overlays/cloudsql` ÷ `kustomize build` (median of paired runs) | "
        f"{r['single_check']:.2f} s ÷ {r['single_render']:.2f} s | {r['single_ratio']:.2f} | ≤ 1.3 |",
        f"| `adk-gitops --help` / `--version` | {r['help'] * 1000:.0f} ms / {r['version'] * 1000:.0f} ms | | "
        "≤ 80 ms / ≤ 30 ms |",
        f"| pre-commit, one changed component file (100 envs, {r['users']:.0f} use it): `check --changed` ÷ "
        f"rendering those overlays | {r['changed_component']:.2f} s ÷ {r['render_users']:.2f} s | "
        f"{r['changed_component'] / r['render_users']:.2f} | ≤ 1.3 |",
        f"| pre-commit, one environment's values file: `check --changed` ÷ full `check` | "
        f"{r['changed_values']:.2f} s ÷ {r['full_100']:.2f} s | "
        f"{r['changed_values'] / r['full_100']:.2f} | ≤ 0.1 |",
        f"| 1,000 envs: `check` ÷ best render-only strategy | {r['full_1000']:.2f} s ÷ "
        f"{r['render_1000']:.2f} s | {r['full_1000'] / r['render_1000']:.2f} | ≤ 1.15 |",
        f"| 1,000 envs: peak RSS of `check` | {r['rss_1000']:.0f} MiB | | ≤ 500 MiB |",
        f"| cost per environment: at 1,000 ÷ at 100 | {per_1000 * 1000:.1f} ms ÷ {per_100 * 1000:.1f} ms | "
        f"{per_1000 / per_100:.2f} | within 20% (0.8 to 1.2) |",
    ]
    return "\n".join(rows)


BIG_BEGIN, BIG_END = "<!-- big:begin -->", "<!-- big:end -->"
DIFF_BEGIN, DIFF_END = "<!-- diff:begin -->", "<!-- diff:end -->"


def diff_cost(work: Path, reps: int) -> str:
    """`diff` of a one-component change in 100 environments against `check
    --changed-from` of the same change (goal: at most 2.2x; both sides render)."""
    root = work / "fleet-diff-100"
    make_fleet(root, 100)
    shutil.copytree(REPO / "argocd", root / "argocd", dirs_exist_ok=True)
    env = {**os.environ, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    ident = ["-c", "user.email=bench@example.com", "-c", "user.name=bench"]
    for argv in (
        ["init", "-q", "-b", "main"],
        ["add", "-A"],
        [*ident, "commit", "-qm", "fleet"],
        ["checkout", "-qb", "pr"],
    ):
        subprocess.run(["git", *argv], cwd=root, env=env, check=True, capture_output=True, timeout=120)
    sidecar = root / "components/db-cloudsql/proxy-sidecar.yaml"
    sidecar.write_text(sidecar.read_text().replace("cpu: 50m", "cpu: 60m"))
    subprocess.run(
        ["git", *ident, "commit", "-qam", "proxy cpu"],
        cwd=root,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    adk = str(Path(sys.executable).with_name("adk-gitops"))
    pairs = []
    for _ in range(max(reps, 3)):  # paired: each diff beside its check, in one process's lifetime
        check = timed([adk, "check", "--changed-from", "main"], cwd=root, ok=(0, 1))
        diff = timed([adk, "diff", "--from", "main", "-o", "json"], cwd=root, ok=(1,))
        pairs.append(diff / check)
    ratio = median(pairs)
    verdict = "met" if ratio <= 2.2 else f"missed by {ratio / 2.2 - 1:.0%}"
    return (
        "| Measure | Ratio (median of paired runs) | Goal |\n|---|---|---|\n"
        f"| one component changed, 100 envs (50 use it): `diff --from main` ÷ `check --changed-from main` "
        f"| {ratio:.2f} ({verdict}) | ≤ 2.2 |\n"
    )


def make_big_directory(root: Path, objects: int = 10_000) -> None:
    """A directory of ``objects`` plain manifests in ten files, as a vendored install or
    a generated folder: one Deployment per four ConfigMaps, none of them hardened, so
    every Deployment carries findings (the case where locating findings once cost
    a re-parse of the file each)."""
    docs: list[str] = []
    for i in range(objects // 5):
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{i}, namespace: big}}\n"
            f"spec:\n  selector: {{matchLabels: {{app: app-{i}}}}}\n  template:\n"
            f"    metadata: {{labels: {{app: app-{i}}}}}\n"
            f"    spec:\n      containers: [{{name: c, image: 'r.example/app:{i}'}}]\n"
        )
        config_map = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: cm-{i}-{k}, namespace: big}}\n"
        docs.extend(config_map.format(i=i, k=k) + f"data: {{K: '{k}'}}\n" for k in range(4))
    per_file = len(docs) // 10
    for f in range(10):
        (root / f"part{f}.yaml").write_text("---\n".join(docs[f * per_file : (f + 1) * per_file]))


def big_directory(tmp: Path, reps: int) -> str:
    """`check` of a 10,000-object directory against rendering it (`adk-gitops render`:
    the same files read and written back as YAML). Goal: check <= 2 x render + 1 s."""
    root = tmp / "big"
    root.mkdir()
    make_big_directory(root)
    cli = [sys.executable, "-m", "adk_gitops"]
    render = median([timed([*cli, "render", ".", "--repo", "."], cwd=root) for _ in range(reps)])
    check = median([timed([*cli, "check", ".", "--repo", "."], cwd=root) for _ in range(reps)])
    goal = 2 * render + 1
    verdict = "met" if check <= goal else f"missed by {check - goal:.2f} s"
    return (
        "| Measure | Value | Goal |\n|---|---|---|\n"
        f"| 10,000 objects in 10 files: `check` vs `render` | {check:.2f} s vs {render:.2f} s | "
        f"check ≤ 2 x render + 1 s = {goal:.2f} s: {verdict} |\n"
    )


def write_section(begin: str, end: str, text: str) -> None:
    """Replace what bench/README.md holds between two markers."""
    readme = Path(__file__).with_name("README.md")
    head, _, rest = readme.read_text().partition(begin)
    _, _, tail = rest.partition(end)
    readme.write_text(f"{head}{begin}\n{text}{end}{tail}")


def compile_package() -> None:
    """Byte-compile adk_gitops once, as pip does for an installed wheel: an editable
    install under PYTHONDONTWRITEBYTECODE=1 (set on these machines) would otherwise
    recompile every module on every start and inflate (c) and (d)."""
    import compileall

    import adk_gitops

    compileall.compile_dir(str(Path(adk_gitops.__file__).parent), quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--envs", type=int, nargs="+", default=[10, 100], help="fleet sizes (default 10 100)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per measurement (default 3)")
    parser.add_argument("--write-readme", action="store_true", help="update the table in bench/README.md")
    parser.add_argument("--inner-loop", action="store_true", help="measure only the inner-loop table")
    parser.add_argument(
        "--big-directory", action="store_true", help="measure only the 10,000-object directory"
    )
    parser.add_argument(
        "--diff", action="store_true", help="measure only `diff` against `check --changed-from`"
    )
    args = parser.parse_args()
    # The pinned renderer (scripts/install-renderer.py puts it beside this interpreter) for
    # every measure, whatever else is on PATH.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    compile_package()
    sections = {
        "diff": (lambda tmp: diff_cost(tmp, args.reps), DIFF_BEGIN, DIFF_END),
        "big_directory": (lambda tmp: big_directory(tmp, args.reps), BIG_BEGIN, BIG_END),
        "inner_loop": (lambda tmp: inner_table(inner_loop(tmp, args.reps)) + "\n", INNER_BEGIN, INNER_END),
    }
    for flag, (measure, begin, end) in sections.items():
        if getattr(args, flag):
            with tempfile.TemporaryDirectory(prefix="adk-gitops-bench-") as tmp:
                text = f"Machine: {machine()}\n\n{measure(Path(tmp))}"
            print(text)
            if args.write_readme:
                write_section(begin, end, text)
            return 0
    with tempfile.TemporaryDirectory(prefix="adk-gitops-bench-") as tmp:
        results = [bench(n, args.reps, Path(tmp)) for n in args.envs]
    text = f"Machine: {machine()}\n\n{table(results)}\n{marginal(results)}"
    print(text)
    if args.write_readme:
        write_section(BEGIN, END, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
