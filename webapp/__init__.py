"""kartoteka's web app: a thin front over the indexer's search service."""

from __future__ import annotations

from flask import Flask

from indexer import IndexFormatError, IndexUnavailable, SearchService, default_index_dir

SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                                "script-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                                "form-action 'self'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py`` or the test's config."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=str(default_index_dir()),
        PER_PAGE=20,
        AUTHORS_SHOWN=8,
        JSON_AS_ASCII=False,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    # The index is opened once; the service reopens it when a rebuild lands.
    app.extensions["kartoteka"] = SearchService(app.config["INDEX_DIR"])

    from . import views, workbench
    app.register_blueprint(views.bp)
    app.register_blueprint(workbench.bp)

    @app.errorhandler(IndexFormatError)
    def index_of_another_format(error):
        """An index this kartoteka cannot read: say so and how to rebuild it."""
        return views.index_unreadable(error)

    @app.errorhandler(IndexUnavailable)
    def index_out_of_reach(error):
        """A search cluster that cannot answer in full: say which part failed."""
        return views.index_unreadable(error, "index_unavailable", str(error))

    app.register_error_handler(404, views.page_not_found)

    @app.after_request
    def set_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
