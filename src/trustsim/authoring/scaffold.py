"""`trustsim new ID`: a small but complete scenario to start from, every key commented.

tomli-w writes no comments, so the file is a commented template whose values (the id,
title, names the author gave) are each rendered by tomli-w, which escapes whatever they
contain. The result is parsed and checked again before anyone sees it: what `new` writes
always passes `trustsim check` with no warning, its own tests and invariants included.
"""

from __future__ import annotations

import string

import tomli_w

from trustsim.loader import check_text
from trustsim.loader.structure import SCENARIO_ID

__all__ = ["ScaffoldError", "scaffold", "title_from_id"]


class ScaffoldError(ValueError):
    """The id or a value given cannot make a valid scenario."""


_TEMPLATE = string.Template('''\
# A trustsim scenario (format 1). Every key is explained in docs/authoring.md.
#   trustsim check FILE      problems, compiler style; also runs the [[tests]] at the end
#   trustsim analyze FILE    path counts, reachable endings, best and worst scores
#   trustsim graph FILE      the branching as Graphviz DOT (--format mermaid for Mermaid)
#   trustsim run FILE --choices 1,1   plays choices headless and prints the report
#
# Editor completion and checking (Taplo / Even Better TOML): run
#   trustsim schema > trustsim.schema.json
# and make this the very first line of the file:
#   #:schema ./trustsim.schema.json

format = 1                # the scenario format version
id = ${id}                # unique in a library: lower-case letters, digits and hyphens
title = ${title}          # shown in the library
summary = "You promised to be there, and you were not."   # shown before play
author = ${author}        # who wrote it
language = "en"           # language of the text
minutes = 4               # estimated play time, in minutes
content_notes = ["a broken promise"]   # shown before play starts
start = "opening"         # the id of the first node

[partner]
name = ${partner}         # the person whose trust was broken

[trust]
initial = 30              # their trust when play starts, 0-100
ceiling = 80              # the most that can come back: trust may never fully return

# Optional: make a behaviour count more or less in this scenario (0.1-10, default about 1).
# [scoring.weights]
# excuse = 1.5

# A node has `text` and exactly one of: `choices`, `routes`, `next` or `ending`.
# `speaker` says who speaks the text; leave it out for narration.
[nodes.opening]
speaker = ${partner}
text = """
You said you would be there tonight. I waited for an hour."""

# A choice: what the player says or does (`text`), the behaviours a reader sees in those
# words (`tags`, from the taxonomy), how it reads (`signal`: warm, steady or distant; a
# flip between warm and distant is a mixed signal), the partner's `reply`, a coaching
# `feedback`, flags to `set` or `clear` for later conditions, and where it leads (`goto`).
# `if = "..."` would offer it only when the condition holds.
[[nodes.opening.choices]]
text = "I said I would be there and I wasn't. I'm sorry I left you waiting."
tags = ["accountability", "acknowledge_hurt"]
signal = "steady"
reply = "They look at you for a long moment, then nod."
feedback = "You named what you did and what it did to them, with no excuse."
set = ["owned_it"]
goto = "evening"

[[nodes.opening.choices]]
text = "Work ran late. There was nothing I could do."
tags = ["excuse"]
reply = "They turn away. \\"There is always something.\\""
feedback = "An explanation in place of an admission: it asks them to excuse you."
goto = "evening"

[[nodes.opening.choices]]
text = "Can we not make this into a big deal? I'm here now."
tags = ["minimise", "pressure"]
signal = "distant"
reply = "Their jaw tightens."
feedback = "Downplaying the hurt and hurrying them past it tells them it did not matter."
goto = "evening"

# `next` moves on without a choice.
[nodes.evening]
text = "The evening passes quietly. In the morning, there is a chance to make it right."
next = "morning"

[nodes.morning]
text = "They mention, carefully, the dinner you had planned for Friday."

[[nodes.morning.choices]]
text = "You book the table for Friday and arrive ten minutes early."
tags = ["consistent_action"]
signal = "warm"
reply = "They notice. They don't say anything, but they notice."
feedback = "A small promise kept, carried out: that is what rebuilds trust."
goto = "decision"

[[nodes.morning.choices]]
text = "I promise it will never, ever happen again."
tags = ["empty_promise"]
signal = "warm"
reply = "\\"You said that last time.\\""
feedback = "A promise about the future in place of an action now."
goto = "decision"

# Routes choose the way automatically: the first route whose `if` holds is taken, and the
# last route has no `if` (the fallback). Conditions read trust, hurt, uncertainty, turn,
# score.<dimension>, count.<tag> and flag.<name>.
[nodes.decision]
text = "A week goes by."

[[nodes.decision.routes]]
if = "flag.owned_it and count.empty_promise == 0"
goto = "hopeful"

[[nodes.decision.routes]]
goto = "guarded"

# An ending: its value is the title the player sees.
[nodes.hopeful]
ending = "A Slow Start"
text = "On Friday they laugh at something you say, and seem surprised by it."

[nodes.guarded]
ending = "Still Guarded"
text = "They are polite, and careful, and further away than before."

# Tests, run by `trustsim check`: play these choice numbers (as shown, from 1) and expect an
# ending (a node id) and, optionally, score bounds (min.<score>, max.<score>).
[[tests]]
name = "owning it and keeping the next promise gives the hopeful ending"
choices = [1, 1]
ending = "hopeful"
min.overall = 70

[[tests]]
name = "an excuse leads to the guarded ending"
choices = [2, 1]
ending = "guarded"
max.accountability = 50

# Invariants: conditions that must never hold, in any state of any play. `ending` is the
# id of the ending reached ("" before the end).
[[invariants]]
name = "no excuse on the way to the hopeful ending"
never = "ending == 'hopeful' and count.excuse > 0"
''')


def title_from_id(scenario_id: str) -> str:
    return " ".join(word.capitalize() for word in scenario_id.split("-"))


def _value(value: str) -> str:
    # tomli-w escapes quotes, backslashes and control characters; take the right-hand side.
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def scaffold(scenario_id: str, *, title: str | None = None, partner: str = "Sam",
             author: str = "") -> str:
    """The text of a new scenario; ScaffoldError if the values cannot make a valid one."""
    if not SCENARIO_ID.match(scenario_id):
        raise ScaffoldError(f'"{scenario_id}" is not a valid scenario id: use lower-case '
                            "letters, digits and single hyphens, like missed-anniversary")
    text = _TEMPLATE.substitute(
        id=_value(scenario_id),
        title=_value(title if title is not None else title_from_id(scenario_id)),
        partner=_value(partner),
        author=_value(author),
    )
    result = check_text(text, f"{scenario_id}.toml")
    problems = [d.render() for d in result.diagnostics]
    if problems or result.scenario is None:
        raise ScaffoldError("the values given do not make a valid scenario: "
                            + "; ".join(problems[:3]))
    from trustsim.authoring.scenario_tests import check_invariants, run_tests

    failures = [f.message for f in run_tests(result.scenario)]
    failures += [f.message for f in check_invariants(result.scenario)[0]]
    if failures:
        raise ScaffoldError("the scaffold's own tests fail: " + "; ".join(failures))
    return text
