"""Labelled horizontal bars: the live meters while playing, the scores in the debrief."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

FILL, EMPTY, BEYOND = "█", "░", "·"
#: Styles are theme variables, resolved when drawn: every theme keeps them apart, and the
#: glyphs differ too, so nothing depends on colour alone.
LABEL, MUTED, BETTER, WORSE = "bold", "$foreground-muted", "bold $text-success", "bold $text-error"


class Reading(NamedTuple):
    """What one bar shows."""

    label: str
    value: float
    #: The style of the filled part, e.g. "$success".
    fill: str
    delta: int | None = None
    maximum: float = 100.0
    #: Above this the bar is drawn with its own glyph (trust that cannot come back).
    ceiling: float | None = None
    higher_is_better: bool = True
    label_width: int | None = None


def gauge(reading: Reading, width: int) -> Content:
    """`label ███░░░ 42 +3`, fitted to `width` cells."""
    label = reading.label.ljust(reading.label_width or len(reading.label))
    number = f" {round(reading.value):>3}"
    bar_width = max(4, width - len(label) - 1 - len(number) - 4)
    maximum = reading.maximum
    filled = round(bar_width * max(0.0, min(reading.value, maximum)) / maximum)
    open_cells = bar_width
    if reading.ceiling is not None:
        open_cells = max(filled, round(bar_width * reading.ceiling / maximum))
    parts: list[tuple[str, str] | str] = [
        (label, LABEL), " ", (FILL * filled, reading.fill), (EMPTY * (open_cells - filled), MUTED),
        (BEYOND * (bar_width - open_cells), MUTED), number]
    if reading.delta:
        better = (reading.delta > 0) == reading.higher_is_better
        parts.append((f" {reading.delta:+d}", BETTER if better else WORSE))
    return Content.assemble(*parts).truncate(width)


def shares(total: int, count: int, gap: int) -> list[int]:
    """Widths of `count` equal columns with `gap` cells after each, in `total` cells: the
    widths Textual gives `width: 1fr; margin-right: gap` siblings."""
    unit = max(0, total - gap * count) / count
    return [int(unit * (n + 1)) - int(unit * n) for n in range(count)]


class Gauge(Widget):
    """One bar, one line, fitted to its width (the debrief's scores)."""

    DEFAULT_CSS: ClassVar[str] = """
    Gauge {
        height: 1;
        width: 1fr;
    }
    """

    def __init__(self, reading: Reading, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.reading = reading

    def render(self) -> Content:
        return gauge(self.reading, self.content_size.width or 30)


class Meters(Widget):
    """Several bars side by side on one line (the play screen's trust, hurt, uncertainty),
    drawn as one widget: a choice redraws one line, not a row of widgets."""

    DEFAULT_CSS: ClassVar[str] = """
    Meters {
        height: 1;
        padding: 0 1;
        background: $boost;
    }
    """
    #: Cells after each bar.
    GAP = 2

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.readings: tuple[Reading, ...] = ()

    def show(self, readings: Sequence[Reading]) -> None:
        readings = tuple(readings)
        if readings != self.readings:
            self.readings = readings
            self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Content:
        if not self.readings:
            return Content()
        widths = shares(self.content_size.width, len(self.readings), self.GAP)
        line = Content()
        for reading, width in zip(self.readings, widths, strict=True):
            bar = gauge(reading, width)
            line = line + bar.pad_right(width - bar.cell_length + self.GAP)
        return line
