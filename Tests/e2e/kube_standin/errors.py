"""`Status` errors shaped like the apiserver's (k8s.io/apimachinery/pkg/api/errors)."""

from __future__ import annotations


class ApiError(Exception):
    """An error answered as a `Status` object."""

    def __init__(self, code: int, reason: str, message: str, details: dict | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message
        self.details = details
        self.headers = headers or {}

    def status(self) -> dict:
        out = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": self.message, "reason": self.reason, "code": self.code}
        if self.details is not None:
            out["details"] = {k: v for k, v in self.details.items() if v not in ("", None)}
        return out

    # --- constructors named like apimachinery's -------------------------------------------
    @staticmethod
    def _qualified(resource: str, group: str) -> str:
        return f"{resource}.{group}" if group else resource

    @classmethod
    def not_found(cls, resource: str, group: str, name: str) -> "ApiError":
        return cls(404, "NotFound", f'{cls._qualified(resource, group)} "{name}" not found',
                   {"name": name, "group": group, "kind": resource})

    @classmethod
    def already_exists(cls, resource: str, group: str, name: str) -> "ApiError":
        return cls(409, "AlreadyExists", f'{cls._qualified(resource, group)} "{name}" already exists',
                   {"name": name, "group": group, "kind": resource})

    @classmethod
    def conflict(cls, resource: str, group: str, name: str, why: str | None = None) -> "ApiError":
        why = why or "the object has been modified; please apply your changes to the latest version and try again"
        return cls(409, "Conflict",
                   f'Operation cannot be fulfilled on {cls._qualified(resource, group)} "{name}": {why}',
                   {"name": name, "group": group, "kind": resource})

    @classmethod
    def invalid(cls, kind: str, group: str, name: str, causes: list[dict]) -> "ApiError":
        """`causes`: [{reason, message, field}]; message is the field error's body (no field prefix)."""
        texts = [f"{c['field']}: {c['message']}" if c.get("field") else c["message"] for c in causes]
        summary = texts[0] if len(texts) == 1 else "[" + ", ".join(texts) + "]"
        qualified = f"{kind}.{group}" if group else kind
        return cls(422, "Invalid", f'{qualified} "{name}" is invalid: {summary}',
                   {"name": name, "group": group, "kind": kind, "causes": causes})

    @classmethod
    def bad_request(cls, message: str) -> "ApiError":
        return cls(400, "BadRequest", message)

    @classmethod
    def forbidden(cls, resource: str, group: str, name: str, message: str) -> "ApiError":
        target = f'{cls._qualified(resource, group)} "{name}"' if name else cls._qualified(resource, group)
        return cls(403, "Forbidden", f"{target} is forbidden: {message}",
                   {"name": name, "group": group, "kind": resource})

    @classmethod
    def unauthorized(cls) -> "ApiError":
        return cls(401, "Unauthorized", "Unauthorized")

    @classmethod
    def method_not_allowed(cls, message: str = "the server does not allow this method on the requested resource") -> "ApiError":
        return cls(405, "MethodNotAllowed", message)

    @classmethod
    def unsupported_media_type(cls, message: str) -> "ApiError":
        return cls(415, "UnsupportedMediaType", message)

    @classmethod
    def server_not_found(cls) -> "ApiError":
        return cls(404, "NotFound", "the server could not find the requested resource", {})

    @classmethod
    def for_code(cls, code: int, message: str | None = None) -> "ApiError":
        """A generic error for fault injection: reason as the apiserver names it for that code."""
        reasons = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
                   405: "MethodNotAllowed", 409: "Conflict", 410: "Expired", 422: "Invalid",
                   429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable",
                   504: "Timeout"}
        reason = reasons.get(code, "InternalError" if code >= 500 else "Unknown")
        return cls(code, reason, message or f"injected failure ({code} {reason})")
