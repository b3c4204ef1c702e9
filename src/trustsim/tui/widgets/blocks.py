"""Paragraphs laid out as blocks (plain, behind a bar, or in a box) and drawn as one text.

The play screen's story and the intro's notes were a widget per paragraph, each with its own
border, padding and a label and a text inside: a dozen or two widgets to style, lay out and
render after every choice. Here a whole column is one widget that draws the same glyphs in
the same theme colours (styles are theme variables such as `$accent`, resolved when drawn),
so a choice restyles nothing and redraws one widget.

Text goes in as `Content` made from plain strings, never parsed as markup: `[bold]` or
`[@click=app.quit]` in a scenario is shown as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar, NamedTuple

from textual.content import Content
from textual.geometry import Size
from textual.widget import Widget

#: Textual's `thick` left border, which the bar draws.
BAR = "█"
#: Corners and edges of Textual's `round` and `double` borders.
BOXES = {
    "round": ("╭", "─", "╮", "│", "╰", "╯"),
    "double": ("╔", "═", "╗", "║", "╚", "╝"),
}


class Block(NamedTuple):
    """One paragraph and how it is framed. (A NamedTuple: a class made at import time, and
    this module is imported before the first frame, where an attrs class costs more.)"""

    body: Content
    #: A line above the body (a speaker's name), inside the frame.
    heading: Content | None = None
    #: The style of the bar or the box's border, e.g. "$accent"; None: no frame.
    frame: str | None = None
    #: "round" or "double" draws a box with `frame`; None with a frame draws a bar.
    box: str | None = None
    #: Blank cells left and right of the text (inside a box).
    pad: int = 0
    #: Blank lines after the block.
    gap: int = 1


def block_lines(block: Block, width: int) -> list[Content]:
    """The block at `width` cells, one Content per line."""
    frame = block.frame
    boxed = frame is not None and block.box in BOXES
    barred = frame is not None and not boxed
    edges = 2 if boxed else (2 if barred else 0)
    inner = max(1, width - edges - 2 * block.pad)
    text: list[Content] = []
    if block.heading is not None and block.heading:
        text.extend(block.heading.wrap(inner))
    text.extend(block.body.wrap(inner))
    pad = " " * block.pad
    lines: list[Content]
    if boxed:
        assert frame is not None and block.box is not None
        top_left, across, top_right, side, bottom_left, bottom_right = BOXES[block.box]
        rule = across * max(0, width - 2)
        edge = Content.styled(side, frame)
        lines = [Content.styled(top_left + rule + top_right, frame)]
        lines.extend(Content.assemble(edge, pad, line.pad_right(inner - line.cell_length), pad,
                                      edge) for line in text)
        lines.append(Content.styled(bottom_left + rule + bottom_right, frame))
    elif barred:
        assert frame is not None
        bar = Content.styled(BAR, frame)
        lines = [Content.assemble(bar, " ", pad, line) for line in text]
    else:
        lines = [Content.assemble(pad, line) for line in text]
    lines.extend(Content() for _ in range(block.gap))
    return lines


def layout(blocks: Sequence[Block], width: int) -> list[Content]:
    lines: list[Content] = []
    for block in blocks:
        lines.extend(block_lines(block, width))
    return lines


class Blocks(Widget):
    """A column of blocks; `show` replaces them. Its height follows its content."""

    DEFAULT_CSS: ClassVar[str] = """
    Blocks {
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def __init__(self, blocks: Sequence[Block] = (), *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.blocks: tuple[Block, ...] = tuple(blocks)
        self._laid_out: tuple[int, list[Content]] = (-1, [])

    def show(self, blocks: Sequence[Block]) -> None:
        blocks = tuple(blocks)
        if blocks != self.blocks:
            self.blocks = blocks
            self._laid_out = (-1, [])
            self.refresh(layout=True)

    def lines(self, width: int) -> list[Content]:
        if self._laid_out[0] != width:
            self._laid_out = (width, layout(self.blocks, width))
        return self._laid_out[1]

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return container.width

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines(width))

    def render(self) -> Content:
        return Content("\n").join(self.lines(self.content_size.width))

    @property
    def text(self) -> str:
        """What the blocks say, unwrapped and unframed: a paragraph a line."""
        return "\n".join(part.plain for block in self.blocks
                         for part in (block.heading, block.body) if part)

    @property
    def plain(self) -> str:
        """The lines as drawn at the present width, frames and all."""
        return "\n".join(line.plain for line in self.lines(self.content_size.width or 80))
