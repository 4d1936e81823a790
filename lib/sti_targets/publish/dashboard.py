"""``sti-targets explore``: the explorer notebook served as a dashboard with Voilà.

What the page can do, and what it cannot:

* Voilà executes ``notebooks/explore.ipynb`` and nothing else. Its kernel websocket
  forwards only comm and kernel-info/shutdown messages (``execute_request``,
  ``inspect_request``, ``complete_request`` and the like are dropped by the server),
  so a page can move the widgets but cannot run code; the code cells are stripped
  from the page (``strip_sources``) and tracebacks are not sent to it.
* Serving one notebook, the Voilà server has no contents, terminals, sessions or
  kernel-creation API: every other path is redirected to ``/voila/files/``, which
  here serves no file at all (empty allow-list).
* It listens on 127.0.0.1 only, refuses requests whose ``Host`` header is not a
  local name (DNS rebinding), and asks for a random token, given in the printed
  URL (after the first visit a cookie holds it). The token reaches Voilà through
  the environment, never the command line, and is removed before the kernel starts.
* The page makes no request off this machine: the template ``templates/sti_dashboard`` drops
  the Font Awesome stylesheets Voilà's lab page links from a CDN, and a URL cannot choose
  another template or theme.
* Kernels do not pile up: a page's kernel is shut down a few seconds after its last websocket
  closes (the page was closed or reloaded; Voilà's own ``beforeunload`` beacon is refused for
  want of an XSRF cookie), and a kernel that no page ever connected to is culled when idle.
"""

from __future__ import annotations

import argparse
import errno
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from .. import paths

DEFAULT_PORT = 8866
HOST = "127.0.0.1"
NOTEBOOK = "explore.ipynb"
START_TIMEOUT = 90.0
_TOKEN_ENV = "STI_DASHBOARD_TOKEN"
_CHILD = "import sys; from sti_targets.publish.dashboard import _voila_main; _voila_main(sys.argv[1:])"
TEMPLATE = Path(__file__).parent / "templates" / "sti_dashboard"
CLOSE_GRACE = 3.0  # s a page's kernel outlives its last websocket (a reload opens a new kernel)
CULL_IDLE_TIMEOUT = 120  # s idle before a kernel with no page connected is shut down
CULL_INTERVAL = 30  # s between culling checks


class DashboardError(RuntimeError):
    """The dashboard could not be started (port in use, Voilà missing or exiting early)."""


class PortInUseError(DashboardError):
    pass


def notebook_path(notebook: str = NOTEBOOK) -> Path:
    return paths.NOTEBOOKS / notebook


def voila_argv(port: int, log_level: str = "WARN", notebook: str = NOTEBOOK) -> list[str]:
    """The Voilà command-line options: the notebook, the loopback address, no browser, no
    other port if this one is taken, code cells stripped and tracebacks kept from the page."""
    return [
        str(notebook_path(notebook)),
        f"--Voila.port={port}",
        f"--Voila.ip={HOST}",
        "--Voila.port_retries=0",
        "--no-browser",
        "--VoilaConfiguration.strip_sources=True",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--Voila.log_level={log_level}",
    ]


def _page_kernel_manager():
    """Voilà's kernel manager, made to shut a page's kernel down once its last websocket has stayed
    closed for CLOSE_GRACE seconds (a reconnecting page keeps it)."""
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from tornado.ioloop import IOLoop

    class PageKernelManager(AsyncMappingKernelManager):
        def notify_disconnect(self, kernel_id):
            super().notify_disconnect(kernel_id)
            if self._kernel_connections.get(kernel_id) == 0:
                IOLoop.current().call_later(CLOSE_GRACE, self._shut_down_if_unused, kernel_id)

        async def _shut_down_if_unused(self, kernel_id):
            if kernel_id in self and self._kernel_connections.get(kernel_id) == 0:
                self.log.info("Kernel %s: its page has gone; shutting it down", kernel_id)
                await self.shutdown_kernel(kernel_id)

    return PageKernelManager


def _voila_main(argv: list[str]) -> None:
    """Run Voilà in this process (the child started by :func:`start_dashboard`)."""
    from traitlets.config import Config
    from voila.app import Voila

    class DashboardVoila(Voila):
        def setup_template_dirs(self):
            super().setup_template_dirs()
            self.template_paths.insert(0, str(TEMPLATE))  # its index.html.j2 extends Voilà's lab page

    token = os.environ.pop(_TOKEN_ENV, "")  # the kernel inherits this environment: keep the token out of it
    config = Config()
    config.VoilaConfiguration.file_allowlist = []  # /voila/files/ serves nothing
    config.VoilaConfiguration.multi_kernel_manager_class = _page_kernel_manager()
    config.VoilaConfiguration.allow_template_override = "NO"  # ?template=classic would link CDN files
    config.VoilaConfiguration.allow_theme_override = "NO"
    config.MappingKernelManager.cull_idle_timeout = CULL_IDLE_TIMEOUT  # kernels no page connected to
    config.MappingKernelManager.cull_interval = CULL_INTERVAL
    config.MappingKernelManager.cull_connected = False  # an open page keeps its kernel, however idle
    DashboardVoila.launch_instance(
        argv=argv,
        config=config,
        token=token,
        tornado_settings={"allow_remote_access": False, "local_hostnames": ["localhost"]},
    )


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((HOST, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    """Whether the server answers HTTP (its login page: a request that starts no kernel)."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/login", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


def _tail(log: Path | None, lines: int = 15) -> str:
    if log is None or not log.is_file():
        return ""
    text = log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]
    return "\n" + "\n".join(text) if text else ""


def start_dashboard(
    port: int | None = None,
    log: Path | str | None = None,
    timeout: float = START_TIMEOUT,
    log_level: str = "WARN",
    notebook: str = NOTEBOOK,
    env: dict[str, str] | None = None,
) -> tuple[subprocess.Popen, str]:
    """Start Voilà on 127.0.0.1:``port`` (a free port if None) in a child process and wait
    until it answers; returns the process and the page's URL (with its token). Voilà's log
    goes to ``log`` if given, else to this process's stderr. Stop it with :func:`stop_dashboard`.
    ``notebook`` (under notebooks/) is what it serves; ``env`` reaches its kernel (its parameters:
    the page cannot choose them)."""
    try:
        import voila  # noqa: F401
    except ImportError:
        raise DashboardError("Voilà is not installed in this environment: pip install -e . (or `make setup`)") from None
    if not notebook_path(notebook).is_file():
        raise DashboardError(f"no notebook at {notebook_path(notebook)}")
    port = free_port() if port is None else port
    if not port_is_free(port):
        raise PortInUseError(f"port {port} on {HOST} is already in use; choose another with --port N")
    token = secrets.token_urlsafe(24)
    log_path = Path(log) if log is not None else None
    out: IO | None = open(log_path, "ab") if log_path is not None else None  # noqa: SIM115 (the child owns it)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", _CHILD, *voila_argv(port, log_level, notebook)],
            cwd=paths.PROJECT_ROOT,
            env={**os.environ, **(env or {}), _TOKEN_ENV: token},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT if out is not None else None,
            start_new_session=True,  # a Ctrl-C reaches this process, which then stops Voilà in order
        )
    finally:
        if out is not None:
            out.close()
    deadline = time.monotonic() + timeout
    try:
        while not _answers(port):
            if process.poll() is not None:
                raise DashboardError(f"Voilà exited with code {process.returncode} before serving{_tail(log_path)}")
            if time.monotonic() > deadline:
                raise DashboardError(f"Voilà did not answer on {HOST}:{port} within {timeout:.0f} s{_tail(log_path)}")
            time.sleep(0.2)
    except BaseException:  # not started, or interrupted while waiting: leave no server behind
        stop_dashboard(process)
        raise
    return process, f"http://{HOST}:{port}/?token={token}"


def stop_dashboard(process: subprocess.Popen, timeout: float = 20.0) -> None:
    """SIGTERM (Voilà then shuts its kernels down), and SIGKILL if it does not exit in time."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(
    port: int | None = None,
    open_browser: bool = False,
    notebook: str = NOTEBOOK,
    env: dict[str, str] | None = None,
    what: str = "explorer dashboard",
) -> int:
    """Serve the dashboard until Ctrl-C (or SIGTERM); 0 when stopped so, 1 if Voilà stops by itself.
    The terminal shows the URL; Voilà's and the kernel's log go to a file named at startup."""
    port = DEFAULT_PORT if port is None else port
    fd, name = tempfile.mkstemp(prefix=f"sti-{Path(notebook).stem}-", suffix=".log")
    os.close(fd)
    log = Path(name)
    print(f"starting the {what} on {HOST}:{port} (Voilà; log in {log}) ...", file=sys.stderr, flush=True)
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    process = None
    try:
        process, url = start_dashboard(port, log=log, log_level="INFO", notebook=notebook, env=env)
        print(f"{what}: {url}", flush=True)
        print("(the token in the URL is kept in a cookie after the first visit; Ctrl-C stops)", file=sys.stderr)
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        status = process.wait()
        print(f"error: Voilà stopped by itself (status {status}); see {log}{_tail(log, 5)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nstopping the dashboard ...", file=sys.stderr, flush=True)
        return 0
    finally:
        # a second Ctrl-C would interrupt the orderly stop (and print a traceback): ignore it meanwhile
        interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        try:
            if process is not None and process.poll() is None:
                stop_dashboard(process)
                print("stopped", file=sys.stderr)
        finally:
            signal.signal(signal.SIGINT, interrupt)
            signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


def run_explore(args: argparse.Namespace) -> int:
    """``sti-targets explore [--port N] [--open]``."""
    port = getattr(args, "port", None)
    if port is not None and not 0 < port < 65536:
        print(f"error: --port must be between 1 and 65535, not {port}", file=sys.stderr)
        return 2
    try:
        return serve(port, open_browser=bool(getattr(args, "open", False)))
    except DashboardError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``sti-targets explore``, for the CLI's subparser."""
    parser.add_argument("--port", type=int, default=None, help=f"port on 127.0.0.1 (default: {DEFAULT_PORT})")
    parser.add_argument("--open", action="store_true", help="open the dashboard in the default web browser")
