"""What every full screen of the app shares."""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual.screen import Screen

ResultType = TypeVar("ResultType")


class AppScreen(Screen[ResultType]):
    """A full screen of trustsim, laid out once per size.

    As a screen is first shown, Textual sends it a Resize for the same size up to three times
    (the app's first size, the driver's report of it, the screen's own first layout), and the
    screen lays out everything again for each: a sixth of a classroom student's CPU to the
    first screen, paid by 60 students at once. A Resize to the size the screen already has
    changes nothing, so its default handling is skipped; subclasses' own handlers still run."""

    def on_resize(self, event: events.Resize) -> None:
        if event.size == self.size:
            event.prevent_default()
