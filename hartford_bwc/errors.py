"""The one exception type services raise when a rule refuses an action."""


class DomainError(Exception):
    """A refusal whose message tells a person what is wrong and what to do instead."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
