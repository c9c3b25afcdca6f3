"""The closed choices of an environment, shared by the CLI options, the repository
config and the spec (imported at start-up by the CLI: keep it free of imports)."""

from __future__ import annotations

from enum import StrEnum


class Db(StrEnum):
    POSTGRES = "postgres"
    CLOUDSQL = "cloudsql"


class Registration(StrEnum):
    APP = "app"  # one Application per environment, under argocd/apps/
    APPSET = "appset"  # one ApplicationSet over overlays/*, under argocd/appsets/


class SyncPolicy(StrEnum):
    MANUAL = "manual"
    AUTOMATED = "automated"
