"""A labelled horizontal bar: the live meters while playing, the scores in the debrief."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

FILL, EMPTY, BEYOND = "█", "░", "·"


class Gauge(Widget):
    """`label ███░░░ 42 (+3)`, one line, fitted to its width.

    The bar is readable without colour (filled and empty glyphs differ), and the part above a
    ceiling (trust that cannot come back) is drawn with its own glyph.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "gauge--label", "gauge--fill", "gauge--empty", "gauge--beyond", "gauge--better",
        "gauge--worse"}

    def __init__(self, label: str, value: float = 0.0, *, maximum: float = 100.0,
                 ceiling: float | None = None, higher_is_better: bool = True,
                 label_width: int | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.label = label
        self.value = value
        self.maximum = maximum
        self.ceiling = ceiling
        self.higher_is_better = higher_is_better
        self.label_width = label_width
        self.delta: int | None = None

    def show(self, value: float, delta: int | None = None,
             ceiling: float | None = None) -> None:
        self.value = value
        self.delta = delta
        if ceiling is not None:
            self.ceiling = ceiling
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width or 30
        label = self.label.ljust(self.label_width or len(self.label))
        number = f" {round(self.value):>3}"
        delta = ""
        if self.delta:
            delta = f" {self.delta:+d}"
        bar_width = max(4, width - len(label) - 1 - len(number) - 4)
        filled = round(bar_width * max(0.0, min(self.value, self.maximum)) / self.maximum)
        open_cells = bar_width
        if self.ceiling is not None:
            open_cells = max(filled, round(bar_width * self.ceiling / self.maximum))
        text = Text(no_wrap=True, overflow="crop")
        text.append(label, self.get_component_rich_style("gauge--label"))
        text.append(" ")
        text.append(FILL * filled, self.get_component_rich_style("gauge--fill"))
        text.append(EMPTY * (open_cells - filled), self.get_component_rich_style("gauge--empty"))
        text.append(BEYOND * (bar_width - open_cells),
                    self.get_component_rich_style("gauge--beyond"))
        text.append(number)
        if delta:
            assert self.delta is not None
            better = (self.delta > 0) == self.higher_is_better
            text.append(delta, self.get_component_rich_style(
                "gauge--better" if better else "gauge--worse"))
        return text
