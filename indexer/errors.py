"""Errors a person can act on, shared by the library, the CLI and the web app."""


class BadRequest(ValueError):
    """Something a user asked wrongly (a query, a filter, a parameter); the
    message says how to put it right. The CLI exits with status 2, the web app
    answers 400."""


class QueryError(BadRequest):
    """A query string that cannot be read."""


class BuildError(Exception):
    """A build that could not produce an index; the old one is untouched."""


class IndexUnavailable(Exception):
    """An index that cannot answer in full just now: a search cluster whose front
    or a shard is out of reach. Never a partial answer presented as whole: the
    message names what failed and how to start it; the CLI exits with status 1,
    the web app answers 503."""


class IndexFormatError(Exception):
    """An index generation this kartoteka cannot read: written in another
    format (an older or newer kartoteka), or damaged. Never read anyway: the
    message names the generation, what is wrong, and says to rebuild the
    index (``kartoteka index SOURCE…``). Not a ``BadRequest``: the request
    was fine, the index is not; the CLI exits with status 1, the web app
    answers 503, as when there is no index at all."""
