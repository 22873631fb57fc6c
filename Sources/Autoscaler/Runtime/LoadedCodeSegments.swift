#if canImport(Glibc)
    import Glibc
#endif

/// The read-only segments (code, read-only data) of every object the dynamic loader has loaded: the
/// executable and its libraries, from `dl_iterate_phdr`. They are visited while the loader holds its
/// lock, so none can be unloaded (and its addresses reused) meanwhile. The Glibc module does not
/// declare `dl_iterate_phdr`; it is looked up at run time, and its records are read at their ELF64
/// offsets.
enum LoadedCodeSegments {
    private typealias Visitor = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeMutableRawPointer?) -> Int32
    private typealias Iterate = @convention(c) (Visitor, UnsafeMutableRawPointer?) -> Int32

    private final class Visit {
        let body: (UInt, UInt) -> Void
        let pageBytes: UInt
        init(body: @escaping (UInt, UInt) -> Void, pageBytes: UInt) {
            self.body = body
            self.pageBytes = pageBytes
        }
    }

    /// Calls `body(start, end)` for each segment that is loaded without write permission, its bounds
    /// rounded inwards to whole pages. - Returns: false where the loader cannot be asked.
    @discardableResult
    static func forEach(_ body: (UInt, UInt) -> Void) -> Bool {
        #if os(Linux) && _pointerBitWidth(_64)
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "dl_iterate_phdr") else { return false }
            let iterate = unsafeBitCast(symbol, to: Iterate.self)
            let pageBytes = UInt(sysconf(Int32(_SC_PAGESIZE)))
            return withoutActuallyEscaping(body) { body in
                let visit = Visit(body: body, pageBytes: pageBytes)
                return withExtendedLifetime(visit) {
                    _ = iterate(visitObject, Unmanaged.passUnretained(visit).toOpaque())
                    return true
                }
            }
        #else
            return false
        #endif
    }

    #if os(Linux) && _pointerBitWidth(_64)
        /// One loaded object: `struct dl_phdr_info` (dlpi_addr at 0, dlpi_phdr at 16, dlpi_phnum at 24) and its
        /// `Elf64_Phdr`s (56 bytes: p_type at 0, p_flags at 4, p_vaddr at 16, p_memsz at 40).
        private static let visitObject: Visitor = { info, _, context in
            guard let info, let context else { return 0 }
            let visit = Unmanaged<Visit>.fromOpaque(context).takeUnretainedValue()
            let base = info.load(fromByteOffset: 0, as: UInt.self)
            guard let headers = info.load(fromByteOffset: 16, as: UnsafeRawPointer?.self) else { return 0 }
            let count = Int(info.load(fromByteOffset: 24, as: UInt16.self))
            let loadable: UInt32 = 1  // PT_LOAD
            let writable: UInt32 = 2  // PF_W
            for index in 0..<count {
                let header = headers + index * 56
                guard header.load(fromByteOffset: 0, as: UInt32.self) == loadable,
                    header.load(fromByteOffset: 4, as: UInt32.self) & writable == 0
                else { continue }
                let start = base &+ UInt(header.load(fromByteOffset: 16, as: UInt64.self))
                let end = start &+ UInt(header.load(fromByteOffset: 40, as: UInt64.self))
                let mask = visit.pageBytes - 1
                let (first, last) = ((start &+ mask) & ~mask, end & ~mask)
                if first < last { visit.body(first, last) }
            }
            return 0
        }
    #endif
}
