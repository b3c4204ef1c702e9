"""trustsim: practise rebuilding trust after you have broken it."""

__version__ = "0.1.0"
