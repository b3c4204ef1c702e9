"""The problems of a watched scenario file, compiler style, one a line (`trustsim play --watch`).

Mounted only when a file has problems, so a play that never shows it pays nothing for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from trustsim.loader.diagnostics import Diagnostic

#: More than this is a file to run `trustsim check` on.
MOST = 50


def problems_text(diagnostics: Sequence[Diagnostic]) -> Text:
    text = Text()
    for diagnostic in diagnostics[:MOST]:
        text.append(diagnostic.render() + "\n",
                    "bold" if diagnostic.is_error else "")
    if len(diagnostics) > MOST:
        text.append(f"… and {len(diagnostics) - MOST} more\n", "italic")
    text.rstrip()
    return text


def summary(file: str, diagnostics: Sequence[Diagnostic]) -> str:
    errors = sum(d.is_error for d in diagnostics)
    warnings = len(diagnostics) - errors
    counts = [f"{n} {word}{'' if n == 1 else 's'}"
              for n, word in ((errors, "error"), (warnings, "warning")) if n]
    return f"{file}: {', '.join(counts)}"


class ProblemsPanel(VerticalScroll, can_focus=False):
    """A bordered list of diagnostics: red with errors (the play goes on with the last version
    that loaded), yellow with warnings only (the new version is playing)."""

    # Textual reads a widget's default CSS when the first one is mounted, so the plays that
    # never show a problem never parse these rules.
    DEFAULT_CSS = """
    ProblemsPanel {
        height: auto;
        max-height: 40%;
        border: round $warning;
        border-title-color: $text-warning;
        border-title-style: bold;
        padding: 0 1;
    }
    ProblemsPanel.errors {
        border: round $error;
        border-title-color: $text-error;
    }
    """

    def __init__(self, file: str, diagnostics: Sequence[Diagnostic], kept: bool = True, *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.file = file
        self.diagnostics = tuple(diagnostics)
        self.kept = kept

    def compose(self) -> ComposeResult:
        yield Static(classes="problems-text")

    def on_mount(self) -> None:
        self.show(self.file, self.diagnostics, self.kept)

    def show(self, file: str, diagnostics: Sequence[Diagnostic], kept: bool = True) -> None:
        """`kept`: the file has errors and the play stays on the last version that loaded."""
        self.file = file
        self.diagnostics = tuple(diagnostics)
        self.kept = kept
        errors = any(d.is_error for d in diagnostics)
        self.set_class(errors, "errors")
        title = summary(file, diagnostics)
        if errors:
            title += (" · playing the last version that loaded" if kept
                      else " · save it without errors to play")
        self.border_title = Text(title)
        self.query_one(".problems-text", Static).update(problems_text(diagnostics))
        self.scroll_home(animate=False)
