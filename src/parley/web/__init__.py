"""`parley serve`: the analyst's workbench in a browser (FastAPI, Jinja2, vendored HTMX) and a
JSON API mirroring the CLI. Needs the `web` extra: `pip install 'parley[web]'`."""

from parley.web.settings import WebSettings


def create_app(settings: WebSettings | None = None):
    """The FastAPI app (imported lazily: the web extra is optional)."""
    from parley.web.app import create_app as build

    return build(settings)


__all__ = ["WebSettings", "create_app"]
