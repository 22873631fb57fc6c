import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Fixes glibc's malloc trim threshold at its documented default (128 KiB) for `serve`.
///
/// Left dynamic, glibc raises it to twice the largest mapped block freed so far, and start-up
/// frees blocks of megabytes. After that the free top of a thread's arena (up to a few hundred
/// KiB after start-up, depending on which allocation came last) is never handed back:
/// `malloc_trim` trims only the main arena's top. Setting the threshold also fixes the mmap
/// threshold at its default, so blocks of 128 KiB and more are mapped on their own and go back
/// whole when freed. Malloc tuned in the environment (a `glibc.malloc.` tunable in
/// `GLIBC_TUNABLES`, or a `MALLOC_` variable) is the operator's choice and is left alone.
/// `mallopt` is not in the Glibc module, so it is looked up at run time (as `FreeHeapPages`
/// looks up `malloc_trim`).
public enum HeapTrimThreshold {
    public static let bytes = 128 * 1024
    /// `M_TRIM_THRESHOLD` in glibc's `malloc.h`.
    private static let trimThresholdOption: Int32 = -1
    private typealias MallOpt = @convention(c) (Int32, Int32) -> Int32

    /// Whether the threshold is fixed here: not when the environment tunes malloc itself.
    public static func applies(environment: [String: String]) -> Bool {
        if environment.keys.contains(where: { $0.hasPrefix("MALLOC_") }) { return false }
        guard let tunables = environment["GLIBC_TUNABLES"] else { return true }
        return !tunables.split(separator: ":").contains { $0.hasPrefix("glibc.malloc.") }
    }

    /// - Returns: whether the threshold was set (false with another C library, or when the
    ///   environment tunes malloc).
    @discardableResult
    public static func fix(environment: [String: String] = ProcessInfo.processInfo.environment) -> Bool {
        #if canImport(Glibc)
            guard applies(environment: environment) else { return false }
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return false }
            return unsafeBitCast(symbol, to: MallOpt.self)(trimThresholdOption, Int32(bytes)) == 1
        #else
            return false
        #endif
    }
}
