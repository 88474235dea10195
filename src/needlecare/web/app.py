"""The FastAPI application factory. Nothing is built at import time."""

from __future__ import annotations

import gc
import importlib
import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

import needlecare
from needlecare.config import Settings, load_settings
from needlecare.storage.engine import make_engine, make_session_factory
from needlecare.web import metrics
from needlecare.web.api import api_router
from needlecare.web.api import links as api_links
from needlecare.web.errors import register_error_handlers
from needlecare.web.hardening import (
    RequestBudgetMiddleware,
    install_proxy_and_tls,
    reject_out_of_range_ids,
)
from needlecare.web.health import DatabaseCheck, select_one
from needlecare.web.security import SecurityHeadersMiddleware, install_sessions
from needlecare.web.telemetry import RequestTelemetry

STATIC_DIR = Path(__file__).parent / "static"
PAGES_MODULE = "needlecare.web.pages"


def _include_pages(app: FastAPI) -> None:
    # Only a real package (with __init__.py) counts; a half-made namespace dir does not.
    spec = importlib.util.find_spec(PAGES_MODULE)
    if spec is None or spec.origin is None:
        return
    pages = importlib.import_module(PAGES_MODULE)
    app.include_router(pages.router)
    install = getattr(pages, "install", None)
    if install is not None:
        install(app)


def _load_pdf_engine() -> None:
    """WeasyPrint finds its C libraries on its first import with ctypes' find_library, which
    runs ldconfig, gcc and ld (about a dozen processes forked from the server, ~0.5 s of CPU):
    done once at start, not inside the first report or aftercare sheet someone asks for, when
    the server is threaded and busy (bench/README.md, `report-pdf-x12`)."""
    import weasyprint  # noqa: F401


def create_app(settings: Settings | None = None, *, engine: Engine | None = None) -> FastAPI:
    """Build the app for `settings` (default: from the environment). Migrations are not run
    here: `needlecare serve` and `needlecare db upgrade` run them."""
    settings = settings or load_settings()
    engine = engine or make_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        _load_pdf_engine()
        # Startup built a large heap (the app, its packaged data) that lives as long as the
        # process: kept out of the collector, so its full passes don't stall requests.
        gc.collect()
        gc.freeze()
        yield
        _app.state.database_check.close()
        engine.dispose()

    version = needlecare.__version__
    app = FastAPI(
        title="NeedleCare",
        summary="Recovery companion after microneedling. Informs; never diagnoses.",
        version=version,
        lifespan=lifespan,
        dependencies=[Depends(reject_out_of_range_ids)],
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)

    register_error_handlers(app)
    app.add_middleware(RequestTelemetry)  # request id, access line, request metrics
    install_sessions(app, settings)
    # Outside the sessions and every route: an oversized or unstorable body is refused
    # before a cookie is decoded, a token looked up or a password hashed.
    app.add_middleware(RequestBudgetMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    install_proxy_and_tls(app, settings)  # outermost: sees the client before anything else

    database_check = app.state.database_check = DatabaseCheck(select_one(engine))

    @app.get("/health", tags=["meta"], summary="200 when the database answers, else 503")
    async def health() -> JSONResponse:
        # On the event loop: the database is asked on its own thread (web/health.py).
        if not await database_check.ok():
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok", "version": version})

    app.include_router(api_router)
    api_links.install(app)
    app.include_router(metrics.router)
    if STATIC_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    _include_pages(app)
    return app


def create_app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (one app per worker process)."""
    return create_app()
