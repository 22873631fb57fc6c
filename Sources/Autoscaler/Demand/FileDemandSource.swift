import Decisions
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Demand from a JSON file `{"queueDepth": 42, "latencyP95Seconds": 12.5}`,
/// for demos, tests and single-host installs. `latencyP95Seconds` may be left out (0);
/// `arrivalsPerSecond` (for `scaling.mode: rate`) may be left out (not measured).
public struct FileDemandSource: DemandSource {
    public let path: String
    public var name: String { "file" }
    public var location: String { path }

    public init(path: String) {
        self.path = path
    }

    /// The file's inode, size and modification time, from `lstat` as `FileManager.attributesOfItem` read them:
    /// it runs every poll interval, and building that attributes dictionary was most of an idle process's CPU.
    public func changeToken() -> String? {
        var info = stat()
        guard lstat(path, &info) == 0 else { return "missing" }
        return "\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    public func read(now: Date) async throws -> DemandReading {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw DemandSourceError(
                "cannot read \(path): \((error as NSError).localizedFailureReason ?? "no such file or not readable")")
        }
        return try Self.parse(data, now: now)
    }

    /// Parses the file's JSON; errors say which field is wrong.
    public static func parse(_ data: Data, now: Date) throws -> DemandReading {
        guard let fields = try? JSONDecoder().decode([String: JSONScalar].self, from: data) else {
            throw DemandSourceError("not a JSON object like {\"queueDepth\": 42, \"latencyP95Seconds\": 12.5}")
        }
        guard case .number(let depth)? = fields["queueDepth"] else {
            throw DemandSourceError("queueDepth is missing or not a number")
        }
        guard depth >= 0, depth == depth.rounded(), depth < 1e15 else {
            throw DemandSourceError("queueDepth must be a whole number >= 0, got \(depth)")
        }
        var latency = 0.0
        switch fields["latencyP95Seconds"] {
        case nil, .null?:
            break
        case .number(let value)? where value >= 0:
            latency = value
        default:
            throw DemandSourceError("latencyP95Seconds must be a number >= 0")
        }
        var rate: Double?
        switch fields["arrivalsPerSecond"] {
        case nil, .null?:
            break
        case .number(let value)? where value >= 0 && value.isFinite:
            rate = value
        default:
            throw DemandSourceError("arrivalsPerSecond must be a number >= 0")
        }
        return DemandReading(queueDepth: Int(depth), latencyP95Seconds: latency, readAt: now, arrivalsPerSecond: rate)
    }
}
