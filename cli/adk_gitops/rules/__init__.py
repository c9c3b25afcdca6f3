"""The rule catalogue: every rule, listed explicitly, in documentation order."""

from __future__ import annotations

from adk_gitops.rules import (
    app_auto_migrate_disabled,
    application_name_length,
    application_name_unique,
    application_namespace_matches,
    application_namespace_shared,
    application_source_path,
    application_system_namespace,
    cloudsql_instance_name,
    cloudsql_proxy_image_pinned,
    cloudsql_proxy_native_sidecar,
    cloudsql_proxy_port_matches_url,
    cloudsql_proxy_startup_probe,
    cloudsql_workload_identity,
    db_secret_consistent,
    db_url_async_driver,
    db_url_literal_credentials,
    db_url_password_variable,
    delete_policy_without_hook,
    drop_all_capabilities,
    edit_interrupted,
    env_reference_defined,
    helm_hook_annotations,
    helm_hook_supported,
    hook_completes,
    hook_delete_policy_valid,
    hook_dependency_order,
    hook_dependency_preexisting,
    hook_job_before_hook_creation,
    hook_namespace_exists,
    hook_native_sidecar_finalizer,
    hook_reads_generated_name,
    hook_type_valid,
    ignore_annotation_valid,
    image_placeholder,
    image_tag_pinned,
    internal_error,
    job_active_deadline,
    job_backoff_limit,
    job_restart_policy,
    job_single_pod,
    job_ttl_after_finished,
    kustomize_deprecated_fields,
    kustomize_image_unused,
    migration_image_matches_app,
    migration_job_presync_hook,
    migration_job_required,
    migration_runs_before_app,
    migration_strategy_known,
    native_sidecar_kubernetes_version,
    no_host_access,
    no_privilege_escalation,
    object_unique,
    overlay_renders_objects,
    path_outside_repository,
    remote_reference,
    render_failed,
    resources_set,
    run_as_non_root,
    run_as_user_numeric,
    schema_known,
    schema_valid,
    seccomp_profile,
    secret_in_manifests,
    sync_wave_integer,
)
from adk_gitops.rules._rule import Rule

CATEGORIES: tuple[tuple[str, tuple[Rule, ...]], ...] = (
    ("Argo CD sync order", (
        migration_job_presync_hook.RULE,
        migration_runs_before_app.RULE,
        hook_type_valid.RULE,
        hook_delete_policy_valid.RULE,
        delete_policy_without_hook.RULE,
        sync_wave_integer.RULE,
        hook_job_before_hook_creation.RULE,
        helm_hook_annotations.RULE,
        helm_hook_supported.RULE,
        hook_dependency_order.RULE,
        hook_dependency_preexisting.RULE,
        hook_namespace_exists.RULE,
        hook_completes.RULE,
        hook_reads_generated_name.RULE,
    )),
    ("Migration", (
        migration_job_required.RULE,
        migration_strategy_known.RULE,
        job_active_deadline.RULE,
        job_backoff_limit.RULE,
        job_restart_policy.RULE,
        job_single_pod.RULE,
        job_ttl_after_finished.RULE,
        migration_image_matches_app.RULE,
        app_auto_migrate_disabled.RULE,
        env_reference_defined.RULE,
        db_url_literal_credentials.RULE,
        db_url_password_variable.RULE,
        db_url_async_driver.RULE,
        db_secret_consistent.RULE,
    )),
    ("Cloud SQL proxy", (
        cloudsql_proxy_native_sidecar.RULE,
        native_sidecar_kubernetes_version.RULE,
        cloudsql_proxy_image_pinned.RULE,
        cloudsql_instance_name.RULE,
        cloudsql_proxy_port_matches_url.RULE,
        cloudsql_proxy_startup_probe.RULE,
        cloudsql_workload_identity.RULE,
        hook_native_sidecar_finalizer.RULE,
    )),
    ("Security", (
        run_as_non_root.RULE,
        run_as_user_numeric.RULE,
        no_privilege_escalation.RULE,
        drop_all_capabilities.RULE,
        no_host_access.RULE,
        seccomp_profile.RULE,
        resources_set.RULE,
        image_tag_pinned.RULE,
        image_placeholder.RULE,
        secret_in_manifests.RULE,
    )),
    ("Kustomize", (
        overlay_renders_objects.RULE,
        kustomize_deprecated_fields.RULE,
        kustomize_image_unused.RULE,
    )),
    ("Argo CD Applications", (
        application_source_path.RULE,
        application_namespace_matches.RULE,
        application_namespace_shared.RULE,
        application_name_unique.RULE,
        application_system_namespace.RULE,
        application_name_length.RULE,
    )),
    ("Schemas", (
        object_unique.RULE,
        schema_valid.RULE,
        schema_known.RULE,
    )),
    ("Engine", (
        render_failed.RULE,
        remote_reference.RULE,
        path_outside_repository.RULE,
        edit_interrupted.RULE,
        ignore_annotation_valid.RULE,
        internal_error.RULE,
    )),
)  # fmt: skip

ALL_RULES: tuple[Rule, ...] = tuple(rule for _, rules in CATEGORIES for rule in rules)
# What `adk-gitops plan` reports, through the same engine as check: the sync-order rules.
SYNC_RULES: tuple[Rule, ...] = dict(CATEGORIES)["Argo CD sync order"]
ENGINE_RULES = frozenset(
    {
        "render-failed",
        "remote-reference",
        "path-outside-repository",
        "edit-interrupted",
        "ignore-annotation-valid",
        "internal-error",
    }
)
_BY_ID = {rule.id: rule for rule in ALL_RULES}


def get(rule_id: str) -> Rule:
    """The rule with this id; KeyError names the unknown id."""
    try:
        return _BY_ID[rule_id]
    except KeyError:
        raise KeyError(f"no such rule: {rule_id}") from None
