// Intentionally empty: the shim is header-only (include/CGRPCShim.h);
// SwiftPM wants one source file per C target.
