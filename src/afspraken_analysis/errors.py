"""Errors meant for the user: printed as a message, never as a traceback."""


class UserError(Exception):
    """Bad input or arguments; the message says what is wrong and how to fix it."""
