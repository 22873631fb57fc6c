// A config file's text through `ConfigLoader.load` (YAML, the settings, the pools' validation). A config that
// loads must print as YAML with its secrets redacted, and its pools must drive the policy without trapping.
import Autoscaler
import Decisions
import FuzzSupport
import Yams

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    // The loader takes text, as `serve` reads it; bytes that are not UTF-8 never get here.
    guard let yaml = String(validating: UnsafeBufferPointer(start: start, count: count), as: UTF8.self) else {
        return 0
    }
    let config: AutoscalerConfig
    do {
        config = try ConfigLoader.load(yaml: yaml, origin: "fuzz.yaml", environment: [:])
    } catch {
        precondition(!error.description.isEmpty, "an error without a reason")
        return 0
    }

    // serve turns every period into whole milliseconds (Int64): each must fit.
    let periods = [
        config.grpc.shutdownGraceSeconds + 10, config.runpod.timeoutSeconds, config.runpod.reconcileSeconds,
        config.demand.pollSeconds, config.demand.staleAfterSeconds, config.kubernetes.pollSeconds,
        config.kubernetes.leaseDurationSeconds, config.kubernetes.renewDeadlineSeconds,
        config.kubernetes.retryPeriodSeconds,
    ]
    for seconds in periods {
        precondition(seconds >= 0 && seconds * 1000 < 0x1p63, "a period of \(seconds) s loaded")
    }

    let rendered = ConfigRenderer.render(config)
    let tree: Node?
    do {
        tree = try Yams.compose(yaml: rendered)
    } catch {
        preconditionFailure("the effective config is not YAML: \(error)\n\(rendered)")
    }
    guard let tree else { preconditionFailure("the effective config is empty") }
    let apiKey = tree["runpod"]?["apiKey"]?.string
    precondition(apiKey == "" || apiKey == ConfigRenderer.redacted, "apiKey printed as \(apiKey ?? "nothing")")
    for (index, pool) in (tree["pools"]?.sequence ?? []).enumerated() {
        for (_, value) in pool["template"]?["env"]?.mapping ?? [:] {
            precondition(value.string == ConfigRenderer.redacted, "pools[\(index)] env value printed")
        }
    }

    // As `serve` starts: the static local capacity of the config.
    PolicyWorkout.run(
        config.pools, local: LocalCapacity(gpus: config.local.staticGPUs, usedByOthers: config.local.staticUsedByOthers)
    )
    return 0
}
