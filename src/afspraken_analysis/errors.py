"""Errors meant for the user: printed as a message, never as a traceback."""


class UserError(Exception):
    """Bad input or arguments; the message says what is wrong and how to fix it."""

    def render(self, lang: str) -> str:
        """The message in `lang`: one built as a labels.Text is put into words only now."""
        message = self.args[0] if self.args else ""
        return message.render(lang) if hasattr(message, "render") else str(message)
