"""The one-line bar at the top of each screen: where you are."""

from __future__ import annotations

from typing import ClassVar

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget


class TitleBar(Widget):
    """Plain text on the panel colour. A bare widget rather than a Label: on the first frame
    every widget class's styles are parsed and matched, and Label brings a dozen variants
    this bar never uses. The text is shown as typed (a scenario title is never markup)."""

    DEFAULT_CSS: ClassVar[str] = """
    TitleBar {
        height: 1;
        width: 1fr;
        padding: 0 1;
        background: $panel;
        color: $foreground;
        text-style: bold;
    }
    """

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text

    def update(self, text: str) -> None:
        if text != self.text:
            self.text = text
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        return Content(self.text)
