"""`parley serve`: the browser workbench and JSON API on this machine (or, with a token, a team's
server)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from parley.cli.common import app, err, fail
from parley.cli.saving import StoreOpt
from parley.errors import ParleyError


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    store: StoreOpt = None,
    token: Annotated[
        str | None,
        typer.Option(
            help="Require this token of every request (bearer header or the login page); "
            "needed for any host but 127.0.0.1 (default: $PARLEY_TOKEN)"
        ),
    ] = None,
    upload_limit_mb: Annotated[float, typer.Option(help="Largest case upload, in MB")] = 5.0,
    run_timeout: Annotated[float, typer.Option(help="Seconds a model run may take")] = 120.0,
) -> None:
    """Open the workbench in a browser: cases, editor, runs, history (and the API at /docs)."""
    token = token or os.environ.get("PARLEY_TOKEN") or None
    try:
        from parley.web.settings import WebSettings, bundled_cases_dir, check_bind

        check_bind(host, token)
        try:
            import uvicorn

            from parley.web.app import create_app
        except ModuleNotFoundError as exc:
            raise ParleyError(
                f"parley serve needs the web extra ({exc.name} is missing): "
                "pip install 'parley[web]' (or make serve)"
            ) from None
        from parley.store import open_store

        open_store(store).engine.dispose()  # a bad --store fails now, in one line
        settings = WebSettings(
            store=store,
            token=token,
            upload_limit=int(upload_limit_mb * 2**20),
            run_timeout=run_timeout,
            max_jobs=max(1, (os.cpu_count() or 2)),
            cases_dir=bundled_cases_dir(),
        )
    except ParleyError as exc:
        fail(exc)
    shown = f"[{host}]" if ":" in host else host
    err.print(f"parley serve: http://{shown}:{port}/  (Ctrl-C stops)", highlight=False)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
