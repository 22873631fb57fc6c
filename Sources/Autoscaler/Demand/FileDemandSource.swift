import Decisions
import Foundation

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

    public func changeToken() -> String? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "missing" }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        let inode = (attributes[.systemFileNumber] as? NSNumber)?.intValue ?? 0
        return "\(inode):\(size):\(modified)"
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
