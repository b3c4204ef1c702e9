"""`trustsim play --watch`: the scenario file, checked again whenever it is saved.

The app polls (a Textual timer calls `poll` every `WATCH_INTERVAL` seconds): a stat is cheap,
and the file is read and hashed only when its size, mtime or inode moved (or its mtime is so
recent that a second save within the filesystem's clock tick could hide behind it). Only a
change of content is reported, so touching the file or saving it unchanged reloads nothing.
No thread and no new dependency: an author's file loads in milliseconds.

What a reload does (`Watch.apply`): a file that loads replaces the scenario under the play,
and the player's choices are replayed onto it by node and choice as far as they still apply
(a notification says so when the play had to be cut back); a file with errors leaves the play
as it was and lists the errors in a panel, which goes when the file is fixed.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trustsim.loader import CheckResult, check_file, check_text

if TYPE_CHECKING:
    from textual.screen import Screen

    from trustsim.tui.app import TrustsimApp
    from trustsim.tui.screens.play import PlayScreen

#: Seconds between two looks at the file.
WATCH_INTERVAL = 0.5
#: A file modified less than this long ago is hashed at every look, whatever its stat says.
RECENT_NS = 2_000_000_000
#: The digest of a file that is not there.
MISSING = "missing"


class ScenarioWatcher:
    """Reports the scenario file's new content, checked, each time it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._signature: tuple[int, int, int] | None = None
        #: The digest of the content last reported; None before the first look.
        self._digest: str | None = None
        self._vanished = False

    def poll(self) -> CheckResult | None:
        """The file checked again if its content differs from what was last reported (the
        first call always reports); None when nothing changed."""
        first = self._digest is None
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            # Many editors save by removing the file and writing it anew: a file gone for one
            # look is being saved; gone for two, it is gone.
            if not first and not self._vanished:
                self._vanished = True
                return None
            return self._unreadable()
        except OSError:
            return self._unreadable()
        self._vanished = False
        signature = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        recent = time.time_ns() - stat.st_mtime_ns < RECENT_NS
        if signature == self._signature and not recent:
            return None
        self._signature = signature
        try:
            data = self.path.read_bytes()
        except OSError:
            return self._unreadable()
        digest = "sha256:" + hashlib.sha256(data).hexdigest()
        if digest == self._digest:
            return None
        self._digest = digest
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            # check_file says where the bad bytes are.
            return check_file(self.path)
        return check_text(text, str(self.path), self.path)

    def _unreadable(self) -> CheckResult | None:
        if self._digest == MISSING:
            return None
        self._digest = MISSING
        self._signature = None
        return check_file(self.path)


class Watch:
    """The app's side of watching: a timer looks at the file, and what it finds is shown."""

    def __init__(self, app: TrustsimApp, path: Path) -> None:
        self.app = app
        self.watcher = ScenarioWatcher(path)

    def first_screen(self) -> Screen[Any]:
        """The app's first screen: the play, or the file's problems until it loads."""
        from trustsim.tui.screens.watching import WaitingScreen

        first = self.watcher.poll()
        assert first is not None, "the first look always reports"
        if first.scenario is None:
            return WaitingScreen(first)
        play = self.app.play_screen(first.scenario, "coach")
        play.show_problems(first.file, first.diagnostics)
        return play

    def start(self) -> None:
        """Looks at the file again and again, from now on."""
        self.app.set_interval(WATCH_INTERVAL, self.tick, name="watch")

    def tick(self) -> None:
        from textual.app import ScreenStackError
        from textual.screen import ModalScreen

        try:
            screen = self.app.screen
        except ScreenStackError:
            # The app is closing (its screens are gone before its timers).
            return
        # A dialog (quit? go back to which choice?) is answered first: the change waits.
        if isinstance(screen, ModalScreen):
            return
        result = self.watcher.poll()
        if result is not None:
            self.apply(result)

    def play_screen(self) -> PlayScreen | None:
        from trustsim.tui.screens.play import PlayScreen

        return next((s for s in self.app.screen_stack if isinstance(s, PlayScreen)), None)

    def apply(self, result: CheckResult) -> None:
        from trustsim.tui.screens.watching import WaitingScreen

        app = self.app
        play = self.play_screen()
        if play is None:
            waiting = app.screen if isinstance(app.screen, WaitingScreen) else None
            if result.scenario is None:
                if waiting is None:
                    app.push_screen(WaitingScreen(result))
                else:
                    waiting.show(result)
                return
            play = app.play_screen(result.scenario, "coach")
            play.show_problems(result.file, result.diagnostics)
            if waiting is not None:
                app.replace_screen(play)
            else:
                app.push_screen(play)
            return
        if result.scenario is None:
            # The play stays as it was, on the last version that loaded.
            self._back_to(play)
            play.show_problems(result.file, result.diagnostics)
            return
        self.reload(play, result)

    def reload(self, play: PlayScreen, result: CheckResult) -> None:
        from trustsim.engine import PlayError, Session
        from trustsim.saves import SavedStep, replay_steps
        from trustsim.tui.screens.debrief import DebriefScreen

        app = self.app
        assert result.scenario is not None
        steps = [SavedStep(s.node_id, s.index, s.choice.text) for s in play.session.history]
        try:
            session = Session(result.scenario)
            replayed = replay_steps(session, steps, lenient=True)
        except PlayError as error:
            # The start itself fails at run time (no route applies): keep what plays.
            app.notify(f"The new version cannot start: {error}", title="Not reloaded",
                       severity="error", markup=False)
            return
        complete = replayed.kept == len(steps)
        app.session = session
        play.replace_session(session, keep_reaction=complete)
        play.show_problems(result.file, result.diagnostics)
        if isinstance(app.screen, DebriefScreen) and complete and session.is_over:
            # Still at the ending: the debrief again, scored by the new version.
            app.switch_screen(DebriefScreen(session, app.mode))
        else:
            self._back_to(play)
        name = self.watcher.path.name
        if complete:
            made = len(steps)
            kept = (f": your {made} choice{'' if made == 1 else 's'} replayed" if made
                    else "")
            app.notify(f"Reloaded {name}{kept}.", timeout=3, markup=False)
        else:
            app.notify(f"Kept {replayed.kept} of {len(steps)} choices: {replayed.problem}.",
                       title=f"Reloaded {name}: play cut back", severity="warning",
                       timeout=8, markup=False)

    def _back_to(self, play: PlayScreen) -> None:
        while self.app.screen is not play and len(self.app.screen_stack) > 1:
            self.app.pop_screen()
