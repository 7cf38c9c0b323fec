"""A Celery worker in its own process, for tests that kill it.

The worker is ``celery -A seedreg worker`` started with the test database, the test's media
folder, the broker of this run and a short visibility timeout; it is killed with SIGKILL (the
whole process, as a crashed host or an OOM kill would), so it neither acknowledges nor rejects
the task it holds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VISIBILITY_TIMEOUT_SECONDS = 3


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerProcess:
    def __init__(self, tmp_path: Path, **extra_env):
        self.tmp_path = tmp_path
        self.extra_env = extra_env
        self.proc: subprocess.Popen | None = None
        self.log_path = tmp_path / f"worker-{uuid.uuid4().hex[:6]}.log"

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env.update({
            "DATABASE_URL": database_url(),
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_SECONDS),
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "SEEDREG_VAR_DIR": str(self.tmp_path / "var"),
            "LOG_LEVEL": "WARNING",
            **self.extra_env,
        })
        return env

    def start(self) -> WorkerProcess:
        name = f"fault-{uuid.uuid4().hex[:8]}@%h"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "seedreg", "worker", "--pool=solo", "-n", name,
             "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
            cwd=ROOT, env=self.env(), stdout=self.log_path.open("wb"), stderr=subprocess.STDOUT,
            start_new_session=True)
        return self

    def kill(self):
        """SIGKILL: no acknowledgement, no rejection, no clean-up."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
