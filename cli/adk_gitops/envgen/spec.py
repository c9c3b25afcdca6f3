"""An environment's complete, validated description. Inputs merge in this order,
later winning: repository config < ``--from ENV`` < ``--values-file`` < flags.
Every check runs before anything is written; each failure is one line."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from decimal import Decimal
from typing import Any

from adk_gitops.adk.migration import Strategy
from adk_gitops.envgen.choices import Db, Registration, SyncPolicy
from adk_gitops.envgen.config import ConfigError, RepoConfig
from adk_gitops.kube.validation.names import dns1123_label, dns1123_subdomain, label_value
from adk_gitops.kube.validation.quantity import quantity as kube_quantity
from adk_gitops.syntax import CONNECTION_NAME, DIGEST, GSA, REPOSITORY, TAG, ImageRef, split_image

# The placeholder image name in bases/adk-agent; an env's images: entry rewrites it.
IMAGE_PLACEHOLDER = "adk-agent"
REPO_URL = re.compile(r"(https?://|ssh://|git@)[^\s]+")
SERVER_URL = re.compile(r"https://[^\s/]+(/[^\s]*)?")
# A git revision: a branch, tag or commit; no whitespace or characters git refuses in refs.
REVISION = re.compile(r"[^\s~^:?*\[\\\x00-\x1f\x7f]+")
MAX_NAME = 63


class SpecError(ConfigError):
    """An input that would produce a broken environment."""


def parse_image(text: str, label: str = "--image") -> ImageRef:
    """REPO:TAG, REPO@sha256:DIGEST or REPO:TAG@sha256:DIGEST; a release, never latest."""
    split = split_image(text)
    repository, tag, digest = split.repository, split.tag, split.digest
    if not REPOSITORY.fullmatch(repository):
        raise SpecError(f"{label} {text!r}: {repository!r} is not an image repository (registry/path/name)")
    if tag and not TAG.fullmatch(tag):
        raise SpecError(f"{label} {text!r}: {tag!r} is not a valid tag")
    if digest and not DIGEST.fullmatch(digest):
        raise SpecError(f"{label} {text!r}: digest must be sha256: and 64 hex characters")
    if not tag and not digest:
        raise SpecError(
            f"{label} {text!r}: add :TAG or @sha256:DIGEST (an untagged image deploys whatever is latest)"
        )
    if tag == "latest":
        raise SpecError(f"{label} {text!r}: 'latest' is not a release; use a version tag or a digest")
    return split


GOOGLE_PROJECT = re.compile(r"([a-z0-9.-]+:)?[a-z][-a-z0-9]{4,28}[a-z0-9]")
GOOGLE_LOCATION = re.compile(r"[a-z][-a-z0-9]{0,30}[a-z0-9]")


def secret_name(value: str, label: str) -> str:
    """``value`` when it is a valid Secret name (a DNS-1123 subdomain), else SpecError."""
    if dns1123_subdomain(value) is not None:
        raise SpecError(f"{label} {value!r} is not a valid Secret name")
    return value


def google_account(value: str, label: str) -> str:
    """``value`` when it is a Google service account e-mail, else SpecError."""
    if not GSA.fullmatch(value):
        raise SpecError(f"{label} {value!r} is not NAME@PROJECT.iam.gserviceaccount.com")
    return value


def version_label(image: ImageRef) -> str:
    """An image's tag as a label value (at most 63, alphanumeric at both ends), or
    the digest's first 12 hex digits for an image pinned by digest alone."""
    text = (image.tag or image.digest.removeprefix("sha256:")[:12])[:63].strip("-_.")
    return text if text and label_value(text) is None else "unknown"


# Argo CD Notifications' catalog triggers a failed migration and a broken rollout fire:
# docs/operator-manual/notifications/catalog.md (on-sync-failed, on-health-degraded).
NOTIFY_TRIGGERS = ("on-sync-failed", "on-health-degraded")
_SERVICE = re.compile(r"[a-z0-9]([-a-z0-9_]*[a-z0-9])?")


def subscriptions(given: Sequence[str]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``--notify SERVICE:RECIPIENT`` values as service -> recipients (given order).
    The subscription annotation is ``notifications.argoproj.io/subscribe.TRIGGER.SERVICE:
    R1;R2`` (docs/operator-manual/notifications/subscriptions.md); a Slack channel is
    named without its ``#``."""
    found: dict[str, list[str]] = {}
    for text in given:
        service, sep, recipient = text.partition(":")
        recipient = recipient.strip().removeprefix("#") if service == "slack" else recipient.strip()
        if not sep or not _SERVICE.fullmatch(service) or not recipient:
            raise SpecError(
                f"--notify {text!r}: give SERVICE:RECIPIENT, e.g. slack:#adk-alerts or "
                "email:oncall@example.com"
            )
        longest = max(len(t) for t in NOTIFY_TRIGGERS)
        if len(f"subscribe.{'x' * longest}.{service}") > MAX_NAME:
            raise SpecError(f"--notify {text!r}: service name {service!r} is too long for an annotation key")
        if ";" in recipient or any(c.isspace() or not c.isprintable() for c in recipient):
            raise SpecError(
                f"--notify {text!r}: one recipient per --notify (no ';', spaces or control characters)"
            )
        if recipient not in found.setdefault(service, []):
            found[service].append(recipient)
    return tuple((service, tuple(recipients)) for service, recipients in found.items())


def quantity(text: str, option: str) -> Decimal:
    """A resource amount as the API server parses it (kube.validation.quantity); a
    negative one is refused, as the server refuses it in requests and limits."""
    value = kube_quantity(text.strip())
    if value is None or value < 0:
        raise SpecError(f"{option} {text!r} is not a Kubernetes quantity (e.g. 250m, 1, 512Mi, 2Gi)")
    return value


@dataclass(frozen=True)
class EnvInput:
    """Everything a user can say about an environment; None means "not said"."""

    namespace: str | None = None
    db: Db | None = None
    migration: str | None = None
    image: str | None = None
    db_secret: str | None = None
    app_db_secret: str | None = None
    cloudsql_instance: str | None = None
    gsa: str | None = None
    app_gsa: str | None = None
    iam_auth: bool | None = None
    replicas: int | None = None
    cpu_request: str | None = None
    cpu_limit: str | None = None
    memory_request: str | None = None
    memory_limit: str | None = None
    registration: Registration | None = None
    project: str | None = None
    dest_server: str | None = None
    repo_url: str | None = None
    revision: str | None = None
    sync_policy: SyncPolicy | None = None
    self_heal: bool | None = None
    auto_prune: bool | None = None
    notify: tuple[str, ...] | None = None  # SERVICE:RECIPIENT, as given
    google_cloud_project: str | None = None
    google_cloud_location: str | None = None

    def over(self, base: EnvInput) -> EnvInput:
        """self's values where said, base's elsewhere."""
        said = {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) is not None}
        return replace(base, **said)

    @classmethod
    def from_values(cls, doc: dict[str, Any]) -> EnvInput:
        """From a validated --values-file document (camelCase keys)."""
        argocd = doc.get("argocd") or {}
        text = {k: (str(doc[k]) if k in doc else None) for k in ("cpuRequest", "cpuLimit")}
        return cls(
            namespace=doc.get("namespace"),
            db=Db(doc["db"]) if "db" in doc else None,
            migration=doc.get("migration"),
            image=doc.get("image"),
            db_secret=doc.get("dbSecret"),
            app_db_secret=doc.get("appDbSecret"),
            cloudsql_instance=doc.get("cloudsqlInstance"),
            gsa=doc.get("gsa"),
            app_gsa=doc.get("appGsa"),
            iam_auth=doc.get("iamAuth"),
            replicas=doc.get("replicas"),
            cpu_request=text["cpuRequest"],
            cpu_limit=text["cpuLimit"],
            memory_request=doc.get("memoryRequest"),
            memory_limit=doc.get("memoryLimit"),
            registration=Registration(doc["registration"]) if "registration" in doc else None,
            project=argocd.get("project"),
            dest_server=argocd.get("destServer"),
            repo_url=argocd.get("repoURL"),
            revision=argocd.get("revision"),
            sync_policy=SyncPolicy(argocd["syncPolicy"]) if "syncPolicy" in argocd else None,
            self_heal=argocd.get("selfHeal"),
            auto_prune=argocd.get("autoPrune"),
            notify=tuple(argocd["notify"]) if "notify" in argocd else None,
            google_cloud_project=doc.get("googleCloudProject"),
            google_cloud_location=doc.get("googleCloudLocation"),
        )


@dataclass(frozen=True)
class Resources:
    cpu_request: str | None = None
    cpu_limit: str | None = None
    memory_request: str | None = None
    memory_limit: str | None = None

    @property
    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class EnvSpec:
    app: str
    name: str
    namespace: str
    db: Db
    migration: Strategy
    image: ImageRef
    db_secret: str  # the migration's: its role owns the schema
    app_db_secret: str  # the app's (DML only); equal to db_secret: one role for both
    cloudsql_instance: str | None
    gsa: str | None  # the migration's Google service account (cloudsql)
    app_gsa: str | None  # the app's
    iam_auth: bool
    replicas: int | None
    resources: Resources
    registration: Registration
    project: str
    dest_server: str
    repo_url: str
    revision: str
    sync_policy: SyncPolicy
    self_heal: bool
    auto_prune: bool
    # Argo CD Notifications subscriptions: service -> recipients, for NOTIFY_TRIGGERS.
    notify: tuple[tuple[str, tuple[str, ...]], ...]
    # GOOGLE_CLOUD_PROJECT / GOOGLE_CLOUD_LOCATION for the agent (components/google-cloud).
    google_cloud_project: str | None
    google_cloud_location: str | None
    argocd_namespace: str

    @property
    def application_name(self) -> str:
        return f"{self.app}-{self.name}"

    @property
    def version(self) -> str:
        """The app.kubernetes.io/version label: the image's tag (a label value)."""
        return version_label(self.image)

    @property
    def two_roles(self) -> bool:
        """The app logs in with its own, DML-only role (README, "Two database roles")."""
        return self.app_db_secret != self.db_secret


def _label(value: str, what: str) -> str:
    if dns1123_label(value) is not None:
        raise SpecError(
            f"{what} {value!r} is not a DNS-1123 label (lowercase letters, digits, '-', at most 63)"
        )
    return value


def resolve(name: str, given: EnvInput, config: RepoConfig) -> EnvSpec:
    """Validate everything; the first problem raises SpecError."""
    _label(name, "environment name")
    if len(f"{config.app}-{name}") > MAX_NAME:
        raise SpecError(f"Application name {config.app}-{name!r} is longer than {MAX_NAME} characters")
    db = given.db or config.db
    migration_name = given.migration or config.migration
    try:
        migration = Strategy(migration_name)
    except ValueError:
        raise SpecError(f"--migration {migration_name!r}: choose upgrade or prepare-tables") from None
    namespace = _label(given.namespace or f"{config.app}-{name}", "--namespace")
    image = parse_image(given.image) if given.image else None
    if image is None:
        raise SpecError(f"--image is required: {config.image}:TAG (or @sha256:DIGEST)")
    db_secret = secret_name(given.db_secret or config.db_secret, "--db-secret")
    app_db_secret = secret_name(given.app_db_secret or config.app_db_secret, "--app-db-secret")
    instance, gsa, iam = given.cloudsql_instance, given.gsa, bool(given.iam_auth)
    app_gsa = given.app_gsa
    if db is Db.CLOUDSQL:
        if not instance:
            raise SpecError("--db cloudsql needs --cloudsql-instance PROJECT:REGION:INSTANCE")
        if not CONNECTION_NAME.fullmatch(instance):
            raise SpecError(
                f"--cloudsql-instance {instance!r} is not PROJECT:REGION:INSTANCE[?OPTION=VALUE&...] "
                "(options: address, port, unix-socket, unix-socket-path, auto-iam-authn, private-ip, psc)"
            )
        if "address=0.0.0.0" in instance:
            raise SpecError(
                f"--cloudsql-instance {instance!r}: address=0.0.0.0 serves the database to the whole pod "
                "network; leave address out (the proxy listens on 127.0.0.1)"
            )
        if not gsa:
            raise SpecError(
                "--db cloudsql needs --gsa NAME@PROJECT.iam.gserviceaccount.com (Workload Identity)"
            )
        google_account(gsa, "--gsa")
        if app_gsa:
            google_account(app_gsa, "--app-gsa")
        if iam and app_db_secret != db_secret and (app_gsa or gsa) == gsa:
            # IAM database authentication logs in *as* the Google service account.
            raise SpecError(
                "--iam-auth with two database roles needs --app-gsa, the app's own Google service "
                "account (IAM authentication logs each pod in as its account)"
            )
        app_gsa = app_gsa or gsa
    else:
        for option, value in (
            ("--cloudsql-instance", instance),
            ("--gsa", gsa),
            ("--app-gsa", app_gsa),
            ("--iam-auth", iam or None),
        ):
            if value:
                raise SpecError(f"{option} only applies to --db cloudsql")
        instance = gsa = app_gsa = None
    project, location = given.google_cloud_project, given.google_cloud_location
    if instance and not project:  # PROJECT:REGION:INSTANCE (a domain-scoped project holds a ':')
        project, location = instance.split("?")[0].rsplit(":", 2)[0], location or instance.rsplit(":", 2)[1]
    if project and not GOOGLE_PROJECT.fullmatch(project):
        raise SpecError(f"--google-cloud-project {project!r} is not a Google Cloud project id")
    if location and not GOOGLE_LOCATION.fullmatch(location):
        raise SpecError(
            f"--google-cloud-location {location!r} is not a Google Cloud location (e.g. europe-west1)"
        )
    if bool(project) != bool(location):
        raise SpecError("--google-cloud-project and --google-cloud-location go together")
    if given.replicas is not None and given.replicas < 0:
        raise SpecError(f"--replicas {given.replicas}: must be 0 or more")
    resources = Resources(given.cpu_request, given.cpu_limit, given.memory_request, given.memory_limit)
    for option, request, limit in (
        ("cpu", resources.cpu_request, resources.cpu_limit),
        ("memory", resources.memory_request, resources.memory_limit),
    ):
        req = quantity(request, f"--{option}-request") if request else None
        lim = quantity(limit, f"--{option}-limit") if limit else None
        if req is not None and lim is not None and req > lim:
            raise SpecError(f"--{option}-request {request} is above --{option}-limit {limit}")
    registration = given.registration or config.registration
    if registration is Registration.APPSET and namespace != f"{config.app}-{name}":
        raise SpecError(
            f"--registration appset names namespaces {config.app}-<env>; drop --namespace {namespace}"
        )
    repo_url = given.repo_url or config.repo_url
    if not REPO_URL.fullmatch(repo_url):
        raise SpecError(f"--repo-url {repo_url!r} is not a git URL (https://, ssh:// or git@)")
    scheme, _, rest = repo_url.partition("://")
    if scheme in ("http", "https") and "@" in rest.split("/", 1)[0]:
        # Printed here without them: what was given is a secret.
        raise SpecError(
            f"--repo-url {scheme}://{rest.split('@', 1)[1]}: credentials in the URL would be committed; "
            "give Argo CD the repository's credentials in a repository Secret instead"
        )
    revision = given.revision or config.revision
    if not REVISION.fullmatch(revision) or revision.startswith("-"):
        raise SpecError(f"--revision {revision!r} is not a git branch, tag or commit")
    dest_server = given.dest_server or config.dest_server
    if not SERVER_URL.fullmatch(dest_server):
        raise SpecError(f"--dest-server {dest_server!r} is not a cluster URL (https://HOST[:PORT])")
    sync_policy = given.sync_policy or config.sync_policy
    if sync_policy is SyncPolicy.MANUAL and (given.self_heal or given.auto_prune):
        raise SpecError("--self-heal and --auto-prune need --sync-policy automated")
    return EnvSpec(
        app=config.app,
        name=name,
        namespace=namespace,
        db=db,
        migration=migration,
        image=image,
        db_secret=db_secret,
        app_db_secret=app_db_secret,
        cloudsql_instance=instance,
        gsa=gsa,
        app_gsa=app_gsa,
        iam_auth=iam,
        replicas=given.replicas,
        resources=resources,
        registration=registration,
        project=given.project or config.project,
        dest_server=dest_server,
        repo_url=repo_url,
        revision=revision,
        sync_policy=sync_policy,
        self_heal=bool(given.self_heal),
        auto_prune=bool(given.auto_prune),
        notify=subscriptions(given.notify or ()),
        google_cloud_project=project,
        google_cloud_location=location,
        argocd_namespace=config.argocd_namespace,
    )
