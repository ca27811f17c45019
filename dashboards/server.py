"""Run a local Superset 6.1 for the dashboards: its own virtualenv, state under ``$CLOSEDLOOP_HOME/superset``.

``up`` writes ``superset_config.py``, migrates the metadata database (first time), creates the admin
user (first time), imports the bundle against the serving warehouse (or, with
``$CLOSEDLOOP_SUPERSET_WAREHOUSE_URL``, the PostgreSQL marts through a read-only role; no serving file
is needed then), sets up the read-only Viewer role and starts gunicorn on 127.0.0.1:8088; ``down``
stops the server it started, by its pid file.

Environment:
    CLOSEDLOOP_SUPERSET_ADMIN_PASSWORD: admin password; generated and printed once when unset.
    CLOSEDLOOP_SUPERSET_VIEWER_PASSWORD: when set, a ``viewer`` user with the Viewer role.
    SUPERSET_SECRET_KEY: Flask secret key; generated once and kept in ``superset/secret_key`` when unset.
    CLOSEDLOOP_SUPERSET_VENV: Superset's virtualenv (default ``.venv-superset`` in the repository).
    CLOSEDLOOP_SUPERSET_PORT: port on 127.0.0.1 (default 8088).
    CLOSEDLOOP_SUPERSET_WAREHOUSE_URL, CLOSEDLOOP_SUPERSET_WAREHOUSE_PASSWORD: the PostgreSQL marts and
        the reader's password (:func:`dashboards.sync.superset_database`); the password reaches
        Superset's import through the environment of ``superset_setup.py``, never a file.
"""

from __future__ import annotations

import logging
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from closedloop.core.errors import ClosedloopError
from closedloop.core.serving import publish_green_build
from closedloop.core.settings import PROJECT_ROOT, Settings
from dashboards.sync import render_bundle, superset_database

log = logging.getLogger("closedloop.dashboards")

SUPERSET_VERSION = "6.1.0"
HOST = "127.0.0.1"
SETUP_SCRIPT = Path(__file__).resolve().parent / "superset_setup.py"
GUARD_DIR = Path(__file__).resolve().parent  # superset_guard.py, imported by the generated config

CONFIG_TEMPLATE = '''"""Superset configuration written by `closedloop dashboards up` (do not edit; it is rewritten)."""
import os
import sys

sys.path.insert(0, "{dashboards}")
from superset_guard import security_manager_class  # noqa: E402

# Viewers query the datasets' saved columns and metrics only (no ad-hoc SQL); see superset_guard.py.
CUSTOM_SECURITY_MANAGER = security_manager_class()
SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = "sqlite:///{home}/superset.db"
DATA_DIR = "{home}"
PUBLIC_ROLE_LIKE = None
AUTH_ROLE_PUBLIC = "Public"
SCARF_ANALYTICS = False
MAPBOX_API_KEY = ""
# Superset 6.1's menu always renders a Scarf telemetry pixel; a same-origin-only CSP keeps the browser
# from fetching it (and anything else off this machine: map tiles, fonts).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {{
    "content_security_policy": {{
        "base-uri": ["'self'"], "default-src": ["'self'"], "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"], "connect-src": ["'self'"], "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"], "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    }},
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}}
WTF_CSRF_ENABLED = True
SQLLAB_CTAS_NO_LIMIT = False
FEATURE_FLAGS = {{"DASHBOARD_RBAC": False, "ALERT_REPORTS": False, "THUMBNAILS": False, "EMBEDDED_SUPERSET": False}}
RATELIMIT_STORAGE_URI = "memory://"
LOG_LEVEL = "WARNING"
'''


@dataclass(frozen=True)
class SupersetPaths:
    """Where the local Superset keeps its things.

    Attributes:
        home: ``$CLOSEDLOOP_HOME/superset``.
        venv: Superset's virtualenv.
    """

    home: Path
    venv: Path

    @property
    def config(self) -> Path:
        """``superset_config.py``."""
        return self.home / "superset_config.py"

    @property
    def pid_file(self) -> Path:
        """Pid of the gunicorn master this module started."""
        return self.home / "gunicorn.pid"

    @property
    def log_file(self) -> Path:
        """Gunicorn and Superset log."""
        return self.home / "superset.log"

    @property
    def secret_file(self) -> Path:
        """Generated secret key (mode 600), used when SUPERSET_SECRET_KEY is unset."""
        return self.home / "secret_key"

    @property
    def initialized_stamp(self) -> Path:
        """Written after ``db upgrade`` + ``init`` succeeded for this Superset version."""
        return self.home / f".initialized-{SUPERSET_VERSION}"

    def bin(self, name: str) -> Path:
        """An executable of Superset's virtualenv."""
        return self.venv / "bin" / name


def superset_paths(settings: Settings) -> SupersetPaths:
    """Paths for ``settings`` (``CLOSEDLOOP_SUPERSET_VENV`` overrides the virtualenv)."""
    venv = os.environ.get("CLOSEDLOOP_SUPERSET_VENV")
    return SupersetPaths(home=settings.superset_home,
                         venv=Path(venv).resolve() if venv else PROJECT_ROOT / ".venv-superset")


def port() -> int:
    """Port of the local Superset (``CLOSEDLOOP_SUPERSET_PORT``, default 8088)."""
    return int(os.environ.get("CLOSEDLOOP_SUPERSET_PORT", "8088"))


def url() -> str:
    """The local Superset's base URL."""
    return f"http://{HOST}:{port()}"


def _secret_key(paths: SupersetPaths) -> str:
    if os.environ.get("SUPERSET_SECRET_KEY"):
        return os.environ["SUPERSET_SECRET_KEY"]
    if not paths.secret_file.exists():
        paths.secret_file.write_text(secrets.token_urlsafe(42))
        paths.secret_file.chmod(0o600)
    return paths.secret_file.read_text().strip()


def superset_env(paths: SupersetPaths) -> dict[str, str]:
    """Environment for Superset commands: its config, secret key, and no telemetry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHONPATH"))}
    return env | {"SUPERSET_CONFIG_PATH": str(paths.config), "SUPERSET_SECRET_KEY": _secret_key(paths),
                  "FLASK_APP": "superset.app:create_app()", "SCARF_ANALYTICS": "false", "DO_NOT_TRACK": "1",
                  "SUPERSET_HOME": str(paths.home), "PATH": f"{paths.venv / 'bin'}:{env.get('PATH', '')}"}


def _run(paths: SupersetPaths, *args: str | Path, what: str) -> str:
    started = time.perf_counter()
    done = subprocess.run([str(a) for a in args], env=superset_env(paths), capture_output=True, text=True,
                          check=False, cwd=paths.home)
    if done.returncode != 0:
        tail = (done.stdout + done.stderr).strip().splitlines()[-15:]
        raise ClosedloopError(f"superset {what} failed (exit {done.returncode}):\n" + "\n".join(tail))
    log.info(f"superset {what}: {time.perf_counter() - started:.1f}s")
    return done.stdout


def running_pid(paths: SupersetPaths) -> int | None:
    """Pid of the server this module started, if it is still alive."""
    if not paths.pid_file.exists():
        return None
    pid = int(paths.pid_file.read_text().strip() or 0)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return None
    return pid


def healthy(timeout: float = 2.0) -> bool:
    """Whether Superset answers ``/health`` with OK."""
    try:
        with urllib.request.urlopen(f"{url()}/health", timeout=timeout) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def up(settings: Settings, wait_seconds: float = 300.0) -> str:
    """Set up and start the local Superset, import the dashboards, and return its URL.

    Raises:
        ClosedloopError: Superset's virtualenv is missing, there is no warehouse to serve, or a
            Superset step failed (its last lines are in the message).
    """
    paths = superset_paths(settings)
    if not paths.bin("superset").exists():
        raise ClosedloopError(f"Superset's virtualenv {paths.venv} is missing: run `make superset-venv` "
                              "(or `make dashboards`)")
    paths.home.mkdir(parents=True, exist_ok=True)
    database = superset_database(settings.serving_warehouse)
    if database.reads_serving_file and not settings.serving_warehouse.exists():
        if not settings.warehouse.exists():
            raise ClosedloopError(f"no warehouse at {settings.warehouse}: run `closedloop run` (or `make run`) first")
        publish_green_build(settings)
    paths.config.write_text(CONFIG_TEMPLATE.format(home=paths.home, dashboards=GUARD_DIR))

    if not paths.initialized_stamp.exists():
        log.info("superset: first start, migrating the metadata database (takes a minute or two)")
        _run(paths, paths.bin("superset"), "db", "upgrade", what="db upgrade")
        _run(paths, paths.bin("superset"), "init", what="init (roles and permissions)")
        paths.initialized_stamp.write_text(SUPERSET_VERSION)

    bundle = render_bundle(settings.serving_warehouse, paths.home / "closedloop_dashboards.zip", database=database)
    output = _run(paths, paths.bin("python"), SETUP_SCRIPT, bundle, what="import dashboards and Viewer role")
    for line in output.strip().splitlines():
        if line.startswith("generated admin password: "):
            print(f"Superset admin user: admin, password (shown once): {line.split(': ', 1)[1]}")
        else:
            log.info(f"superset: {line}")

    if running_pid(paths) is None:
        _start(paths)
    deadline = time.monotonic() + wait_seconds
    while not healthy():
        if running_pid(paths) is None:
            raise ClosedloopError(f"Superset exited while starting; see {paths.log_file}")
        if time.monotonic() > deadline:
            raise ClosedloopError(f"Superset not healthy after {wait_seconds:.0f}s; see {paths.log_file}")
        time.sleep(1)
    log.info(f"superset: up at {url()} (pid {running_pid(paths)}, log {paths.log_file})")
    return url()


def _start(paths: SupersetPaths) -> None:
    with paths.log_file.open("ab") as log_handle:
        process = subprocess.Popen(
            [str(paths.bin("gunicorn")), "--bind", f"{HOST}:{port()}", "--workers", "1", "--worker-class", "gthread",
             "--threads", "8", "--timeout", "120", "--limit-request-line", "0", "--limit-request-field_size", "0",
             "superset.app:create_app()"],
            env=superset_env(paths), cwd=paths.home, stdout=log_handle, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    paths.pid_file.write_text(str(process.pid))
    log.info(f"superset: gunicorn started, pid {process.pid}")


def down(settings: Settings, wait_seconds: float = 30.0) -> bool:
    """Stop the server :func:`up` started (by its pid file). Returns whether one was running."""
    paths = superset_paths(settings)
    pid = running_pid(paths)
    if pid is None:
        paths.pid_file.unlink(missing_ok=True)
        log.info("superset: not running")
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_seconds
    while running_pid(paths) is not None and time.monotonic() < deadline:
        _reap(pid)
        time.sleep(0.5)
    if running_pid(paths) is not None:
        os.kill(pid, signal.SIGKILL)
        _reap(pid)
    paths.pid_file.unlink(missing_ok=True)
    log.info(f"superset: stopped (pid {pid})")
    return True


def _reap(pid: int) -> None:
    """Collect the exit status when the server is our own child (otherwise it lingers as a zombie)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use `closedloop dashboards up | down | push`")
