"""User-supplied regular expressions (the naming convention's allowed_pattern) limited to shapes that match in bounded time.

Python's `re` backtracks, so a pattern such as `^(a+)+$` takes exponential time on a near-miss, and
several adjacent unbounded repeats take polynomial time of their number's degree. A pattern is accepted
only when it is short, has no backreferences, no repeat inside another repeat, no repeated group with
alternatives (`(a|ab)*`) and at most MAX_REPEATS open-ended repeats. Names are also short (the convention
caps them at 256 characters), so the worst accepted pattern matches a name in well under 10 ms.
"""

from __future__ import annotations

import re
import re._constants as _c  # type: ignore[import-not-found]  # the parser behind re.compile (Python 3.11+)
import re._parser as _parser  # type: ignore[import-not-found]
from typing import Any

MAX_PATTERN_LENGTH = 256
MAX_REPEATS = 3

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", _c.MAX_REPEAT)}
_GROUPREFS = {_c.GROUPREF, _c.GROUPREF_EXISTS, getattr(_c, "GROUPREF_IGNORE", _c.GROUPREF)}


class _Unsafe(Exception):
    pass


def pattern_problem(pattern: str) -> str | None:
    """Why *pattern* is refused (invalid, or could take unbounded time), or None when it is fine."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"the pattern is longer than {MAX_PATTERN_LENGTH} characters"
    try:
        re.compile(pattern)
        tree = _parser.parse(pattern)
    except re.error as exc:
        return f"not a valid regular expression: {exc.msg}"
    except (RecursionError, OverflowError, ValueError):
        return "the pattern is too complex"
    try:
        repeats = _walk(list(tree), inside_repeat=False)
    except _Unsafe as exc:
        return str(exc)
    if repeats > MAX_REPEATS:
        return (
            f"the pattern has {repeats} open-ended repeats (*, +, {{n,}}); at most {MAX_REPEATS} are allowed "
            "so that checking a name stays fast"
        )
    return None


def _walk(items: list[tuple[Any, Any]], inside_repeat: bool) -> int:
    """Count open-ended repeats, raising _Unsafe for shapes that can backtrack without bound."""
    count = 0
    for op, av in items:
        if op in _REPEATS:
            low, high, body = av
            body = list(body)
            if high == _c.MAXREPEAT or high > 16:
                if inside_repeat:
                    raise _Unsafe(
                        "a repeat inside a repeated group (such as (a+)+ or (-[a-z]+)*) can take "
                        "exponential time; write it as one character class, e.g. ^[A-Za-z0-9-]+$"
                    )
                if _has_branch(body):
                    raise _Unsafe(
                        "a repeated group with alternatives (such as (a|ab)*) can take exponential "
                        "time; use a character class instead, e.g. [ab]*"
                    )
                count += 1 + _walk(body, inside_repeat=True)
            else:
                if inside_repeat and low != high:
                    raise _Unsafe(
                        "a variable-length repeat inside a repeated group (such as ([a-z]{1,3})*) can "
                        "take exponential time; write it as one character class"
                    )
                count += high * _walk(body, inside_repeat)  # (a+){3} costs as much as a+a+a+
        elif op in _GROUPREFS:
            raise _Unsafe("backreferences (\\1, (?P=name)) are not allowed in a naming pattern")
        elif op is _c.SUBPATTERN:
            count += _walk(list(av[-1]), inside_repeat)
        elif op is _c.BRANCH:
            count += sum(_walk(list(branch), inside_repeat) for branch in av[1])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            count += _walk(list(av[1]), inside_repeat)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            count += _walk(list(av), inside_repeat)
    return count


def _has_branch(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op is _c.BRANCH:
            return True
        if op is _c.SUBPATTERN and _has_branch(list(av[-1])):
            return True
    return False
