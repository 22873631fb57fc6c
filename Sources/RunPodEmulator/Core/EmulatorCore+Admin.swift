import Foundation
import Primitives

/// The admin side: faults, capacity and a state dump. No key needed, nothing counted as an API call.
extension EmulatorCore {
    @discardableResult
    mutating func addFault(_ rule: FaultRule) -> ActiveFault? {
        guard (rule.count ?? 1) >= 1 else { return nil }
        return faults.add(rule)
    }

    mutating func clearFaults() {
        faults.clear()
    }

    mutating func setCapacity(gpuTypeId: String, cloud: String, gpus: Int) {
        state.capacity[gpuTypeId, default: [:]][cloud] = max(0, gpus)
    }

    /// `POST /admin/faults` with a `FaultRule` object: 201 with the rule as now in force.
    mutating func addFault(body: [UInt8]) -> EmulatorReply {
        do {
            let rule = try FaultRule.parse(try RequestBody.parse(body), path: "")
            guard let fault = addFault(rule) else { return .problem(.badRequest("count must be at least 1")) }
            return .json(201, fault.json)
        } catch let problem as Problem {
            return .problem(problem)
        } catch let error as FieldError {
            return .problem(.badRequest("invalid fault rule", errors: ["\(error.key): \(error.reason)"]))
        } catch {
            return .problem(.internalError)
        }
    }

    /// `PUT /admin/capacity` with `{"gpuTypeId","cloud","gpus"}`: 204.
    mutating func setCapacity(body: [UInt8]) -> EmulatorReply {
        do {
            let fields = try FieldReader(
                try RequestBody.parse(body), path: "", allowed: ["gpuTypeId", "cloud", "gpus"])
            guard let gpuTypeId = try fields.string("gpuTypeId") else { throw FieldError.missing("gpuTypeId") }
            guard GPUCatalog.gpu(gpuTypeId) != nil else { throw FieldError.invalid("gpuTypeId", "unknown GPU type") }
            guard let cloud = try fields.string("cloud") else { throw FieldError.missing("cloud") }
            guard GPUCatalog.clouds.contains(cloud) else { throw FieldError.invalid("cloud", "SECURE or COMMUNITY") }
            guard let gpus = try fields.int("gpus") else { throw FieldError.missing("gpus") }
            guard gpus >= 0 else { throw FieldError.invalid("gpus", "must be at least 0") }
            setCapacity(gpuTypeId: gpuTypeId, cloud: cloud, gpus: gpus)
            return .noContent
        } catch let problem as Problem {
            return .problem(problem)
        } catch let error as FieldError {
            return .problem(.badRequest("invalid capacity", errors: ["\(error.key): \(error.reason)"]))
        } catch {
            return .problem(.internalError)
        }
    }

    /// `POST /admin/pods/{id}/error`: the pod goes to ERROR. 204, or 404.
    mutating func failPod(_ podId: String, now: Date) -> EmulatorReply {
        var events = state.advance(to: now)
        guard let event = state.fail(podId: podId, now: now) else { return .problem(.podNotFound) }
        events.append(event)
        var reply = EmulatorReply.noContent
        reply.events = events
        return reply
    }

    /// `GET /admin/state`: pods, capacity (total, used, available), faults in force, call counts and how many
    /// calls were answered 429.
    mutating func stateReply(now: Date) -> EmulatorReply {
        let events = state.advance(to: now)
        let pods: [JSONValue] = state.pods.map { pod in
            .object([
                "id": .string(pod.id), "name": .string(pod.name), "status": .string(pod.status.rawValue),
                "gpu": .object(["id": .string(pod.gpuTypeId), "count": .int(pod.gpuCount)]),
                "cloud": .string(pod.cloud), "dataCenterId": .string(pod.dataCenterId),
                "costPerHour": .double(pod.costPerHour),
            ])
        }
        var capacity: [String: JSONValue] = [:]
        for (gpuTypeId, clouds) in state.capacity {
            var perCloud: [String: JSONValue] = [:]
            for cloud in clouds.keys {
                let total = state.total(gpuTypeId: gpuTypeId, cloud: cloud)
                let used = state.used(gpuTypeId: gpuTypeId, cloud: cloud)
                perCloud[cloud] = .object([
                    "total": .int(total), "used": .int(used), "available": .int(max(0, total - used)),
                ])
            }
            capacity[gpuTypeId] = .object(perCloud)
        }
        let calls = Dictionary(
            uniqueKeysWithValues: EmulatorOperation.allCases.map { ($0.rawValue, JSONValue.int(callCounts[$0] ?? 0)) })
        var reply = EmulatorReply.json(
            200,
            .object([
                "pods": .array(pods), "capacity": .object(capacity), "faults": .array(faults.active.map(\.json)),
                "calls": .object(calls), "rateLimited": .int(rateLimitedCount),
            ]))
        reply.events = events
        return reply
    }
}
