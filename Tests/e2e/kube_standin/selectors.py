"""Label and field selectors with the apiserver's syntax and matching rules."""

from __future__ import annotations

import re

from .errors import ApiError

_LABEL_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_TOKEN = re.compile(r"\s*(?:(==|!=|=|\(|\)|,|!|<|>)|([^\s,()=!<>]+))")


def label_key_problem(key: str) -> str | None:
    """None when `key` is a valid label/annotation key (optional DNS prefix + '/' + name)."""
    prefix, _, name = key.rpartition("/")
    if "/" in key and not prefix:
        return "prefix part must be non-empty"
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix)):
        return "prefix part must be a lowercase RFC 1123 subdomain"
    if not name or len(name) > 63 or not _LABEL_NAME.match(name):
        return ("name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
                "and end with an alphanumeric character (at most 63 characters)")
    return None


def label_value_problem(value) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if value and (len(value) > 63 or not _LABEL_NAME.match(value)):
        return ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' "
                "or '.', and must start and end with an alphanumeric character (at most 63 characters)")
    return None


def _bad(selector: str, why: str) -> ApiError:
    return ApiError.bad_request(f"unable to parse requirement: {why} (selector {selector!r})")


def parse_label_selector(selector: str) -> list[tuple[str, str, list[str]]]:
    """Parse `selector` into (key, op, values) requirements; op in = != in notin exists !exists > <."""
    tokens: list[tuple[str, str]] = []  # (kind, text): kind 'op' or 'id'
    pos = 0
    while pos < len(selector):
        m = _TOKEN.match(selector, pos)
        if not m or m.end() == pos:
            if selector[pos:].strip() == "":
                break
            raise _bad(selector, f"unexpected character at {pos}")
        if m.group(1) is None and m.group(2) is None:
            break
        tokens.append(("op", m.group(1)) if m.group(1) else ("id", m.group(2)))
        pos = m.end()

    reqs: list[tuple[str, str, list[str]]] = []
    i = 0

    def peek(k=0):
        return tokens[i + k] if i + k < len(tokens) else (None, None)

    while i < len(tokens):
        kind, text = peek()
        if (kind, text) == ("op", "!"):
            i += 1
            kind, key = peek()
            if kind != "id":
                raise _bad(selector, "expected a key after '!'")
            i += 1
            reqs.append((key, "!exists", []))
        elif kind == "id":
            key = text
            i += 1
            kind, text = peek()
            if kind is None or (kind, text) == ("op", ","):
                reqs.append((key, "exists", []))
            elif kind == "op" and text in ("=", "==", "!="):
                i += 1
                vkind, value = peek()
                if vkind == "id":
                    i += 1
                else:
                    value = ""
                reqs.append((key, "!=" if text == "!=" else "=", [value]))
            elif kind == "op" and text in ("<", ">"):
                i += 1
                vkind, value = peek()
                if vkind != "id" or not re.fullmatch(r"-?\d+", value):
                    raise _bad(selector, f"for '{text}' operator the value must be an integer")
                i += 1
                reqs.append((key, text, [value]))
            elif kind == "id" and text in ("in", "notin") and peek(1) == ("op", "("):
                i += 2
                values: list[str] = []
                while True:
                    vkind, value = peek()
                    if vkind == "id":
                        values.append(value)
                        i += 1
                        vkind, value = peek()
                    if (vkind, value) == ("op", ","):
                        i += 1
                        continue
                    if (vkind, value) == ("op", ")"):
                        i += 1
                        break
                    raise _bad(selector, f"expected ',' or ')' in the values of {key!r}")
                if not values:
                    raise _bad(selector, f"for 'in', 'notin' operators, values set can't be empty")
                reqs.append((key, text, values))
            else:
                raise _bad(selector, f"unexpected {text!r} after key {key!r}")
        else:
            raise _bad(selector, f"unexpected {text!r}")
        kind, text = peek()
        if kind is None:
            break
        if (kind, text) != ("op", ","):
            raise _bad(selector, f"expected ',' but found {text!r}")
        i += 1
        if peek()[0] is None:
            raise _bad(selector, "trailing ','")

    for key, op, values in reqs:
        problem = label_key_problem(key)
        if problem:
            raise _bad(selector, f"invalid label key {key!r}: {problem}")
        if op in ("=", "!=", "in", "notin"):
            for v in values:
                problem = label_value_problem(v)
                if problem:
                    raise _bad(selector, f"invalid label value {v!r}: {problem}")
    return reqs


def labels_match(reqs, labels: dict | None) -> bool:
    labels = labels or {}
    for key, op, values in reqs:
        present = key in labels
        value = labels.get(key)
        if op == "exists" and not present:
            return False
        if op == "!exists" and present:
            return False
        if op == "=" and (not present or value != values[0]):
            return False
        if op == "!=" and present and value == values[0]:
            return False
        if op == "in" and (not present or value not in values):
            return False
        if op == "notin" and present and value in values:
            return False
        if op in ("<", ">"):
            try:
                n = int(value) if present else None
            except ValueError:
                n = None
            if n is None or not (n < int(values[0]) if op == "<" else n > int(values[0])):
                return False
    return True


def _split_unescaped(s: str, sep: str) -> list[str]:
    out, cur, esc = [], [], False
    for ch in s:
        if esc:
            cur.append("\\" + ch)
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == sep:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return out


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", r"\1", s)


def parse_field_selector(selector: str, supported: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Parse `a=b,c!=d` into (field, op, value) terms; unknown fields are a 400 like the apiserver's."""
    terms = []
    if not selector.strip():
        return terms
    for part in _split_unescaped(selector, ","):
        m = re.match(r"^((?:[^=!\\]|\\.)+?)(==|!=|=)(.*)$", part.strip())
        if not m:
            raise ApiError.bad_request(f"invalid selector: '{selector}'; can't understand '{part}'")
        field, op, value = _unescape(m.group(1)), m.group(2), _unescape(m.group(3))
        if field not in supported:
            raise ApiError.bad_request(f"field label not supported: {field}")
        terms.append((field, "!=" if op == "!=" else "=", value))
    return terms


def _field_value(obj: dict, path: str) -> str:
    cur = obj
    for part in path.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def fields_match(terms, obj: dict) -> bool:
    for field, op, value in terms:
        actual = _field_value(obj, field)
        if field == "source":
            actual = _field_value(obj, "source.component")
        elif field == "reportingComponent":
            actual = _field_value(obj, "reportingComponent")
        if (actual == value) != (op == "="):
            return False
    return True
