"""preflight's text reporter."""

from __future__ import annotations

from adk_gitops.reporters.preflight import CLIP, clip


def test_preflight_text_clips_a_huge_server_message_keeping_why() -> None:
    message = (
        'Job.batch "m" is invalid: spec.template: Invalid value: {' + "x" * 5000 + "}: field is immutable"
    )
    shown = clip(message)
    assert len(shown) <= CLIP
    assert shown.startswith('Job.batch "m" is invalid: spec.template') and shown.endswith(
        "field is immutable"
    )
    assert clip("short") == "short"
