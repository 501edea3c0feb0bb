"""The exception types services raise when a rule refuses an action.

Two kinds, because a caller answers them differently: `DomainError` itself is a refusal about the
state of things (the camera is checked out, the bay is taken: trying again later may work, so the API
answers 409), and `InvalidInput` is a refusal of what was asked (a bay the dock lacks, a PIN too short:
the same request will always fail, so the API answers 422). The console shows both the same way.
"""


class DomainError(Exception):
    """A refusal whose message tells a person what is wrong and what to do instead."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(DomainError):
    """A refusal of the input itself, whatever the state: a missing reason, a value out of range."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message, code=code)
