"""Helpers for the Django Pocket Book's exercise checks (``import labcheck as lab``).

A check runs from the learner's workspace root, with this module importable. It exits 0 when the work
passes; otherwise the last line it prints says, in one sentence, what is still missing: ``fail()`` does
both. An exception nobody expected ends the check the same way, with its traceback above the last line.
Everything here works on Django 3.2 and 5.x.
"""

import contextlib
import http.server
import importlib
import json
import os
import socket
import subprocess
import sys
import threading
import traceback

WORKSPACE = os.getcwd()


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _end(line, status):
    # os._exit: nothing may print after the last line (e.g. asyncio reporting a task that failed earlier).
    sys.stderr.flush()
    print(line, flush=True)
    os._exit(status)


def fail(reason):
    """Ends the check: not passed, and why (one sentence)."""
    _end(reason, 1)


def require(condition, reason):
    if not condition:
        fail(reason)


def passed(message):
    _end(message, 0)


def _unexpected(kind, value, tb):
    traceback.print_exception(kind, value, tb)
    _end(f"Your code raised {kind.__name__}: {first_line(value)}", 1)


sys.excepthook = _unexpected


# ---------------------------------------------------------------------------------------------- Django


def django(test_database=False):
    """Loads the project (settings, apps); with ``test_database``, moves to a fresh test database with every
    migration applied, so that the check neither sees nor changes the learner's own db.sqlite3."""
    sys.path.insert(0, WORKSPACE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    try:
        import django as dj

        dj.setup()
        from django.test.utils import setup_test_environment

        setup_test_environment()  # responses keep their context and templates; mail goes to mail.outbox
    except Exception as e:  # noqa: BLE001 - any failure to load is the learner's to see
        fail(f"Your project does not load ({type(e).__name__}: {first_line(e)}). `python manage.py check` shows where.")
    if test_database:
        from django.db import connection

        try:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        except Exception as e:  # noqa: BLE001
            fail(f"Your migrations do not apply to a fresh database ({type(e).__name__}: {first_line(e)}).")


def module(name, hint):
    """Imports ``name`` (e.g. "core.forms"); a missing one fails with ``hint``."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name == name or name.startswith(e.name + "."):
            fail(f"{name.replace('.', '/')}.py is missing: {hint}")
        fail(f"{name.replace('.', '/')}.py does not import: {first_line(e)}")
    except Exception as e:  # noqa: BLE001
        fail(f"{name.replace('.', '/')}.py does not import ({type(e).__name__}: {first_line(e)})")


def attribute(mod, name, hint):
    """``mod.name``, or fail with ``hint``."""
    if not hasattr(mod, name):
        fail(f"{mod.__name__.replace('.', '/')}.py has no {name}: {hint}")
    return getattr(mod, name)


def model(label, hint):
    """The model "app.Model" (e.g. "core.User"), or fail with ``hint``."""
    from django.apps import apps

    try:
        return apps.get_model(label)
    except LookupError:
        fail(f"There is no model {label}: {hint}")


def has_field(model_class, name):
    from django.core.exceptions import FieldDoesNotExist

    try:
        return model_class._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def migrations_made():
    """True when the migrations cover every model change (makemigrations would make none)."""
    from django.core.management import call_command

    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=0)
    except SystemExit as e:
        return e.code in (0, None)
    return True


def require_migrations_made():
    require(migrations_made(), "Your models have changes that no migration covers: run `python manage.py makemigrations`.")


def migrations_applied():
    """True when the learner's own database has every migration applied."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def request(method, path, client=None, **extra):
    """A request through Django's test client; an exception in the view fails with its one line."""
    from django.test import Client

    client = client or Client()
    try:
        return getattr(client, method.lower())(path, **extra)
    except Exception as e:  # noqa: BLE001
        fail(f"{method.upper()} {path} raised {type(e).__name__}: {first_line(e)}")


def get(path, client=None, **extra):
    return request("get", path, client, **extra)


def post(path, data=None, client=None, **extra):
    return request("post", path, client, data=data or {}, **extra)


def async_get(path, **extra):
    """GET through Django's AsyncClient (the ASGI request path)."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    async def fetch():
        return await AsyncClient().get(path, **extra)

    try:
        return async_to_sync(fetch)()
    except Exception as e:  # noqa: BLE001
        fail(f"GET {path} (ASGI) raised {type(e).__name__}: {first_line(e)}")


def json_of(response, what):
    """The response's JSON, or fail naming the request (``what``)."""
    require(response.status_code != 404, f"{what} answered 404: is the path in your URLconf?")
    try:
        return json.loads(response.content.decode())
    except ValueError:
        fail(f"{what} answered {response.status_code} with no JSON ({response.get('Content-Type')}).")


@contextlib.contextmanager
def queries():
    """Counts the SQL queries run inside the block (also with DEBUG off): ``with queries() as q: ...; len(q)``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        yield captured


# ------------------------------------------------------------------------------------------ processes


def run(*command, env=None, timeout=50):
    """Runs a command in the workspace; returns (exit code, output)."""
    merged = dict(os.environ, **(env or {}))
    done = subprocess.run(command, cwd=WORKSPACE, env=merged, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return done.returncode, done.stdout


def settings_with(env, *names):
    """The values of settings ``names`` when the project starts with extra environment ``env`` (a fresh
    process, as a server would start), as a dict; fails when the project does not start."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}, default=str))")
    status, output = run(sys.executable, "-c", code, env=dict(env, DJANGO_SETTINGS_MODULE="config.settings"))
    lines = output.strip().splitlines()
    if status != 0 or not lines:
        fail(f"With {' '.join(f'{k}={v}' for k, v in env.items()) or 'no extra environment'} your project does not"
             f" start: {lines[-1] if lines else 'no output'}")
    return json.loads(lines[-1])


# --------------------------------------------------------------------------------------- a stub server


class StubServer:
    """A small HTTP server on this sandbox's loopback, standing in for an API on the internet. ``routes``
    maps a path to a function of the hit number (1, 2, …) returning (status, JSON body[, delay in s])."""

    def __init__(self, routes):
        self.routes = routes
        self.hits = {path: 0 for path in routes}
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                path = self.path.split("?")[0]
                if path not in stub.routes:
                    self.send_error(404)
                    return
                stub.hits[path] += 1
                status, body, *delay = stub.routes[path](stub.hits[path])
                if delay:
                    threading.Event().wait(delay[0])
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (a timeout): nothing to answer

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path=""):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"


def closed_port_url(path="/"):
    """A loopback URL where nothing listens (connections are refused at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
