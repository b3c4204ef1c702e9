"""Save and resume: a play written down after every choice, and read back exactly.

One TOML file per scenario id in the saves folder holds the unfinished play (if any) and the
best result so far. A play is stored as the choices made, each by its node, its place in the
node's own list and its text; replaying them through the engine rebuilds the whole state, so
the file never holds numbers that could drift from what the scoring code computes.

A save remembers a hash of the scenario file it was made with. If the file has changed, the
save is not applied silently: `check_resume` says what changed and whether the choices still
fit the new version, and the player decides.
"""

from __future__ import annotations

import contextlib
import enum
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import tomli
from attrs import evolve, frozen

from trustsim.paths import saves_dir

if TYPE_CHECKING:
    # The engine (and the scoring behind it) is imported where a play is replayed or hashed:
    # the app's first frame reads the save file and needs neither.
    from trustsim.engine import Offer, Session, Step

SAVE_FORMAT = 1
MODES = ("coach", "assess")


class SaveError(Exception):
    """A save that cannot be read or applied; the message is for the player."""


@frozen
class SavedStep:
    node: str
    #: Place of the choice in the node's own list in the file, from 0 (what Session.choose_index
    #: takes): unlike the number shown, it does not shift when a condition hides a choice.
    index: int
    #: The choice's text, to tell whether a changed file still offers the same choice.
    text: str


@frozen
class SavedPlay:
    scenario_id: str
    file: str
    digest: str
    mode: str
    steps: tuple[SavedStep, ...] = ()


@frozen
class BestResult:
    overall: int
    ending: str
    node: str
    #: How many times the scenario has been played to an ending.
    plays: int = 1


@frozen
class SaveRecord:
    scenario_id: str
    play: SavedPlay | None = None
    best: BestResult | None = None
    #: Why the file could not be read, when it could not (the record is then empty).
    problem: str | None = None


# -- the scenario's fingerprint -----------------------------------------------------------------

def scenario_digest(session_or_path: Session | Path | None) -> str:
    """sha256 of the scenario file's bytes: any edit, even a comment, changes it."""
    from trustsim.engine import Session

    path = session_or_path.scenario.path if isinstance(session_or_path, Session) \
        else session_or_path
    if path is None:
        return ""
    import hashlib

    try:
        return "sha256:" + hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


# -- reading and writing ------------------------------------------------------------------------

def atomic_write(path: Path, text: str) -> None:
    """Writes `text` to `path` so that a crash leaves the old file or the new, never half."""
    # Imported here, like hashlib and tomli_w: the app's first frame reads saves, never writes.
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class SaveStore:
    """The saves folder: one `<scenario id>.toml` per scenario."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = saves_dir() if folder is None else folder

    def path_for(self, scenario_id: str) -> Path:
        return self.folder / f"{scenario_id}.toml"

    def read(self, scenario_id: str) -> SaveRecord:
        path = self.path_for(scenario_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return SaveRecord(scenario_id)
        except (OSError, UnicodeError) as error:
            return SaveRecord(scenario_id, problem=f"cannot read {path}: {error}")
        try:
            return record_from_dict(scenario_id, tomli.loads(text))
        except (tomli.TOMLDecodeError, SaveError, KeyError, TypeError, ValueError) as error:
            return SaveRecord(scenario_id, problem=f"{path} is damaged and was ignored ({error})")

    def write(self, record: SaveRecord) -> None:
        path = self.path_for(record.scenario_id)
        if record.play is None and record.best is None:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return
        import tomli_w

        atomic_write(path, tomli_w.dumps(record_to_dict(record)))

    def save_play(self, session: Session, mode: str, digest: str | None = None) -> SaveRecord:
        """Writes the play as it stands; removes it when there is nothing to continue (no
        choice made yet, or the play is over: `finish` records that)."""
        record = self.read(session.scenario.id)
        play = None
        if session.history and not session.is_over:
            play = play_of(session, mode, scenario_digest(session) if digest is None else digest)
        record = evolve(record, play=play, problem=None)
        self.write(record)
        return record

    def finish(self, session: Session) -> SaveRecord:
        """Records a play that reached an ending: the best result kept, the play cleared."""
        record = self.read(session.scenario.id)
        ending = session.ending
        if ending is None:
            return record
        overall = session.report().scores["overall"]
        best = record.best
        plays = best.plays + 1 if best is not None else 1
        if best is None or overall > best.overall:
            best = BestResult(overall, ending.ending or ending.id, ending.id, plays)
        else:
            best = evolve(best, plays=plays)
        record = SaveRecord(record.scenario_id, None, best)
        self.write(record)
        return record

    def forget_play(self, scenario_id: str) -> None:
        record = self.read(scenario_id)
        if record.play is not None:
            self.write(evolve(record, play=None, problem=None))


def play_of(session: Session, mode: str, digest: str) -> SavedPlay:
    steps = tuple(SavedStep(step.node_id, step.index, step.choice.text)
                  for step in session.history)
    path = session.scenario.path
    return SavedPlay(session.scenario.id, str(path) if path else "", digest, mode, steps)


def record_to_dict(record: SaveRecord) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": SAVE_FORMAT, "scenario": record.scenario_id}
    if record.best is not None:
        best = record.best
        doc["best"] = {"overall": best.overall, "ending": best.ending, "node": best.node,
                       "plays": best.plays}
    if record.play is not None:
        play = record.play
        doc["play"] = {
            "file": play.file, "digest": play.digest, "mode": play.mode,
            # `choice` counts from 1 in file order, as an author reading the save would.
            "steps": [{"node": s.node, "choice": s.index + 1, "text": s.text}
                      for s in play.steps],
        }
    return doc


def record_from_dict(scenario_id: str, doc: dict[str, Any]) -> SaveRecord:
    if doc.get("format") != SAVE_FORMAT:
        raise SaveError(f"unknown save format {doc.get('format')!r}")
    if doc.get("scenario") != scenario_id:
        raise SaveError(f"it belongs to scenario {doc.get('scenario')!r}")
    best = None
    if "best" in doc:
        b = doc["best"]
        best = BestResult(_int(b["overall"]), _str(b["ending"]), _str(b["node"]),
                          _int(b.get("plays", 1)))
    play = None
    if "play" in doc:
        p = doc["play"]
        mode = _str(p["mode"])
        if mode not in MODES:
            raise SaveError(f"unknown mode {mode!r}")
        steps = tuple(SavedStep(_str(s["node"]), _int(s["choice"]) - 1, _str(s["text"]))
                      for s in p["steps"])
        if any(s.index < 0 for s in steps):
            raise SaveError("a choice number below 1")
        play = SavedPlay(scenario_id, _str(p["file"]), _str(p["digest"]), mode, steps)
    return SaveRecord(scenario_id, play, best)


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SaveError(f"expected a whole number, got {value!r}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise SaveError(f"expected text, got {value!r}")
    return value


# -- resuming -----------------------------------------------------------------------------------

class ResumeStatus(enum.Enum):
    #: The scenario file is the one the play was saved with.
    SAME = "same"
    #: The file changed, but every saved choice is still offered where it was made.
    CHANGED_FITS = "changed-fits"
    #: The file changed and the saved choices no longer fit it.
    CHANGED_BROKEN = "changed-broken"


@frozen
class ResumeCheck:
    status: ResumeStatus
    play: SavedPlay
    #: For the player: what happened and what can be done.
    explanation: str

    @property
    def can_replay(self) -> bool:
        return self.status is not ResumeStatus.CHANGED_BROKEN


def check_resume(session: Session, play: SavedPlay) -> ResumeCheck:
    """Whether `play` can be applied to the scenario `session` plays, and how to say so."""
    from trustsim.engine import Session

    title = session.scenario.title
    count = len(play.steps)
    choices = f"{count} choice{'' if count == 1 else 's'}"
    digest = scenario_digest(session)
    if digest == play.digest:
        return ResumeCheck(ResumeStatus.SAME, play,
                           f"You have an unfinished play of {title}: {choices} made so far.")
    trial = Session(session.scenario)
    try:
        replay(trial, play)
    except SaveError as error:
        return ResumeCheck(
            ResumeStatus.CHANGED_BROKEN, play,
            f"The scenario file of {title} has changed since your play was saved "
            f"({choices} made), and the saved choices no longer fit it: {error}. "
            "The old play cannot be continued; start again.")
    return ResumeCheck(
        ResumeStatus.CHANGED_FITS, play,
        f"The scenario file of {title} has changed since your play was saved. "
        f"All {choices} you made are still offered in the new version, so they can be "
        "replayed, but the story or the scores after them may differ from what you saw.")


def replay(session: Session, play: SavedPlay) -> Session:
    """Applies the saved choices to a fresh `session`; SaveError names the first misfit."""
    replayed = replay_steps(session, play.steps)
    if replayed.problem is not None:
        raise SaveError(replayed.problem)
    return session


class Replayed(NamedTuple):
    """How far `replay_steps` got."""

    #: How many of the steps were applied (the session holds exactly these).
    kept: int
    #: Why the next step could not be applied; None when every step was.
    problem: str | None = None


def replay_steps(session: Session, steps: Sequence[SavedStep], *,
                 lenient: bool = False) -> Replayed:
    """Applies `steps` to a fresh `session` as far as they still fit, and stops at the first
    that does not (the session then holds the steps before it).

    A step fits when the play stands at its node and the node offers its choice: by default
    the choice at the same place with the same text (a save must replay exactly what was
    played). `lenient` (an author editing the file under a running play) also takes the
    choice with the same text at another place, or failing that the choice at the same place
    with its text reworded.
    """
    from trustsim.engine import PlayError

    session.restart()
    for turn, saved in enumerate(steps, start=1):
        if session.is_over:
            return Replayed(turn - 1, f"choice {turn} comes after the ending")
        node = session.node
        if node.id != saved.node:
            return Replayed(turn - 1, f'choice {turn} was made at "{saved.node}", but the '
                                      f'play now stands at "{node.id}"')
        offer = _offered(session.offers(), saved, lenient)
        if offer is None:
            return Replayed(turn - 1, f'choice {turn} ("{_short(saved.text)}") is no longer '
                                      f'offered at "{node.id}"')
        try:
            session.choose_index(offer.index)
        except PlayError as error:
            # Nothing was taken: the session still stands before this step.
            return Replayed(turn - 1, f"choice {turn}: {error}")
    return Replayed(len(steps))


def _offered(offers: Sequence[Offer], saved: SavedStep, lenient: bool) -> Offer | None:
    same_place = next((o for o in offers if o.index == saved.index), None)
    if same_place is not None and same_place.choice.text == saved.text:
        return same_place
    if not lenient:
        return None
    same_text = next((o for o in offers if o.choice.text == saved.text), None)
    return same_text if same_text is not None else same_place


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- the journal --------------------------------------------------------------------------------

class SaveJournal:
    """Keeps the player's save file current: the Journal the play shells call after each move.

    A failure to write never stops the play: it is handed to `on_error` (the TUI shows it,
    plain mode prints it) and the next move tries again.
    """

    def __init__(self, mode: str, store: SaveStore | None = None,
                 on_error: Callable[[str], None] | None = None) -> None:
        self.mode = mode
        self.store = SaveStore() if store is None else store
        self.on_error = on_error
        self._digest: str | None = None

    def started(self, session: Session) -> None:
        # Hashed once: the file may be edited while the player plays, and the save must name
        # the version the play was actually made with.
        self._digest = scenario_digest(session)
        self._save(session)

    def chose(self, session: Session, step: Step) -> None:
        self._save(session)

    def undid(self, session: Session) -> None:
        self._save(session)

    def finished(self, session: Session) -> None:
        self._guard(lambda: self.store.finish(session))

    def _save(self, session: Session) -> None:
        self._guard(lambda: self.store.save_play(session, self.mode, self._digest))

    def _guard(self, action: Callable[[], object]) -> None:
        try:
            action()
        except OSError as error:
            if self.on_error is not None:
                self.on_error(f"could not save your play: {error.strerror or error}")
