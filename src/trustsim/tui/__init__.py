"""The terminal app (Textual): library, play and debrief screens.

Nothing outside this package imports Textual; `trustsim.commands.play` imports it only inside
its handler, so the other commands never pay for it.
"""
