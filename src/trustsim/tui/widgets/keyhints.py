"""A one-line key bar, drawn as text.

Textual's Footer is a widget per key, rebuilt whenever the bindings change: on the play
screen that is every beat (choose, then continue), a third of each turn's cost, and on the
first screen a dozen widgets to style before the first frame. This bar says the same in one
render and follows the theme through the footer's own colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

PALETTE = ("^p", "palette")


class KeyHints(Widget):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keyhints--key", "keyhints--description"}

    def __init__(self, keys: Sequence[tuple[str, str]] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hints: tuple[tuple[str, str], ...] = tuple(keys)

    def show(self, hints: Sequence[tuple[str, str]]) -> None:
        hints = tuple(hints)
        if hints != self.hints:
            self.hints = hints
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keyhints--key")
        description_style = self.get_component_rich_style("keyhints--description")
        left = Text(no_wrap=True, overflow="crop", end="")
        for key, description in self.hints:
            left.append(f" {key} ", key_style)
            left.append(f"{description} ", description_style)
        right = Text(no_wrap=True, end="")
        right.append(f" {PALETTE[0]} ", key_style)
        right.append(f"{PALETTE[1]} ", description_style)
        gap = self.content_size.width - left.cell_len - right.cell_len
        if gap > 0:
            left.append(" " * gap)
            left.append_text(right)
        return left
