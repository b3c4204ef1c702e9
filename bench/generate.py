"""Generated scenarios of any size, valid or broken, for the benchmarks."""

from __future__ import annotations

import random

TAGS = ("accountability", "acknowledge_hurt", "consistent_action", "excuse", "minimise",
        "pressure", "respect_pace", "empty_promise")
SIGNALS = ("warm", "steady", "distant")
LOREM = ("She waits for you to say something real. The kitchen is quiet except for the fridge. "
         "You can feel how carefully she is choosing where to look. ")


def scenario_text(nodes: int, *, seed: int = 0, broken: bool = False) -> str:
    """A scenario of `nodes` nodes (about 600 bytes each): choice nodes with three choices,
    a routing node every tenth, and three endings. `broken` adds a wrong `goto` every 500
    nodes, so the checker must also locate problems."""
    rng = random.Random(seed)
    last = nodes - 3
    out = [
        'format = 1\nid = "generated"\ntitle = "Generated"\nsummary = "For benchmarks."\n'
        'start = "n0"\n\n[partner]\nname = "Maya"\n\n[trust]\ninitial = 30\nceiling = 80\n'
    ]
    for i in range(last):
        ahead = [min(i + step, last) for step in (1, 2, 3)]
        if i % 10 == 9:
            out.append(f'\n[nodes.n{i}]\ntext = "Days pass. {LOREM}"\n')
            out.append(f'\n[[nodes.n{i}.routes]]\nif = "trust >= 40 and not flag.f{i % 7}"\n'
                       f'goto = "n{ahead[0]}"\n')
            out.append(f'\n[[nodes.n{i}.routes]]\ngoto = "n{ahead[1]}"\n')
            continue
        out.append(f'\n[nodes.n{i}]\nspeaker = "Maya"\ntext = "{LOREM}{LOREM}"\n')
        for k, target in enumerate(ahead):
            goto = f"n{target}" if target < last else f"end{k}"
            if broken and i % 500 == 250 and k == 0:
                goto = f"m{target}"
            tags = ", ".join(f'"{t}"' for t in rng.sample(TAGS, 2))
            out.append(
                f'\n[[nodes.n{i}.choices]]\ntext = "I hear you, and I am not going anywhere."\n'
                f'tags = [{tags}]\nsignal = "{rng.choice(SIGNALS)}"\n'
                f'reply = "She nods."\nfeedback = "Steady and plain."\nset = ["f{k + i % 5}"]\n'
                f'goto = "{goto}"\n'
            )
    for k in range(3):
        out.append(f'\n[nodes.end{k}]\nending = "Ending {k}"\ntext = "It ends."\n')
    return "".join(out)
