"""`adk-gitops diff` on real git histories of the shipped example, rendered by the
real kustomize: what each kind of change does to each environment, as golden
output (commits have fixed dates, so the output is byte-identical run to run)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from adk_gitops.diff.impacts import Impact
from adk_gitops.diff.preview import DiffReport, EnvironmentDiff
from adk_gitops.kustomize.renderer import Renderer
from adk_gitops.reporters.diff import diff_markdown
from tests.conftest import REPO, copy_example

GOLDEN = REPO / "tests/golden/diff"
IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent"
FIXED = {"GIT_AUTHOR_DATE": "2026-12-01T00:00:00Z", "GIT_COMMITTER_DATE": "2026-12-01T00:00:00Z"}


def git(root: Path, *args: str) -> None:
    env = {**os.environ, **FIXED, "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    done = subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", *args],
        cwd=root, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.fixture()
def repo(tmp_path: Path, renderer: Renderer) -> Path:
    """The shipped example as the default branch `main`, with a branch `pr` checked out."""
    root = copy_example(tmp_path / "gitops")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "the shipped example")
    git(root, "checkout", "-qb", "pr")
    return root


def diff(cli: CliRunner, root: Path, *args: str) -> tuple[int, str, str]:
    result = cli.invoke(app, ["diff", "--repo", str(root), *args])
    return result.exit_code, result.stdout, result.stderr


def run_cli(cli: CliRunner, root: Path, *args: str) -> None:
    result = cli.invoke(app, [*args, "--repo", str(root)])
    assert result.exit_code == 0, result.stderr


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"differs from {path} (UPDATE_GOLDEN=1 rewrites it)"


def edit(path: Path, change: Callable[[str], str]) -> None:
    path.write_text(change(path.read_text()))


def test_an_image_bump_runs_the_migration_before_the_rollout(cli: CliRunner, repo: Path) -> None:
    run_cli(cli, repo, "set-image", "postgres", f"{IMAGE}:2026.12.0")
    git(repo, "commit", "-qam", "bump")
    code, out, err = diff(cli, repo)
    assert code == 1, err
    golden("image-bump.txt", out)
    code, out, _ = diff(cli, repo, "--fail-on-impact", "migration", "-o", "json")
    assert code == 1
    doc = json.loads(out)
    jsonschema.validate(
        doc, json.loads((REPO / "cli/adk_gitops/reporters/schemas/output-diff.json").read_text())
    )
    assert [e["target"] for e in doc["environments"]] == ["overlays/postgres"]  # cloudsql is not affected
    impacts = [i["impact"] for i in doc["environments"][0]["impacts"]]
    assert impacts == ["migration", "rollout"]
    code, out, _ = diff(cli, repo, "-o", "markdown")
    golden("image-bump.md", out)
    # The README shows this very comment, rendered from the shipped example.
    assert out in (REPO / "README.md").read_text()


def test_a_values_only_change_names_what_changes_and_restarts(cli: CliRunner, repo: Path) -> None:
    """A new app Secret name: the Deployment's pod template changes, the Job's does not."""
    edit(
        repo / "overlays/cloudsql/values.yaml",
        lambda t: t.replace("appDbSecret: adk-agent-db-app", "appDbSecret: agent-db-v2"),
    )
    code, out, err = diff(cli, repo)  # uncommitted: the working tree is the change
    assert code == 1, err
    golden("values-only.txt", out)
    code, _, _ = diff(cli, repo, "--fail-on-impact", "migration")
    assert code == 1  # every sync runs the hook again: the migration line is there, same image


def test_an_environment_is_named_by_its_name_or_its_folder(cli: CliRunner, repo: Path) -> None:
    edit(
        repo / "overlays/cloudsql/values.yaml",
        lambda t: t.replace("appDbSecret: adk-agent-db-app", "appDbSecret: agent-db-v2"),
    )
    by_folder = diff(cli, repo, "overlays/cloudsql")
    assert by_folder[0] == 1 and "overlays/cloudsql" in by_folder[1]
    assert diff(cli, repo, "cloudsql") == by_folder
    assert diff(cli, repo, "postgres")[0] == 0  # named, and not affected


def test_a_new_and_a_removed_environment(cli: CliRunner, repo: Path) -> None:
    run_cli(cli, repo, "new-env", "staging", "--image", f"{IMAGE}:2026.12.0")
    shutil.rmtree(repo / "overlays/cloudsql")
    (repo / "argocd/apps/cloudsql.yaml").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "staging in, cloudsql out")
    code, out, err = diff(cli, repo)
    assert code == 1, err
    golden("new-and-removed.txt", out)


def test_removed_objects_say_what_the_next_sync_does_with_them(cli: CliRunner, repo: Path) -> None:
    """Two objects on main that the pull request removes: the Application now prunes
    automatically, and one object carries Prune=false (gitops-engine keeps it)."""
    overlay = repo / "overlays/postgres"
    (overlay / "extra.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {a: b}\n---\n"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep-me\n"
        "  annotations: {argocd.argoproj.io/sync-options: Prune=false}\ndata: {a: b}\n"
    )
    edit(
        overlay / "kustomization.yaml", lambda t: t.replace("resources:\n", "resources:\n  - extra.yaml\n", 1)
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "two ConfigMaps")
    git(repo, "branch", "-f", "main")
    (overlay / "extra.yaml").unlink()
    edit(overlay / "kustomization.yaml", lambda t: t.replace("  - extra.yaml\n", "", 1))
    edit(
        repo / "argocd/apps/postgres.yaml",
        lambda t: t.replace("  syncPolicy:\n", "  syncPolicy:\n    automated: {prune: true}\n", 1),
    )
    git(repo, "commit", "-qam", "drop them, prune automatically")
    code, out, err = diff(cli, repo, "-o", "json")
    assert code == 1, err
    (env,) = [e for e in json.loads(out)["environments"] if e["target"] == "overlays/postgres"]
    removed = [i["text"] for i in env["impacts"] if i["impact"] == "objects-removed"]
    assert removed == [
        "1 removed: ConfigMap/extra -n adk-agent-postgres "
        "(deleted by the next automated sync: automated.prune)",
        "1 removed: ConfigMap/keep-me -n adk-agent-postgres (kept in the cluster: Prune=false)",
    ]


def test_a_component_change_reaches_every_environment_and_masks_secret_values(
    cli: CliRunner, repo: Path
) -> None:
    """One base change, two environments; a generated Secret's value changes: masked,
    and its new hash suffix is a content change, not a delete and an add."""
    for env in ("postgres", "cloudsql"):
        edit(
            repo / f"overlays/{env}/kustomization.yaml",
            lambda t: t + "secretGenerator:\n  - name: api-key\n    literals: [key=old-value-1]\n",
        )
    git(repo, "commit", "-qam", "a generated Secret on main")
    git(repo, "branch", "-f", "main")
    edit(repo / "bases/adk-agent/deployment.yaml", lambda t: t.replace("replicas: 1", "replicas: 2"))
    edit(repo / "overlays/postgres/kustomization.yaml", lambda t: t.replace("old-value-1", "new-value-2"))
    code, out, err = diff(cli, repo)
    assert code == 1, err
    assert "old-value-1" not in out and "new-value-2" not in out
    assert "Secret/api-key" in out and "added" not in out.split("overlays/postgres")[1].split("\n")[1]
    golden("component-and-secret.txt", out)


def test_a_change_that_breaks_the_first_sync_says_so(cli: CliRunner, repo: Path) -> None:
    """The migration Job's ServiceAccount moved into the Sync phase: the PreSync Job
    would wait for it forever (a deadlock `plan` reports)."""
    edit(
        repo / "bases/adk-agent/migration-serviceaccount.yaml",
        lambda t: (
            t.replace("    argocd.argoproj.io/hook: PreSync\n", "")
            .replace('    argocd.argoproj.io/sync-wave: "-10"\n', "")
            .replace("    argocd.argoproj.io/hook-delete-policy: BeforeHookCreation\n", "")
        ),
    )
    code, out, err = diff(cli, repo, "overlays/postgres", "--fail-on-impact", "sync-error")
    assert code == 1, err
    golden("first-sync-broken.txt", out)


def test_a_side_that_fails_to_render_is_shown_and_the_others_still_diffed(cli: CliRunner, repo: Path) -> None:
    edit(
        repo / "overlays/postgres/kustomization.yaml",
        lambda t: t.replace("  - values.yaml\n", "  - missing.yaml\n"),
    )
    edit(repo / "components/db-cloudsql/proxy-sidecar.yaml", lambda t: t.replace("cpu: 50m", "cpu: 60m"))
    edit(repo / "components/db-postgres/agent-env.yaml", lambda t: t + "\n")  # postgres is affected too
    code, out, err = diff(cli, repo, "-o", "json")
    assert code == 1, err
    envs = {e["target"]: e for e in json.loads(out)["environments"]}
    broken = envs["overlays/postgres"]
    assert [i["impact"] for i in broken["impacts"]] == ["render-failed"]
    assert broken["render_errors"]["base"] is None and "missing.yaml" in broken["render_errors"]["change"]
    assert broken["objects"] == []
    assert [o["kind"] for o in envs["overlays/cloudsql"]["objects"]] == ["Job", "Deployment"]


def test_no_change_is_exit_0(cli: CliRunner, repo: Path) -> None:
    code, out, err = diff(cli, repo)
    assert (code, err) == (0, "")
    assert out.startswith("# diff against main (") and "0 of 0 affected" in out


def test_changed_from_names_the_base_as_check_does(cli: CliRunner, repo: Path) -> None:
    """diff's base is check's --changed-from REF; --from stays its other name."""
    assert diff(cli, repo, "--changed-from", "main") == diff(cli, repo, "--from", "main")
    assert diff(cli, repo, "--changed-from", "main")[0] == 0


def test_a_bad_revision_is_one_line_and_exit_2(cli: CliRunner, repo: Path) -> None:
    code, out, err = diff(cli, repo, "--from", "no-such-branch")
    assert (code, out) == (2, "") and err.count("\n") == 1 and "--from no-such-branch" in err


def test_markdown_is_capped_without_breaking_a_fence() -> None:
    """A huge diff: each section is cut to its share, the code fence stays closed, and
    a backtick run inside the diff cannot close the fence early."""
    from adk_gitops.diff.impacts import ImpactLine
    from adk_gitops.diff.objects import ObjectChange, ObjectKey, Status

    lines = tuple(f"+line {i} ```` with backticks" for i in range(5000))
    change = ObjectChange(ObjectKey("", "ConfigMap", "ns", "big"), Status.CHANGED, None, None, lines)
    env = EnvironmentDiff(
        "overlays/big", (ImpactLine(Impact.CONFIGURATION, "configuration only"),), (change,)
    )
    text = diff_markdown(DiffReport("main", "0" * 40, (env, env)), limit=20_000)
    assert len(text) < 21_000
    assert text.count("`````diff") == 2 and text.count("\n`````\n") == 2  # longer than any run inside
    assert "Cut to fit a comment" in text


def test_the_shipped_workflow_posts_the_markdown_comment() -> None:
    """docs/ci.md's recipe runs diff -o markdown (checked as YAML, the command as written)."""
    text = (REPO / "docs/ci.md").read_text()
    block = text.split("```yaml\n# diff")[1].split("```")[0]
    steps = yaml.safe_load("# diff" + block)["jobs"]["diff"]["steps"]
    assert any(
        "adk-gitops diff --from" in str(s.get("run", "")) and "-o markdown" in str(s.get("run", ""))
        for s in steps
    )
