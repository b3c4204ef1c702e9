"""A one-line key bar, drawn as text.

Textual's Footer is a widget per key, rebuilt whenever the bindings change: on the play
screen that is every beat (choose, then continue), a third of each turn's cost, and on the
first screen a dozen widgets to style before the first frame. This bar says the same in one
render and follows the theme through the footer's own colours.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

PALETTE = ("^p", "palette")


#: The footer's own colours, as theme variables resolved when drawn.
KEY = "bold $footer-key-foreground on $footer-key-background"
DESCRIPTION = "$footer-description-foreground on $footer-description-background"


class KeyHints(Widget):
    DEFAULT_CSS: ClassVar[str] = """
    KeyHints {
        dock: bottom;
        height: 1;
        background: $footer-background;
    }
    """

    def __init__(self, keys: Sequence[tuple[str, str]] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.hints: tuple[tuple[str, str], ...] = tuple(keys)

    def show(self, hints: Sequence[tuple[str, str]]) -> None:
        hints = tuple(hints)
        if hints != self.hints:
            self.hints = hints
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        left = Content.assemble(*(part for key, description in self.hints
                                  for part in ((f" {key} ", KEY),
                                               (f"{description} ", DESCRIPTION))))
        right = Content.assemble((f" {PALETTE[0]} ", KEY), (f"{PALETTE[1]} ", DESCRIPTION))
        gap = self.content_size.width - left.cell_length - right.cell_length
        if gap > 0:
            return Content.assemble(left, " " * gap, right)
        return left.truncate(self.content_size.width)
