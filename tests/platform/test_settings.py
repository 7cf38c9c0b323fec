"""Production settings refuse to start half-configured and pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k" * 20 + "-not-a-real-secret-but-long-enough-for-the-check-0123456789",
    "ALLOWED_HOSTS": "seedreg.example.cn",
    "DATABASE_URL": "postgres://seedreg@127.0.0.1:5432/seedreg",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
}


def manage(*args, **env_overrides):
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for this test process only.
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k not in ("DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **GOOD)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_refuses_to_start_without(missing):
    env = {**GOOD, missing: None}
    result = manage("check", **env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_production_refuses_sqlite_and_debug():
    assert "real database" in manage("check", **{**GOOD, "DATABASE_URL": "sqlite:////tmp/x.db"}).stderr
    assert "DEBUG" in manage("check", **{**GOOD, "DEBUG": "true"}).stderr


def test_every_environment_variable_is_documented_in_operations():
    import re

    settings_source = (ROOT / "seedreg" / "settings.py").read_text()
    names = set(re.findall(r'(?:env\.\w+|Env\(\)\.str|_secret)\("([A-Z_]+)"', settings_source))
    operations = (ROOT / "docs" / "operations.md").read_text()
    assert len(names) > 30
    assert {name for name in names if f"`{name}`" not in operations} == set()
