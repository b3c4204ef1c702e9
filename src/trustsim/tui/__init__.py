"""The terminal app (Textual): library, play and debrief screens.

Nothing outside this package imports Textual; `trustsim.commands.play` imports it only inside
its handler, so the other commands never pay for it.
"""

from __future__ import annotations

from pathlib import Path


def stylesheet(module_file: str, name: str) -> str:
    """The text of the .tcss file `name` beside `module_file`, for a class's `DEFAULT_CSS`.

    Screens and widgets keep their styles in .tcss files but hand them to Textual as
    DEFAULT_CSS rather than CSS_PATH: Textual reads a class's DEFAULT_CSS the first time one
    is mounted, adding only those rules, whereas a screen's CSS_PATH makes it parse every
    rule of the app again and restyle every widget when the screen is first shown. (Default
    rules rank below the app's own app.tcss, and they are scoped to their class.)
    """
    return (Path(module_file).parent / name).read_text(encoding="utf-8")
