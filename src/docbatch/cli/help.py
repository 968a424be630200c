"""How ``docbatch --help`` reads: commands grouped as users meet them, no type tags.

Typer prints a type tag (``<bool>``, ``<str>``, ``<list[Path]>``) beside every option,
flags included; that says nothing a user needs and crowds out the help text. The command
classes here show a flag bare, an option with a value by its placeholder (``FILE``, ``N``,
or the option's name), and an argument by its name only. :func:`arrange` orders the
commands, files them under panels and gives them these classes.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

__all__ = ["PANELS", "PlainCommand", "PlainGroup", "arrange"]

#: Panels in the order ``docbatch --help`` shows them, each with its commands in order.
PANELS: dict[str, tuple[str, ...]] = {
    "Everyday": ("run", "status", "export", "report", "monitor", "serve"),
    "Find things in the results": ("search", "entity", "cites"),
    "Distributed workers": ("submit", "worker", "cancel"),
    "Failures and cache": ("recover", "analyze", "quarantine", "warm"),
    "Development": ("bench",),
}


class _PlainArgument(TyperArgument):
    """An argument shown by its name alone (the name column already says it)."""

    def display_type_rich(self, ctx: Any) -> str | None:
        return None


class _PlainOption(TyperOption):
    """A flag shown bare; an option with a value shown with its placeholder."""

    def display_type_rich(self, ctx: Any) -> str | None:
        if self.is_flag or self.count:
            return None
        return self.metavar or (self.name or "value").upper()


def _plain(params: list[Any]) -> list[Any]:
    for param in params:
        if type(param) is TyperArgument:
            param.__class__ = _PlainArgument  # same fields; only the help display differs
            param.metavar = param.metavar or (param.name or "value").upper()
        elif type(param) is TyperOption:
            param.__class__ = _PlainOption
    return params


class PlainCommand(TyperCommand):
    """A command whose help shows no type tags."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters (with ``--help``), set to show no type tags."""
        return _plain(super().get_params(ctx))


class PlainGroup(TyperGroup):
    """A group (``docbatch``, ``docbatch quarantine``) whose help shows no type tags."""

    def get_params(self, ctx: Any) -> list[Any]:
        """The parameters (with ``--help``), set to show no type tags."""
        return _plain(super().get_params(ctx))


def _name(info: Any) -> str:
    return str(info.name or info.callback.__name__).replace("_", "-")


def arrange(app: typer.Typer, epilogs: dict[str, str] | None = None) -> None:
    """Order ``app``'s commands and groups by :data:`PANELS`, file them under their
    panel, and make their help plain; ``epilogs`` adds text after a command's help.

    Call it once every command is registered; a command missing from :data:`PANELS`
    goes last, in the default panel.
    """
    order = [name for names in PANELS.values() for name in names]
    panel_of = {name: panel for panel, names in PANELS.items() for name in names}
    rank = {name: index for index, name in enumerate(order)}
    app.registered_commands.sort(key=lambda info: rank.get(_name(info), len(order)))
    for info in app.registered_commands:
        info.rich_help_panel = panel_of.get(_name(info))
        if info.cls in (None, TyperCommand):  # Typer's default, not a command's own
            info.cls = PlainCommand
        if epilogs and _name(info) in epilogs:
            info.epilog = epilogs[_name(info)]
    for group in app.registered_groups:
        group.rich_help_panel = panel_of.get(str(group.name))
        if not group.cls or group.cls is TyperGroup:
            group.cls = PlainGroup
        if group.typer_instance is not None:
            arrange(group.typer_instance)
