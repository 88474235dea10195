"""`needlecare serve --workers N` (N > 1): N uvicorn processes on one port, each listening on
its own socket (SO_REUSEPORT), so that the kernel spreads new connections evenly over them.

With one shared listening socket (uvicorn's own `--workers`), whichever worker wakes first
accepts every connection then waiting: keep-alive clients that connect together land on one
worker while the others idle. With a socket per worker the kernel assigns each connection to
one of them by a hash of its addresses.

The parent only supervises: it restarts a worker that dies, stops all of them on SIGINT or
SIGTERM, and gives up if a worker cannot start (uvicorn's start-up failure exit code).
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
import time
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.config import STARTUP_FAILURE

log = logging.getLogger("uvicorn.error")
STOP_TIMEOUT_S = 30.0


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port that other such sockets may share (SO_REUSEPORT)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def _serve(config: uvicorn.Config) -> None:
    """A worker process: its own listening socket, then uvicorn as usual."""
    config.configure_logging()
    uvicorn.Server(config).run(sockets=[reuse_port_socket(config.host, config.port)])


def run_workers(config: uvicorn.Config) -> None:
    """Serve with `config.workers` processes until SIGINT or SIGTERM."""
    # Bound in the parent too, never listening: the port is taken (or the error shown) before
    # any worker starts, and no other program can join the group meanwhile.
    reserved = reuse_port_socket(config.host, config.port)
    context = multiprocessing.get_context("spawn")
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> BaseProcess:
        process = context.Process(target=_serve, args=(config,), name="needlecare-web")
        process.start()
        return process

    workers = [start() for _ in range(config.workers)]
    log.info("Started %d worker processes, one listening socket each", len(workers))
    try:
        while not stop.wait(0.5):
            for index, process in enumerate(workers):
                if process.is_alive():
                    continue
                if process.exitcode == STARTUP_FAILURE:
                    log.error("Worker [%s] could not start; stopping", process.pid)
                    stop.set()
                    break
                log.warning("Worker [%s] died; starting another", process.pid)
                workers[index] = start()
    finally:
        for process in workers:
            if process.is_alive():
                process.terminate()  # SIGTERM: uvicorn finishes its requests, then exits
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for process in workers:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
        reserved.close()
