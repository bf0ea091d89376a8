"""Onward's errors from outside systems, translated at the edge of integrations/.

    IntegrationError
     ├── TemporaryError   worth retrying later (5xx, 429, timeouts, connection errors)
     │    └── OutcomeUnknown   the request may have been carried out all the same (no
     │                         answer came: a read timeout, a connection cut mid-call)
     └── PermanentError   retrying cannot help (invalid number, opted out, bad request)
"""


class IntegrationError(Exception):
    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


class TemporaryError(IntegrationError):
    pass


class OutcomeUnknown(TemporaryError):
    pass


class PermanentError(IntegrationError):
    pass
