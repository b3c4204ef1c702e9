"""`trustsim dashboard`: the instructor's live view of a class (Textual)."""
