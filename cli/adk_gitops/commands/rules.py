from __future__ import annotations

from typing import Annotated

import typer

from adk_gitops.commands._common import fail

rules_app = typer.Typer(
    help="The rules `check` applies, and their documentation.",
    no_args_is_help=False,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@rules_app.callback()
def _rules(ctx: typer.Context) -> None:
    """List every rule (id, severity, requirement), by category."""
    if ctx.invoked_subcommand is None:
        _list()


@rules_app.command("list")
def list_rules() -> None:
    """List every rule (id, severity, requirement), by category."""
    _list()


def _list() -> None:
    from adk_gitops.check.rules import CATEGORIES

    lines = []
    for category, rules in CATEGORIES:
        lines.append(f"{category}:")
        lines += [f"  {r.id:<36} {r.severity!s:<8} {r.summary}" for r in rules]
        lines.append("")
    typer.echo("\n".join(lines).rstrip())


@rules_app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(metavar="ID", help="A rule id, e.g. hook-dependency-order.")],
) -> None:
    """Print a rule's documentation: What it does, Why is this bad?, Example, Use instead."""
    from adk_gitops.check.rules import get

    try:
        rule = get(rule_id)
    except KeyError:
        fail(f"no such rule: {rule_id!r} (see `adk-gitops rules`)")
    from adk_gitops.check.docgen import options_markdown

    scope = "; ADK workloads only" if rule.adk else ""
    typer.echo(
        f"# {rule.id} ({rule.severity}{scope})\n\n{rule.summary}\n\n{rule.doc.strip()}\n\n"
        f"{options_markdown(rule, '##')}Fix: {rule.fix}"
    )
