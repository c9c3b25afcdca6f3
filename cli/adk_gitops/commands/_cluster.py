"""Options shared by the commands that talk to a cluster (preflight, status)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

KubeconfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--kubeconfig",
        help="Kubeconfig file. Default: $KUBECONFIG, else ~/.kube/config (as kubectl).",
        show_default=False,
    ),
]
ContextOpt = Annotated[
    str | None,
    typer.Option("--context", help="Kubeconfig context. Default: the current context.", show_default=False),
]
EnvArg = Annotated[
    str, typer.Argument(metavar="ENV", help="Environment (overlays/ENV) or overlay directory.")
]


class LiveFormat(StrEnum):
    text = "text"
    json = "json"


FormatOpt = Annotated[LiveFormat, typer.Option("--format", "-o", help="Output format.")]
