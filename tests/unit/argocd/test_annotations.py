"""The annotation parsers (annotations.py), apart from the ordering, each case
following a line of gitops-engine (gitops-engine/pkg/sync/...)."""

from __future__ import annotations

import pytest
import yaml

from adk_gitops.argocd.annotations import atoi, csv, delete_policies, hook_info, sync_options, sync_wave
from adk_gitops.kube.manifests import Resource, load_stream


def res(**annotations: str) -> Resource:
    (one,) = load_stream(
        yaml.safe_dump(
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": annotations}}
        )
    )
    return one


@pytest.mark.parametrize(
    ("value", "expected"),
    [("a, b,,a ", ["a", "b"]), ("", []), (" PreSync ", ["PreSync"])],
)
def test_csv_trims_and_dedupes(value: str, expected: list[str]) -> None:
    """resource/annotations.go GetAnnotationCSVs."""
    assert csv(value) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("-5", -5), ("+5", 5), (" 5", None), ("5.0", None), ("1e3", None),
     ("9223372036854775807", 2**63 - 1), ("9223372036854775808", None), ("-9223372036854775809", None)],
)  # fmt: skip
def test_atoi_is_gos(text: str, value: int | None) -> None:
    """strconv.Atoi on 64-bit: sign, digits, int64 range; anything else is an error."""
    assert atoi(text) == value


def test_hook_types_argo_wins_over_helm_and_deletion_hooks_are_the_controllers() -> None:
    """hook/hook.go Types: Argo CD's types when any is valid, else Helm's (helm/type.go)."""
    both = hook_info(res(**{"argocd.argoproj.io/hook": "PostSync", "helm.sh/hook": "pre-install"}))
    assert both.types == ("PostSync",)
    post_delete = hook_info(res(**{"argocd.argoproj.io/hook": "PostDelete", "helm.sh/hook": "pre-install"}))
    assert (post_delete.types, post_delete.deletion) == (("PreSync",), ("PostDelete",))
    helm_delete = hook_info(res(**{"helm.sh/hook": "pre-delete"}))
    assert (helm_delete.types, helm_delete.deletion, helm_delete.is_hook) == ((), ("PreDelete",), True)
    invalid = hook_info(res(**{"argocd.argoproj.io/hook": "presync,Bogus"}))
    assert (invalid.types, invalid.invalid) == ((), ("presync", "Bogus"))


def test_helm_crd_install_is_compared_raw_but_types_are_trimmed() -> None:
    """helm/hook.go IsHook compares the raw value; helm.Types trims (GetAnnotationCSVs)."""
    assert not hook_info(res(**{"helm.sh/hook": "crd-install"})).is_hook
    spaced = hook_info(res(**{"helm.sh/hook": " crd-install"}))
    assert spaced.is_hook and spaced.types == () and spaced.invalid == ()
    assert hook_info(res(**{"helm.sh/hook": "test"})).ignored_helm == ("test",)


def test_sync_wave_falls_back_from_argo_to_helm_weight_to_zero() -> None:
    """syncwaves/waves.go Wave, then helm/weight.go."""
    assert sync_wave(res(**{"argocd.argoproj.io/sync-wave": "-5", "helm.sh/hook-weight": "3"})).value == -5
    fallback = sync_wave(res(**{"argocd.argoproj.io/sync-wave": "one", "helm.sh/hook-weight": "3"}))
    assert (fallback.value, fallback.source) == (3, "helm.sh/hook-weight")
    assert fallback.unparsable == ("argocd.argoproj.io/sync-wave='one'",)
    assert sync_wave(res()).value == 0


def test_delete_policies_merge_and_default() -> None:
    """hook/delete_policy.go: union of Argo CD's and Helm's; none valid means BeforeHookCreation."""
    merged = res(
        **{
            "argocd.argoproj.io/hook-delete-policy": "HookSucceeded,Never,Bad",
            "helm.sh/hook-delete-policy": "hook-failed",
        }
    )
    assert delete_policies(merged) == (("HookSucceeded", "Never", "HookFailed"), ("Bad",))
    assert delete_policies(res()) == (("BeforeHookCreation",), ())


def test_sync_options() -> None:
    assert sync_options(res(**{"argocd.argoproj.io/sync-options": "Validate=false, PruneLast=true"})) == (
        "Validate=false",
        "PruneLast=true",
    )
