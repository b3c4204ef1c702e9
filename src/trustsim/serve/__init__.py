"""The classroom server: `trustsim serve` (SPEC section 6).

`ssh.py` speaks SSH (asyncssh) and enforces what a student may do; `sessions.py` runs one
`trustsim play` process per student on its own pseudo-terminal, forked from a warm parent;
`limits.py` holds the limits and what a student is told when one is reached.
"""
