"""The id of the current request (or task), carried to audit entries and log lines."""

import uuid
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("seedreg_request_id", default="")


def new_request_id() -> str:
    return uuid.uuid4().hex


def set_request_id(value: str):
    return _request_id.set(value)


def get_request_id() -> str:
    return _request_id.get()


def reset_request_id(token):
    _request_id.reset(token)
