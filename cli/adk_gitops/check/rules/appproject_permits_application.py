"""## What it does
Checks each Argo CD Application against its AppProject as Argo CD's controller
does on every refresh (util/argo/argo.go `ValidatePermissions`): the project
exists (declared in this repository, or Argo CD's built-in `default`), every
source's `repoURL` matches `sourceRepos` (globs, `!` to deny), and the
destination (server or name, and namespace; globs and `!` negation) matches
`destinations`. Skipped when the repository declares no AppProject at all and
the project is not `default`: it lives elsewhere and cannot be judged here.

## Why is this bad?
Each failure is an `InvalidSpecError` condition on the Application, and a sync
ends at once with it (controller/sync.go `SyncAppState`): nothing is compared
or applied, e.g. `application destination server 'https://kubernetes.default.svc'
and namespace 'adk-agent-dev' do not match any of the allowed destinations in
project 'adk-agent'`.

## Example
```yaml
# argocd/project.yaml: destinations lists adk-agent-prod only
spec: {destination: {server: https://kubernetes.default.svc, namespace: adk-agent-dev}}
```

## Use instead
```yaml
# argocd/project.yaml
destinations:
  - {server: https://kubernetes.default.svc, namespace: adk-agent-dev}
```
"""

from __future__ import annotations

from collections.abc import Iterator

from adk_gitops.argocd.appproject import DEFAULT_PROJECT, application_refusals, project_name
from adk_gitops.check.model import Severity, Violation
from adk_gitops.check.rules._apps import applications
from adk_gitops.check.rules._context import Context
from adk_gitops.check.rules._helpers import violation
from adk_gitops.check.rules._rule import Category, Rule


def _check(ctx: Context) -> Iterator[Violation]:
    projects = ctx.repo.projects if ctx.repo is not None else {}
    for app in applications(ctx):
        if not projects and project_name(app) != DEFAULT_PROJECT:
            continue  # the project is declared elsewhere
        for refusal in application_refusals(app, projects):
            yield violation(app, refusal.pointer, refusal.message)


RULE = Rule(
    category=Category.APPLICATIONS,
    id="appproject-permits-application",
    severity=Severity.ERROR,
    summary="Every Application's project exists and permits its source and destination.",
    fix="Name an existing AppProject, or allow the repository and destination in it.",
    check=_check,
    doc=__doc__ or "",
)
