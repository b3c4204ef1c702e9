"""Where a play is written down as it happens: the player's save file, the classroom's
results store. The play shells (TUI, plain mode) call a journal after every move, so that
nothing played is ever lost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from trustsim.engine import Session, Step


class Journal(Protocol):
    def started(self, session: Session) -> None:
        """A play began (or resumed: `session.history` may already hold steps)."""

    def chose(self, session: Session, step: Step) -> None:
        """A choice was made; `step` is `session.history[-1]`."""

    def undid(self, session: Session) -> None:
        """One or more choices were taken back (undo, or going back to an earlier choice)."""

    def finished(self, session: Session) -> None:
        """The play reached an ending."""


class Journals:
    """Several journals as one, called in order."""

    def __init__(self, journals: Sequence[Journal] = ()) -> None:
        self.journals = list(journals)

    def started(self, session: Session) -> None:
        for journal in self.journals:
            journal.started(session)

    def chose(self, session: Session, step: Step) -> None:
        for journal in self.journals:
            journal.chose(session, step)

    def undid(self, session: Session) -> None:
        for journal in self.journals:
            journal.undid(session)

    def finished(self, session: Session) -> None:
        for journal in self.journals:
            journal.finished(session)
