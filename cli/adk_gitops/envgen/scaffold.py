"""``adk-gitops init``: a GitOps repository for an existing ADK agent.

The bases and components come from the package's ``assets/`` folder, which in
this repository are symlinks to its own ``bases/`` and ``components/``: one
source, copied into wheels at build time, so a scaffold can never drift from
what this project tests."""

from __future__ import annotations

import importlib.resources
import subprocess
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from adk_gitops import CONFIG_FILE, __version__, txn
from adk_gitops.envgen.apply import ChangeStatus, FileChange, changes_for, write
from adk_gitops.envgen.config import ConfigError, validate
from adk_gitops.envgen.files import scalar
from adk_gitops.errors import AdkGitopsError

PLACEHOLDER_REPO_URL = "https://github.com/example/adk-agent-gitops.git"
KUSTOMIZE_VERSION = "5.6.0"  # what the scaffolded CI renders with (the same as our pinned kubectl's)
KUSTOMIZE_URL = (
    "https://github.com/kubernetes-sigs/kustomize/releases/download/"
    f"kustomize%2Fv{KUSTOMIZE_VERSION}/kustomize_v{KUSTOMIZE_VERSION}_linux_amd64.tar.gz"
)
HOOK_FILES = r"^(bases|components|overlays|argocd)/|^adk-gitops\.yaml$"


@dataclass(frozen=True)
class ScaffoldOptions:
    app: str = "adk-agent"
    image: str = "us-docker.pkg.dev/my-project/adk/adk-agent"
    repo_url: str = PLACEHOLDER_REPO_URL
    revision: str = "main"
    dest_server: str = "https://kubernetes.default.svc"

    @property
    def project(self) -> str:
        return self.app


def git_origin(directory: Path) -> str | None:
    """The folder's git remote ``origin``, to prefill the Argo CD repo URL."""
    try:
        out = subprocess.run(
            ["git", "-C", str(directory), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    url = out.stdout.strip()
    return url if out.returncode == 0 and url else None


def _walk(node: Traversable, prefix: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        path = f"{prefix}/{child.name}"
        if child.is_dir():
            files.update(_walk(child, path))
        elif child.name.endswith((".yaml", ".yml")):
            files[path] = child.read_text(encoding="utf-8")
    return files


def shipped_manifests() -> dict[str, str]:
    """bases/ and components/ exactly as this adk-gitops version ships them."""
    assets = importlib.resources.files("adk_gitops") / "assets"
    return {**_walk(assets / "bases", "bases"), **_walk(assets / "components", "components")}


def config(o: ScaffoldOptions) -> str:
    return f"""# Repository defaults for `adk-gitops new-env`.
app: {scalar(o.app)}
# The agent's image repository (no tag): each environment picks its tag.
image: {scalar(o.image)}
db: postgres
# How each environment's PreSync Job migrates the session database:
#   prepare-tables: released google-adk (2.x): DatabaseSessionService.prepare_tables()
#   upgrade:        an ADK that has `adk migrate upgrade` (google/adk-python PR #4408)
# Switch one environment later with `adk-gitops set-migration ENV STRATEGY`.
migration: prepare-tables
# Two database roles: the migration's owns the schema, the app's may only read and
# write rows (README.md, "Two database roles"). The same name twice: one role.
dbSecret: {scalar(o.app + "-db")}
appDbSecret: {scalar(o.app + "-db-app")}
argocd:
  repoURL: {scalar(o.repo_url)}
  revision: {scalar(o.revision)}
  project: {scalar(o.project)}
  destServer: {scalar(o.dest_server)}
  namespace: argocd
  syncPolicy: manual
"""


def project(o: ScaffoldOptions) -> str:
    return f"""# The Argo CD project of this repository's environments: it may only deploy
# from this repository, into the namespaces listed here (new-env adds one per
# environment, keeping this file's comments and order).
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: {scalar(o.project)}
  namespace: argocd
spec:
  description: ADK agent environments managed by adk-gitops
  sourceRepos:
    - {scalar(o.repo_url)}
  destinations:
    # The Applications themselves live in argocd's namespace (app of apps).
    - server: {scalar(o.dest_server)}
      namespace: argocd
  # Cluster-scoped objects: only each environment's own Namespace, which
  # CreateNamespace=true creates before the PreSync migration; Argo CD checks it
  # against this list like any other object (new-env adds one entry each).
  clusterResourceWhitelist: []
"""


def root_application(o: ScaffoldOptions) -> str:
    return f"""# App of apps: apply this once (kubectl apply -n argocd -f argocd/root.yaml);
# it then syncs every Application under argocd/apps/ and every ApplicationSet
# under argocd/appsets/ that new-env writes (--registration app or appset).
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: {scalar(o.app + "-root")}
  namespace: argocd
spec:
  project: {scalar(o.project)}
  source:
    repoURL: {scalar(o.repo_url)}
    targetRevision: {scalar(o.revision)}
    path: argocd
    directory:
      recurse: true
      include: "{{apps/*.yaml,appsets/*.yaml}}"
  destination:
    server: {scalar(o.dest_server)}
    namespace: argocd
  syncPolicy:
    automated:
      prune: false
      selfHeal: true
"""


def workflow() -> str:
    return f"""# Checks every overlay on each pull request: findings become inline annotations
# and code-scanning alerts (SARIF).
name: adk-gitops
on:
  pull_request:
  push:
    branches: [main]
permissions:
  contents: read
  security-events: write  # upload SARIF
jobs:
  check:
    runs-on: ubuntu-latest
    env:
      # Pin the adk-gitops you use (a PyPI version, or a git URL: "adk-gitops @ git+https://...").
      ADK_GITOPS: "adk-gitops=={__version__}"
    steps:
      - uses: actions/checkout@v4
        with:
          # Pull requests are untrusted input: leave no token in .git/config for them to read.
          persist-credentials: false
          fetch-depth: 0  # the base branch, for --changed-from
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install adk-gitops
        run: pip install "$ADK_GITOPS"
      - name: Install kustomize
        # Pinned, so every run renders with the same kustomize; adk-gitops prefers it to kubectl.
        run: |
          mkdir -p "$HOME/.local/bin"
          curl -fsSL "{KUSTOMIZE_URL}" | tar -xz -C "$HOME/.local/bin" kustomize
          echo "$HOME/.local/bin" >> "$GITHUB_PATH"
          "$HOME/.local/bin/kustomize" version
      - name: Check (annotations)
        # Never --allow-remote here: a pull request's kustomization must not reach the network.
        # A pull request checks what it changes (a changed base: every overlay using it); main, all.
        run: |
          if [ "$GITHUB_EVENT_NAME" = pull_request ]; then
            adk-gitops check -o github --changed-from "origin/$GITHUB_BASE_REF"
          else
            adk-gitops check -o github
          fi
      - name: Check (SARIF)
        if: always()
        run: adk-gitops check -o sarif --output adk-gitops.sarif || true
      - uses: github/codeql-action/upload-sarif@v3
        if: always()
        with:
          sarif_file: adk-gitops.sarif
          category: adk-gitops
  diff:
    # What the pull request does to each environment (migration? rollout?), as one
    # sticky comment, and in the job summary (the only place for pull requests from
    # forks, which GitHub gives no write permission).
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-latest
    permissions:
      contents: read
      pull-requests: write
    env:
      ADK_GITOPS: "adk-gitops=={__version__}"
    steps:
      - uses: actions/checkout@v4
        with:
          persist-credentials: false
          fetch-depth: 0  # the base branch's tree: the left side of the diff
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install adk-gitops and kustomize
        run: |
          pip install "$ADK_GITOPS"
          mkdir -p "$HOME/.local/bin"
          curl -fsSL "{KUSTOMIZE_URL}" | tar -xz -C "$HOME/.local/bin" kustomize
          echo "$HOME/.local/bin" >> "$GITHUB_PATH"
      - name: Diff
        # Exit 1 means "this changes something": not a failure here.
        run: |
          adk-gitops diff --from "origin/$GITHUB_BASE_REF" -o markdown --output diff.md || test $? -eq 1
          cat diff.md >> "$GITHUB_STEP_SUMMARY"
      - uses: marocchino/sticky-pull-request-comment@v2
        if: github.event.pull_request.head.repo.full_name == github.repository
        with:
          header: adk-gitops-diff
          path: diff.md
"""


def precommit() -> str:
    return f"""# pre-commit install, then every commit touching manifests runs adk-gitops check.
repos:
  - repo: local
    hooks:
      - id: adk-gitops-check
        name: adk-gitops check
        # Only what the staged files affect: a changed base re-checks every overlay using it.
        entry: adk-gitops check --changed
        language: system
        pass_filenames: true
        files: {HOOK_FILES}
"""


def readme(o: ScaffoldOptions) -> str:
    return f"""# {o.app}: GitOps environments

Generated by `adk-gitops init` ({__version__}). Argo CD deploys the ADK agent `{o.app}` from here; every
environment runs the session-database migration once, as a PreSync hook, before its new pods start.

- `bases/`, `components/`: the agent, its migration Job, and the database flavours (plain PostgreSQL,
  Cloud SQL through the Auth Proxy). Shipped by adk-gitops; change them deliberately.
- `overlays/<env>/`: one folder per environment, data only. Create with
  `adk-gitops new-env <env> --image {o.image}:TAG` (add `--db cloudsql --cloudsql-instance P:R:I --gsa ...`).
- `argocd/`: the AppProject, the app of apps (`root.yaml`, apply it once) and one Application per environment.
- `adk-gitops.yaml`: defaults for `new-env`. Check `argocd.repoURL`.

Day to day:

```sh
adk-gitops check                  # what CI runs (.github/workflows/adk-gitops.yaml)
adk-gitops plan overlays/<env>    # the order Argo CD will sync in
adk-gitops set-image <env> {o.image}:TAG
adk-gitops promote staging prod
pre-commit install                # run check before each commit
```

Before an environment's first sync, create its database Secret (`new-env` prints the command).
"""


def scaffold_files(o: ScaffoldOptions) -> dict[str, str]:
    files = shipped_manifests()
    files.update(
        {
            CONFIG_FILE: config(o),
            "argocd/project.yaml": project(o),
            "argocd/root.yaml": root_application(o),
            "argocd/apps/.gitkeep": "",
            "overlays/.gitkeep": "",
            ".github/workflows/adk-gitops.yaml": workflow(),
            ".pre-commit-config.yaml": precommit(),
            "README.md": readme(o),
        }
    )
    return files


@dataclass(frozen=True)
class InitPlan:
    root: Path
    create: tuple[FileChange, ...]  # written
    kept: tuple[str, ...]  # existing files that differ from the scaffold: never overwritten
    unchanged: tuple[str, ...]


def write_init(plan: InitPlan) -> None:
    """Create the repository's folder and write the scaffold under its lock."""
    try:
        plan.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AdkGitopsError(f"{plan.root}: cannot create: {exc.strerror}") from None
    with txn.locked(plan.root):
        write(plan.root, plan.create)


def plan_init(root: Path, options: ScaffoldOptions, *, force: bool) -> InitPlan:
    """What init would do; raise ConfigError before anything is written."""
    import yaml

    if root.exists() and not root.is_dir():
        raise ConfigError(f"{root}: exists and is not a folder")
    existing = [p.name for p in root.iterdir() if p.name != ".git"] if root.is_dir() else []
    if existing and not force:
        raise ConfigError(
            f"{root} is not empty: --force adds the scaffold's missing files and keeps every existing one"
        )
    files = scaffold_files(options)
    validate(yaml.safe_load(files[CONFIG_FILE]), "config.schema.json", f"{CONFIG_FILE} (from the options)")
    changes = (
        changes_for(root, files)
        if root.is_dir()
        else [FileChange(p, None, t) for p, t in sorted(files.items())]
    )
    return InitPlan(
        root,
        tuple(c for c in changes if c.status is ChangeStatus.CREATE),
        tuple(c.path for c in changes if c.status is ChangeStatus.UPDATE),
        tuple(c.path for c in changes if c.status is ChangeStatus.UNCHANGED),
    )
