"""The partner's trust, hurt and uncertainty over the turns, drawn in text cells."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from rich.text import Text
from textual.widget import Widget

#: (name, marker, component class): each series has its own glyph, so the chart reads the
#: same with 16 colours, no colour, or a colour-blind eye.
SERIES = (("uncertainty", "▲", "chart--uncertainty"), ("hurt", "■", "chart--hurt"),
          ("trust", "●", "chart--trust"))
AXIS_WIDTH = 4


class TrajectoryChart(Widget):
    """A line per measure: markers at each turn, dots between them; y from 0 to 100."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "chart--axis", "chart--trust", "chart--hurt", "chart--uncertainty"}
    DEFAULT_CSS: ClassVar[str] = """
    TrajectoryChart {
        height: 13;
        width: 1fr;
        max-width: 100;
    }
    TrajectoryChart > .chart--axis { color: $foreground-muted; }
    TrajectoryChart > .chart--trust { color: $success; text-style: bold; }
    TrajectoryChart > .chart--hurt { color: $error; text-style: bold; }
    TrajectoryChart > .chart--uncertainty { color: $warning; text-style: bold; }
    """

    def __init__(self, trust: Sequence[float], hurt: Sequence[float],
                 uncertainty: Sequence[float], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values = {"trust": tuple(trust), "hurt": tuple(hurt),
                       "uncertainty": tuple(uncertainty)}

    def render(self) -> Text:
        width = max(AXIS_WIDTH + 8, self.content_size.width)
        height = max(5, self.content_size.height - 3)
        if height % 2 == 0:
            # An odd number of rows puts a row exactly at 50.
            height -= 1
        plot_width = width - AXIS_WIDTH
        turns = len(self.values["trust"])
        cells: list[list[tuple[str, str] | None]] = [[None] * plot_width for _ in range(height)]

        def x_of(turn: int) -> int:
            return 0 if turns < 2 else round(turn * (plot_width - 1) / (turns - 1))

        def y_of(value: float) -> int:
            return round((100.0 - max(0.0, min(100.0, value))) / 100.0 * (height - 1))

        for name, marker, style in SERIES:
            values = self.values[name]
            for turn in range(turns - 1):
                x0, x1 = x_of(turn), x_of(turn + 1)
                for x in range(x0 + 1, x1):
                    share = (x - x0) / (x1 - x0)
                    value = values[turn] + (values[turn + 1] - values[turn]) * share
                    cells[y_of(value)][x] = ("·", style)
            for turn, value in enumerate(values):
                cells[y_of(value)][x_of(turn)] = (marker, style)

        axis = self.get_component_rich_style("chart--axis")
        text = Text(no_wrap=True, overflow="crop")
        for row in range(height):
            level = 100 - round(row * 100 / (height - 1))
            label = f"{level:>3}┤" if row in (0, height - 1) or row == (height - 1) // 2 \
                else "   │"
            text.append(label, axis)
            for cell in cells[row]:
                if cell is None:
                    text.append(" ")
                else:
                    text.append(cell[0], self.get_component_rich_style(cell[1]))
            text.append("\n")
        text.append("   └" + "─" * plot_width + "\n", axis)
        text.append(self._turn_labels(plot_width, x_of, turns) + "\n", axis)
        for name, marker, style in reversed(SERIES):
            text.append(f" {marker} ", self.get_component_rich_style(style))
            text.append(name + " ")
        return text

    @staticmethod
    def _turn_labels(plot_width: int, x_of: Callable[[int], int], turns: int) -> str:
        row = [" "] * plot_width
        last_end = -1
        for turn in range(turns):
            label = "start" if turn == 0 and turns <= 4 else str(turn)
            x = x_of(turn)
            start = min(x, plot_width - len(label))
            if start > last_end:
                row[start:start + len(label)] = label
                last_end = start + len(label)
        return " " * AXIS_WIDTH + "".join(row)
