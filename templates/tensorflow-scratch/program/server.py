"""The WSGI app gunicorn runs behind nginx: /ping, /invocations, /execution-parameters.

Each gunicorn worker imports this module, so each one loads the SavedModel once, and its /ping
says 200 only when its own load succeeded: never healthy with a broken model.
"""

import json
import os
import signal
import sys
import time
import traceback

from algorithm import codecs, sagemaker, settings, streaming
from algorithm.codecs import HttpError
from algorithm.records import RecordError

STATE = {"model": None, "error": "the model is still loading"}
LIMIT = settings.max_payload_bytes()
DEFAULT_ACCEPT = os.environ.get("SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT", codecs.JSON).strip().lower() or codecs.JSON


def log(message: str) -> None:
    print(f"[worker {os.getpid()}] {message}", file=sys.stderr, flush=True)


def load() -> None:
    started = time.monotonic()
    try:
        import tensorflow as tf

        from algorithm import devices

        # `serve` sets these from the CPU count and the number of workers (users may override them).
        for variable, setter in (
            ("TF_NUM_INTRAOP_THREADS", tf.config.threading.set_intra_op_parallelism_threads),
            ("TF_NUM_INTEROP_THREADS", tf.config.threading.set_inter_op_parallelism_threads),
        ):
            if os.environ.get(variable, "").isdigit():
                setter(int(os.environ[variable]))
        from algorithm.inference import Model, find_saved_model

        log(devices.report(tf))
        model = Model(find_saved_model(sagemaker.model_dir()))
        STATE.update(model=model, error=None)
        signature = model.default_signature
        log(
            f"model loaded from {model.path} in {time.monotonic() - started:.1f} s: signature {signature} "
            f"inputs {sorted(model.inputs(signature))} outputs {model.outputs(signature)}"
        )
    except Exception as error:  # noqa: BLE001 - /ping reports it; the server keeps answering
        STATE.update(model=None, error=f"{type(error).__name__}: {error}")
        log(f"model NOT loaded, /ping answers 503: {STATE['error']}")


def respond(start_response, status: int, body, content_type: str = codecs.JSON, headers=()):
    data = body if isinstance(body, bytes) else json.dumps(body, allow_nan=False).encode()
    start_response(
        f"{status} {REASONS.get(status, 'Error')}",
        [("Content-Type", content_type), ("Content-Length", str(len(data))), *headers],
    )
    return [data]


REASONS = {
    200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable",
    413: "Payload Too Large", 415: "Unsupported Media Type", 500: "Internal Server Error",
    503: "Service Unavailable",
}


def error_body(code: str, message: str) -> dict:
    return {"error": code, "message": message}


def read_body(environ, streamable: bool = False):
    """The body as bytes; or, when `streamable` (one record per line) and larger than a real-time
    request, an iterator of its batches of whole lines (streaming.py), read as they are used."""
    length = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length.strip():
        try:
            size = int(length)
        except ValueError:
            raise codecs.bad_request(f"Content-Length {length!r} is not a number") from None
        if size > LIMIT:
            raise too_large(size)
        if streamable and size > streaming.REALTIME_LIMIT:
            return streaming.spooled_line_batches(streaming.BodyReader(stream, size).read)
        return stream.read(size) if size > 0 else b""
    # Chunked: read at most one byte past the limit, and no more than a real-time body before
    # choosing between the whole body and a stream.
    first = stream.read(min(LIMIT, streaming.REALTIME_LIMIT) + 1)
    if len(first) > LIMIT:
        raise too_large(None)
    if len(first) <= streaming.REALTIME_LIMIT:
        return first
    if streamable:
        return streaming.spooled_line_batches(
            streaming.BodyReader(stream, None, LIMIT, lambda: too_large(None), first).read
        )
    body = first + stream.read(LIMIT + 1 - len(first))
    if len(body) > LIMIT:
        raise too_large(None)
    return body


def too_large(size) -> HttpError:
    given = f"{size} bytes" if size is not None else "more"
    return HttpError(
        413,
        "payload_too_large",
        f"the body has {given}, the limit is {LIMIT} bytes ({LIMIT // 1048576} MB, SAGEMAKER_MAX_PAYLOAD_IN_MB); "
        "split the request",
    )


def invocations(environ, start_response):
    model = STATE["model"]
    if model is None:
        raise HttpError(503, "model_not_loaded", STATE["error"])
    media = codecs.request_type(environ.get("CONTENT_TYPE"))
    accept = codecs.response_type(environ.get("HTTP_ACCEPT"), DEFAULT_ACCEPT)
    body = read_body(environ, streamable=media in codecs.LINE_TYPES)
    if not isinstance(body, bytes):
        answer = streaming.answer(body, media, accept, lambda request: predict(model, request), log)
        start_response("200 OK", [("Content-Type", accept)])  # no Content-Length: gunicorn sends it chunked
        return answer
    request = codecs.decode(body, media)
    del body
    outputs = predict(model, request)
    return respond(start_response, 200, codecs.encode(outputs, request, accept), accept)


def predict(model, request: codecs.Request) -> dict:
    """The model's outputs for a decoded request; 400 naming the record when it does not fit."""
    try:
        signature = model.signature(request.signature_name)
        names = sorted(model.inputs(signature))
        if request.columnar:
            tensors = codecs.columnar_to_tensors(request.inputs, names)
        else:
            tensors = codecs.instances_to_tensors(request.instances, names)
        return model.run(tensors, signature)  # also refuses NaN/inf predictions, naming the record
    except RecordError as error:
        raise codecs.bad_request(request.describe(error)) from None


def app(environ, start_response):
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    routes = {"/ping": ("GET",), "/invocations": ("POST",), "/execution-parameters": ("GET",)}
    try:
        if path not in routes:
            raise HttpError(404, "not_found", f"no route {path}; this server answers {', '.join(routes)}")
        if method not in routes[path] and not (method == "HEAD" and "GET" in routes[path]):
            return respond(
                start_response,
                405,
                error_body("method_not_allowed", f"{path} answers {', '.join(routes[path])}, not {method}"),
                headers=[("Allow", ", ".join(routes[path]))],
            )
        if path == "/ping":
            if STATE["model"] is None:
                raise HttpError(503, "model_not_loaded", STATE["error"])
            return respond(start_response, 200, {"status": "healthy"})
        if path == "/execution-parameters":
            return respond(start_response, 200, settings.execution_parameters())
        return invocations(environ, start_response)
    except HttpError as error:
        return respond(start_response, error.status, error_body(error.code, error.message))
    except RecursionError:  # only a request nested thousands deep gets here: the client's problem
        log("RecursionError on a deeply nested request, answered 400")
        return respond(start_response, 400, error_body("bad_request", "the request is nested too deeply"))
    except Exception as error:  # noqa: BLE001 - answer 500 and keep serving
        # The client gets no exception text: it may hold paths or internals (R1). The log has it all.
        log(traceback.format_exc())
        return respond(
            start_response,
            500,
            error_body("internal_error", f"an unexpected {type(error).__name__}; the container log has the details"),
        )


def load_exiting_on_sigterm() -> None:
    """Loads the model before this worker accepts any request.

    Synchronously on purpose: a worker that accepted requests while still loading would answer 503
    to traffic that arrives after another worker's /ping said 200. Until every worker is ready,
    requests wait in the socket backlog for one that is (nginx answers 503 before gunicorn is up).
    gunicorn's SIGTERM handler only marks a worker to stop after its current request; while the
    model loads nothing is in flight, so exit at once rather than finish importing TensorFlow."""
    previous = signal.getsignal(signal.SIGTERM)
    if not callable(previous):
        load()  # not under gunicorn (tests, a REPL): leave signals alone
        return
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    try:
        load()
    finally:
        signal.signal(signal.SIGTERM, previous)


load_exiting_on_sigterm()
