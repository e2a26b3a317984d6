"""Errors meant for the user: printed as a message, never as a traceback."""


class UserError(Exception):
    """Bad input or arguments; the message says what is wrong and how to fix it.

    The message is plain text, or a `labels.Text` that stays language-neutral until `render(lang)`
    (the command line renders it in the user's language; str() gives the Dutch text).
    """

    def render(self, lang: str = "nl") -> str:
        message = self.args[0] if self.args else ""
        return message.render(lang) if hasattr(message, "render") else str(message)

    def __str__(self) -> str:
        return self.render("nl")
