"""`new-env --notify` subscriptions, accepted by the real API server with Argo CD's
own CRDs (the controller that sends them, argocd-notifications, is not run here:
the subscription is an annotation it reads, docs/operator-manual/notifications/
subscriptions.md of argo-cd v3.6.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from adk_gitops.commands.app import app
from tests.cluster.conftest import ApiServer
from tests.conftest import copy_example

IMAGE = "us-docker.pkg.dev/my-project/adk/adk-agent:2026.11.1"


@pytest.mark.parametrize("registration", ["app", "appset"])
def test_the_subscription_is_accepted_by_the_application_crd(
    argocd_crds: ApiServer, tmp_path: Path, registration: str
) -> None:
    root = copy_example(tmp_path / "repo")
    result = CliRunner().invoke(
        app,
        [
            "new-env", "alerts", "--image", IMAGE, "--registration", registration, "--repo", str(root),
            "--notify", "slack:#adk-alerts", "--notify", "email:oncall@example.com",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    path = root / ("argocd/apps/alerts.yaml" if registration == "app" else "argocd/appsets/adk-agent.yaml")
    doc = yaml.safe_load(path.read_text())
    metadata = doc["metadata"] if registration == "app" else doc["spec"]["template"]["metadata"]
    assert metadata["annotations"] == {
        "notifications.argoproj.io/subscribe.on-sync-failed.slack": "adk-alerts",
        "notifications.argoproj.io/subscribe.on-sync-failed.email": "oncall@example.com",
        "notifications.argoproj.io/subscribe.on-health-degraded.slack": "adk-alerts",
        "notifications.argoproj.io/subscribe.on-health-degraded.email": "oncall@example.com",
    }
    argocd_crds.kubectl("create", "namespace", "argocd")  # may exist already: then this fails harmlessly
    done = argocd_crds.kubectl(
        "create", "--dry-run=server", "--validate=strict", "-f", str(path), "-o", "yaml"
    )
    assert done.returncode == 0, done.stderr
    accepted = yaml.safe_load(done.stdout)
    kept = accepted["metadata"] if registration == "app" else accepted["spec"]["template"]["metadata"]
    assert kept["annotations"] == metadata["annotations"]
