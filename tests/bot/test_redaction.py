"""The redacting filter masks secrets in messages, arguments, tracebacks and their URL-quoted forms."""

from __future__ import annotations

import io
import logging

from bot.redaction import MASK, SecretRedactor, url_secrets, without_password

TOKEN = "777000111:Secret-Half_x9"


def logged(redactor: SecretRedactor, emit: object) -> str:
    """What a handler carrying the filter wrote while `emit(logger)` ran."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(redactor)
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit(logger)  # type: ignore[operator]
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_message_arguments_quoted_forms_and_tracebacks_are_masked() -> None:
    redactor = SecretRedactor()
    redactor.protect(TOKEN, TOKEN.partition(":")[2], "pw-with/slash")

    def emit(logger: logging.Logger) -> None:
        logger.error("GET http://api/bot%s/getUpdates", TOKEN)
        logger.error("quoted: %s", "redis://:pw-with%2Fslash@host/0")
        try:
            raise RuntimeError(f"Can not write request body for http://api/bot{TOKEN}/getUpdates")
        except RuntimeError:
            logger.exception("failed")

    output = logged(redactor, emit)
    assert "Secret-Half_x9" not in output and "pw-with" not in output
    assert output.count(MASK) == 3 and "Traceback" in output


def test_the_redis_password_is_found_and_hidden_in_a_url() -> None:
    url = "redis://user:p%40ss@redis.example:6380/2"
    assert set(url_secrets(url)) == {"p%40ss", "p@ss"}
    assert without_password(url) == f"redis://user:{MASK}@redis.example:6380/2"
    assert without_password("redis://localhost:6379/0") == "redis://localhost:6379/0"
    assert url_secrets(None) == ()
