"""Run the web app under waitress: one process, or several sharing one port.

``kartoteka serve --workers N`` binds the listening socket once, in the
supervising process, then forks N workers that inherit it and accept from
it, each running waitress with its own threads and its own
:class:`SearchService` (opened after the fork, so no open index crosses a
fork; the docsets maps of the index are then shared read-only pages).
Binding once means a busy port is reported before any worker starts, and
nobody else can bind beside us as ``SO_REUSEPORT`` would allow; an idle
worker takes the next connection, where ``SO_REUSEPORT`` would hash it to
a worker however busy.

The supervisor forwards SIGINT and SIGTERM to the workers and waits for
them. A worker that dies on its own is not restarted: the supervisor stops
the others and exits 1, so the failure is seen (and a process manager such
as systemd restarts the whole server) instead of being hidden by a loop.

This module knows waitress and WSGI, never Flask or ``webapp``: the
``serve`` command hands it a function that builds the app.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable

from waitress.adjustments import Adjustments
from waitress.server import create_server

WORKER_HEADER = "X-Kartoteka-Worker"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
GRACE_SECONDS = 15  # waitress gives its threads 5 s to finish; then SIGKILL
POLL_SECONDS = 0.1

WSGIApp = Callable


def bind_listeners(host: str, port: int) -> list[socket.socket]:
    """Listening sockets for ``host:port``, made as waitress makes them.

    Raises ``OSError`` (``EADDRINUSE`` for a busy port) before anything runs.
    """
    adjustments = Adjustments(host=host, port=port)
    listeners = []
    try:
        for family, kind, proto, address in adjustments.listen:
            listener = socket.socket(family, kind, proto)
            listeners.append(listener)
            if family == socket.AF_INET6:
                listener.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            # Lets a restart bind while old connections linger in TIME_WAIT;
            # on Linux it never lets two servers listen on one port.
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(address)
            listener.listen(adjustments.backlog)
    except OSError:
        for listener in listeners:
            listener.close()
        raise
    return listeners


def tag_worker(app: WSGIApp) -> WSGIApp:
    """``app`` answering with the header ``X-Kartoteka-Worker: <pid of this process>``."""
    header = (WORKER_HEADER, str(os.getpid()))

    def tagged(environ, start_response):
        def start(status, headers, exc_info=None):
            return start_response(status, [*headers, header], exc_info)

        return app(environ, start)

    return tagged


def serve_here(make_app: Callable[[], WSGIApp], listeners: list[socket.socket],
               threads: int) -> None:
    """Build the app and serve it on ``listeners`` in this process until stopped."""
    server = create_server(tag_worker(make_app()), sockets=listeners, threads=threads)
    server.run()  # returns on SystemExit or KeyboardInterrupt, its threads stopped


def serve_workers(make_app: Callable[[], WSGIApp], listeners: list[socket.socket],
                  threads: int, workers: int, say: Callable[[str], None]) -> int:
    """Fork ``workers`` processes serving ``listeners``; supervise them; the exit status.

    0 when stopped by SIGINT or SIGTERM, 1 when a worker died on its own.
    ``say`` reports to the operator (a worker's death).
    """
    supervisor = os.getpid()
    children: set[int] = set()
    stopping: list[int] = []

    def stop(signum, frame):
        if os.getpid() != supervisor:  # a worker before its own handler is in place
            raise SystemExit(0)
        stopping.append(signum)
        _signal_all(children, signum)

    # A stop signal arriving mid-fork waits until every worker is known.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    previous = {signum: signal.signal(signum, stop) for signum in STOP_SIGNALS}
    try:
        for _ in range(workers):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _worker(make_app, listeners, threads)  # never returns
            children.add(pid)
        for listener in listeners:
            listener.close()  # the workers hold them; the port closes with the last one
    finally:
        if os.getpid() == supervisor:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    try:
        return _supervise(children, stopping, say)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _worker(make_app, listeners, threads) -> None:
    """A forked worker: serve until told to stop, then leave without the parent's cleanup."""
    status = 0
    try:
        for signum in STOP_SIGNALS:
            signal.signal(signum, _exit_quietly)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        serve_here(make_app, listeners, threads)
    except SystemExit:
        pass  # stopped while starting
    except Exception:  # noqa: BLE001 - a worker's last word, then os._exit
        traceback.print_exc()
        status = 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _exit_quietly(signum, frame):
    raise SystemExit(0)


def _supervise(children: set[int], stopping: list[int], say) -> int:
    """Wait for the workers; stop them all when one dies or a stop signal comes."""
    failed = False
    stop_started = None
    while children:
        # Polling rather than a blocking wait, so that a worker which ignores
        # SIGTERM is still killed after the grace period.
        if stopping and stop_started is None:
            stop_started = time.monotonic()
        if stop_started is not None and time.monotonic() - stop_started > GRACE_SECONDS:
            _signal_all(children, signal.SIGKILL)
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:  # reaped elsewhere: nothing left to wait for
            break
        if pid == 0:
            time.sleep(POLL_SECONDS)
            continue
        children.discard(pid)
        if not stopping:
            failed = True
            say(f"worker {pid} {_how_it_ended(status)}: stopping the other workers")
            stopping.append(signal.SIGTERM)
            _signal_all(children, signal.SIGTERM)
    return 1 if failed else 0


def _signal_all(children: set[int], signum: int) -> None:
    for pid in list(children):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass  # already gone; waitpid will reap it


def _how_it_ended(status: int) -> str:
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        return f"was killed by {signal.Signals(-code).name}"
    return f"exited with status {code}"
