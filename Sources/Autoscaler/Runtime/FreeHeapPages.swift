#if canImport(Glibc)
    import Glibc
#endif

/// Returns every whole free page of every malloc arena to the system: glibc's `malloc_trim(0)`.
/// The Glibc module does not declare it, so it is looked up at run time; with another C
/// library this does nothing.
enum FreeHeapPages {
    private typealias Trim = @convention(c) (Int) -> Int32

    /// - Returns: whether memory was handed back.
    @discardableResult
    static func release() -> Bool {
        #if canImport(Glibc)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return false }
            return unsafeBitCast(symbol, to: Trim.self)(0) == 1
        #else
            return false
        #endif
    }
}
