"""The environment a node needs before Django settings load.

Loaded as an early plugin (`-p tests.environment` in pyproject.toml) because pytest-django sets up
Django before any conftest.py is imported.
"""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("ZWFW_DEMO", "1")
os.environ.setdefault("ZWFW_SECRET_KEY", "test-secret-key-not-for-production-0123456789abcdef")
if "ZWFW_DATA_DIR" not in os.environ:
    # the run's own data directory (keys demo mode makes, uploads), removed when the run ends
    os.environ["ZWFW_DATA_DIR"] = tempfile.mkdtemp(prefix="zwfw-test-")
    atexit.register(shutil.rmtree, os.environ["ZWFW_DATA_DIR"], ignore_errors=True)
if os.environ.get("PYTEST_XDIST_WORKER"):
    # each xdist worker has a database of its own, so a data directory of its own too (inside the run's):
    # one worker's uploads, kept or removed, are not another's files
    os.environ["ZWFW_DATA_DIR"] = os.path.join(os.environ["ZWFW_DATA_DIR"], os.environ["PYTEST_XDIST_WORKER"])
    os.makedirs(os.environ["ZWFW_DATA_DIR"], exist_ok=True)
# Playwright's sync API runs an event loop in the test thread; Django's ORM is still used synchronously.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
