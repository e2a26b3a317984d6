"""Errors meant for the user: printed as a message, never as a traceback."""


class UserError(Exception):
    """Bad input or arguments; the message says what is wrong and how to fix it.

    The message is plain text, or a `labels.Text` that stays language-neutral until `render(lang)`
    (the command line renders it in the user's language; str() in labels.user_lang()).
    """

    def render(self, lang: str) -> str:
        """The message in `lang`: one built as a labels.Text is put into words only now."""
        message = self.args[0] if self.args else ""
        return message.render(lang) if hasattr(message, "render") else str(message)
