// Intentionally empty: the shim is header-only (include/CCurlShim.h);
// SwiftPM wants one source file per C target.
