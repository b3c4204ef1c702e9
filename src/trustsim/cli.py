"""Command line: argument parsing only; every command calls the core."""

def main() -> int:
    return 0
