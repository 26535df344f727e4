"""JSON request bodies for every dialect, refused whole when no view could use them.

A body is refused (DRF's ``ParseError``, which each dialect's handler renders as its 400)
when it is nested deeper than ``MAX_DEPTH`` (the deepest honest body, a Glue checkout, is
six levels; Python's decoder gives up with a RecursionError near a thousand), or when any
text in it, a key or a value, holds a NUL (PostgreSQL text cannot) or a lone surrogate
(``"\\ud800"``: valid JSON, but no UTF-8 database column or JSON encoder takes it).
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 32


def body_problem(data) -> str | None:
    """Why no view may see this parsed body, or None; one walk, without recursion."""
    todo = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        if isinstance(value, str):
            if problem := text_problem(value):
                return problem
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                return f"JSON may not be nested more than {MAX_DEPTH} levels deep."
            if isinstance(value, dict):
                todo.extend((key, depth) for key in value)
                value = value.values()
            todo.extend((item, depth + 1) for item in value)
    return None


def text_problem(text: str) -> str | None:
    if "\x00" in text:
        return "Text in the request may not contain NUL characters."
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "Text in the request may not contain lone surrogates (\\ud800-\\udfff)."
    return None


class JSONBodyParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON may not be nested more than {MAX_DEPTH} levels deep.") from None
        if problem := body_problem(data):
            raise ParseError(problem)
        return data
