"""`make screenshots`: the README's pictures of the library, play and debrief screens, taken
from the real app on the bundled example, so they never drift from the code.

Run as `python -m trustsim.tui.screenshots [FOLDER]` (default docs/screenshots). The player's
data folder is a fresh temporary HOME, so no real save shows and the user folder reads as
the default `~/.local/share/trustsim/scenarios` on every machine.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from trustsim.tui.app import Launch

SIZE = (100, 30)
EXAMPLE_ID = "missed-anniversary"


def _constructive_path(scenario_path: Path) -> list[int]:
    """Choice numbers of a careful player: the most constructive choice at every turn."""
    from trustsim.engine import Session
    from trustsim.loader import load_scenario
    from trustsim.scoring import TAXONOMY

    session = Session(load_scenario(scenario_path))
    numbers = []
    while not session.is_over:
        best = max(session.offers(), key=lambda o: sum(
            1 if TAXONOMY[t].constructive else -1 for t in o.choice.tags))
        numbers.append(best.number)
        session.choose(best.number)
    return numbers


def shoot(launch: Launch, keys: Sequence[str], path: Path) -> None:
    from trustsim.tui.app import TrustsimApp

    app = TrustsimApp(launch)

    async def pilot_run(pilot: Pilot[object]) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        path.write_text(pilot.app.export_screenshot(title="trustsim"), encoding="utf-8")
        pilot.app.exit(0)

    app.run(headless=True, size=SIZE, auto_pilot=pilot_run)
    print(path)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as home:
        os.environ["HOME"] = home
        for name in ("TRUSTSIM_HOME", "XDG_DATA_HOME"):
            os.environ.pop(name, None)
        from trustsim.loader import load_scenario
        from trustsim.paths import bundled_scenarios
        from trustsim.tui.app import Launch

        example = bundled_scenarios() / f"{EXAMPLE_ID}.toml"
        scenario = load_scenario(example)
        # Each choice, then Continue past the partner's reaction to the next scene.
        turns = [[str(n), "space"] for n in _constructive_path(example)]
        intro = ["s"] if scenario.content_notes else []
        shoot(Launch(cursor_blink=False), ["down"], out / "library.svg")
        # The second choice's reaction: the reply, the coach's note and the meters moving.
        shoot(Launch(scenario=scenario, cursor_blink=False),
              [*intro, *turns[0], turns[1][0]], out / "play.svg")
        debrief = [*intro, *(key for turn in turns for key in turn), "enter"]
        shoot(Launch(scenario=scenario, cursor_blink=False), debrief, out / "debrief.svg")
    return 0


if __name__ == "__main__":
    sys.exit(main())
