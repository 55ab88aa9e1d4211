"""Logs an operator can follow: a request id on every record, JSON lines in production.

The reverse proxy sends ``X-Request-ID`` (nginx: ``$request_id``) or the app makes
one; it is returned on the response and written on every log record made while the
request is handled, so one line in the proxy's log leads to all of the app's.
"""

import datetime
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.core.signals import request_finished

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_META = "HTTP_X_REQUEST_ID"
# What a proxy may send: letters, digits and a few separators, not too long. Anything
# else is replaced, so a client cannot write arbitrary text into the logs.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:@+=-]{1,128}")
NO_REQUEST = "-"

request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
request_log = logging.getLogger("samverkan.requests")


def new_request_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each request an id, log it once when answered, and return the id.

    Placed first in MIDDLEWARE so that everything below logs with the id. The id
    stays set until the response is closed (``request_finished``): Django logs a 4xx
    or 5xx answer after the middleware has returned it, and a download streams later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # From META: request.headers would copy every header of the request first.
        given = request.META.get(REQUEST_ID_META, "")
        current = given if VALID_REQUEST_ID.fullmatch(given) else new_request_id()
        request_id.set(current)
        request.request_id = current
        started = time.perf_counter()
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = current
        self.log(request, response, time.perf_counter() - started)
        return response

    def log(self, request, response, seconds):
        # A load balancer asks for /healthz every few seconds: only failures are news.
        if request.path == "/healthz" and response.status_code == 200:
            return
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status_code": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            },
        )


def forget_request_id(**kwargs):
    request_id.set(NO_REQUEST)


request_finished.connect(forget_request_id, dispatch_uid="samverkan.logs.forget_request_id")


class RequestIdFilter(logging.Filter):
    """Put the current request's id on the record (``-`` outside a request)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


# Attributes every LogRecord has: anything else on a record came from ``extra=``.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id,
    the simple values given in ``extra=`` and the traceback of an exception."""

    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", NO_REQUEST),
        }
        for name, value in vars(record).items():
            # Django's request logger adds the request object itself: not for a log.
            if name not in STANDARD_ATTRIBUTES and name not in entry and _simple(value):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)


def _simple(value):
    return value is None or isinstance(value, str | int | float | bool)
