import Foundation
import Primitives

/// Writes a pod as RunPod's `Pod` schema: every required field, `ssh` endpoints and `runtime`
/// only while RUNNING, `cost` 0 when EXITED or TERMINATED. Addresses and public ports are made up,
/// derived from the pod id so they stay the same between calls.
struct PodRenderer: Sendable {
    let quirks: EmulatorQuirks
    /// Where every pod's `22/tcp` is published instead of the made-up address (`sshAddress`).
    var sshAddress: (host: String, port: Int)? = nil

    /// `host:port` split; nil when malformed.
    static func hostAndPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port), colon > text.startIndex
        else { return nil }
        return (String(text[..<colon]), port)
    }

    func render(_ pod: EmulatedPod, now: Date) -> JSONValue {
        let spec = pod.spec
        let running = pod.status == .running
        let cost = (pod.costPerHour * 10_000).rounded() / 10_000
        var mounts: [String: JSONValue] = [:]
        if let volume = spec.networkVolume {
            mounts["network"] = .array([.object(["volumeId": .string(volume.volumeId), "path": .string(volume.path)])])
        }
        if let volume = spec.persistentVolume {
            mounts["persistent"] = .object(["size": .int(volume.size), "path": .string(volume.path)])
        }
        var networking: [String: JSONValue] = ["enabled": .bool(spec.globalNetworking)]
        if spec.globalNetworking {
            let seed = Self.hash(pod.id)
            networking["ip"] = .string("10.65.\(seed % 250 + 1).\(seed / 250 % 250 + 1)")
            networking["internalDns"] = .string("\(pod.id).runpod.internal")
        }
        return .object([
            "id": .string(pod.id),
            "name": .string(spec.name),
            "status": .string(pod.status.rawValue),
            "actions": .array(pod.status.actions.map { .string($0.rawValue) }),
            "image": .string(spec.image),
            "args": .string(spec.args),
            "disk": .int(spec.disk),
            "mounts": .object(mounts),
            "ports": .array(spec.ports.map(JSONValue.string)),
            "env": .object(spec.env.mapValues(JSONValue.string)),
            "registry": spec.registry.map(JSONValue.string) ?? .null,
            "gpu": .object(["id": .string(spec.gpuTypeId), "count": .int(spec.gpuCount)]),
            "cloud": .string(spec.cloud),
            "dataCenterId": .string(pod.dataCenterId),
            "cudaVersion": .string(pod.cudaVersion),
            "ssh": .object([
                "proxy": running ? proxy(pod) : .null,
                "direct": running ? direct(pod) : .null,
            ]),
            "template": .null,
            "cost": quirks.costAsString ? .string(String(cost)) : .double(cost),
            "locked": .bool(false),
            "globalNetworking": .object(networking),
            "runtime": running ? runtime(pod, now: now) : .null,
            "createdAt": .string(timestamp(pod.createdAt)),
            "startedAt": pod.startedAt.map { .string(timestamp($0)) } ?? .null,
        ])
    }

    /// RFC 3339 in whole seconds (`2026-06-01T12:00:00Z`), or as Go prints it when the `goTimestamps` quirk is on
    /// (`2026-06-01 12:00:00.000 +0000 UTC`). Truncated: a pod must never look created after "now".
    private func timestamp(_ date: Date) -> String {
        quirks.goTimestamps ? RFC3339Timestamp.goDefault(date) : RFC3339Timestamp.seconds(date)
    }

    private func proxy(_ pod: EmulatedPod) -> JSONValue {
        let user = "\(pod.id)-\(String(Self.hash(pod.id) & 0xffff_ffff, radix: 16))"
        return .object([
            "host": .string("ssh.runpod.io"), "port": .int(22), "username": .string(user),
            "command": .string("ssh \(user)@ssh.runpod.io"),
        ])
    }

    private func direct(_ pod: EmulatedPod) -> JSONValue {
        guard let index = pod.spec.ports.firstIndex(of: "22/tcp") else { return .null }
        let ip = sshAddress?.host ?? Self.address(pod)
        let port = sshAddress?.port ?? Self.publicPort(pod, index: index)
        return .object([
            "host": .string(ip), "port": .int(port), "username": .string("root"),
            "command": .string("ssh root@\(ip) -p \(port)"),
        ])
    }

    private func runtime(_ pod: EmulatedPod, now: Date) -> JSONValue {
        let uptime = max(0, Int(now.timeIntervalSince(pod.startedAt ?? now)))
        let ports: [JSONValue] = pod.spec.ports.enumerated().map { index, text in
            let parts = text.split(separator: "/")
            let number = Int(parts.first ?? "") ?? 0
            let tcp = parts.last == "tcp"
            let ssh = text == "22/tcp" ? sshAddress : nil
            return .object([
                "private": .int(number),
                "public": tcp ? .int(ssh?.port ?? Self.publicPort(pod, index: index)) : .null,
                "type": .string(String(parts.last ?? "")),
                "ip": tcp ? .string(ssh?.host ?? Self.address(pod)) : .null,
            ])
        }
        return .object([
            "uptime": .int(uptime),
            "gpus": .array(Array(repeating: .object(["util": .int(0), "memoryUtil": .int(0)]), count: pod.gpuCount)),
            "cpu": .object(["util": .int(0)]),
            "memory": .object(["util": .int(0)]),
            "ports": .array(ports),
        ])
    }

    /// An address from TEST-NET-3 (documentation range), fixed per pod.
    private static func address(_ pod: EmulatedPod) -> String {
        "203.0.113.\(hash(pod.id) % 254 + 1)"
    }

    private static func publicPort(_ pod: EmulatedPod, index: Int) -> Int {
        20_000 + Int(hash(pod.id) % 40_000) + index
    }

    /// FNV-1a: stable across processes, unlike `hashValue`.
    static func hash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
