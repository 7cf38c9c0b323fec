# SeedReg: `make run` starts the demo county; `make test` runs the whole suite.
# Both create .venv and install from pyproject.toml first; nothing else is installed by hand.

PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: run test lint setup system-deps migrate demo messages clean help

help:
	@echo "make run    建库、载入演示县并启动（网页 + Celery worker/beat + 发件箱转发）"
	@echo "make test   运行全部测试（设置 DATABASE_URL / CELERY_BROKER_URL 则使用 PostgreSQL / Redis）"
	@echo "make lint   ruff 代码检查"
	@echo "make messages  提取待翻译文字并编译英文目录 / extract msgids and compile locale/en"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "需要 Python 3.11 或更新版本 / Python 3.11+ is required"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

system-deps:
	@scripts/system-deps.sh

setup: $(STAMP) system-deps

migrate: setup
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo --print-logins

run: demo
	@echo ""
	@echo "SeedReg 已启动 / running at  http://127.0.0.1:8000/   (Ctrl-C 全部停止 / stops all)"
	@echo ""
	$(BIN)/honcho start -f Procfile.dev

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Re-extract the Chinese msgids into locale/en (needs gettext's xgettext, installed by
# system-deps) and compile the catalogues in Python; commit the .po and .mo together.
messages: setup
	$(BIN)/python manage.py makemessages -l en --no-location --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python scripts/compile_messages.py

lint: $(STAMP)
	$(BIN)/python -m ruff check .

clean:
	rm -rf var/broker var/cache
