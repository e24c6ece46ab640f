"""Errors every upstream client raises, so the HA glue maps them the same way for all services."""

from __future__ import annotations


class UpstreamError(Exception):
    """An upstream service did not answer as expected."""


class CannotConnect(UpstreamError):
    """The service could not be reached (refused, timed out, DNS, TLS)."""


class InvalidAuth(UpstreamError):
    """The service rejected the credentials (API key, user name or password)."""


class UnexpectedResponse(UpstreamError):
    """The service answered, but not like the kind of server it was configured as."""


class NotFound(UnexpectedResponse):
    """The service answered 404: the thing looked up does not exist (or the URL is not this service's)."""


class Conflict(UnexpectedResponse):
    """The service answered 409: the thing is not in a state that allows the change (a request already moderated)."""


class WebhookUnreachable(UpstreamError):
    """The service could not deliver its test event to the webhook URL: it cannot reach Home Assistant.

    `server_message` is the service's own explanation, with the URL and password taken out.
    """

    def __init__(self, message: str, *, server_message: str) -> None:
        """Keep the server's explanation next to our summary."""
        super().__init__(f"{message}: {server_message}")
        self.server_message = server_message
