import Decisions
import Foundation
import LibGRPCServer
import ScalerProtos
import Synchronization

/// KEDA's `externalscaler.ExternalScaler`, answered from the latest snapshot:
/// decode the request, parse the metadata, look up pre-encoded bytes.
public struct ExternalScalerService: Sendable {
    public static let serviceName = "externalscaler.ExternalScaler"

    private let store: ScalerStateStore
    /// The unary answers by request bytes for the current snapshot generation, one cache per method.
    let isActiveAnswers = AnswerCache()
    let metricSpecAnswers = AnswerCache()
    let metricsAnswers = AnswerCache()

    public init(store: ScalerStateStore) {
        self.store = store
    }

    /// The five methods by path.
    public var handlers: [String: MethodHandler] {
        let prefix = "/\(Self.serviceName)/"
        return [
            prefix + "IsActive": .unary { _, request in isActive(request) },
            prefix + "GetMetricSpec": .unary { _, request in getMetricSpec(request) },
            prefix + "GetMetrics": .unary { _, request in getMetrics(request) },
            prefix + "StreamIsActive": .serverStreaming { _, request, stream in streamIsActive(request, stream) },
            prefix + "StreamMetricSpec": .serverStreaming { _, request, stream in streamMetricSpec(request, stream) },
        ]
    }

    // MARK: Unary

    func isActive(_ request: [UInt8]) -> Result<[UInt8], GRPCStatus> {
        let snapshot = store.snapshot
        return isActiveAnswers.answer(request, generation: snapshot.generation) {
            lookUp(request, in: snapshot).flatMap { view, _ in view.answers.isActive }
        }
    }

    func getMetricSpec(_ request: [UInt8]) -> Result<[UInt8], GRPCStatus> {
        let snapshot = store.snapshot
        return metricSpecAnswers.answer(request, generation: snapshot.generation) {
            lookUp(request, in: snapshot).map { view, metadata in Array(specBytes(view, metadata)) }
        }
    }

    func getMetrics(_ request: [UInt8]) -> Result<[UInt8], GRPCStatus> {
        let snapshot = store.snapshot
        return metricsAnswers.answer(request, generation: snapshot.generation) { getMetrics(request, in: snapshot) }
    }

    private func getMetrics(_ request: [UInt8], in snapshot: ScalerSnapshot) -> Result<[UInt8], GRPCStatus> {
        let decoded: Externalscaler_GetMetricsRequest
        do {
            decoded = try Externalscaler_GetMetricsRequest(serializedBytes: request)
        } catch {
            return .failure(GRPCStatus(.invalidArgument, "malformed GetMetricsRequest: \(error)"))
        }
        guard decoded.hasScaledObjectRef else {
            return .failure(GRPCStatus(.invalidArgument, "GetMetricsRequest.scaledObjectRef is required"))
        }
        return lookUp(decoded.scaledObjectRef, in: snapshot).flatMap { view, metadata in
            view.answers.metric(metadata.metric)
        }
    }

    // MARK: Streams

    /// The current state at once, then each transition; a stale source or a
    /// vanished pool ends the stream with that error rather than `false`.
    func streamIsActive(_ request: [UInt8], _ stream: ServerStream) {
        let parsed: (Externalscaler_ScaledObjectRef, ScalerMetadata)
        switch parse(request) {
        case .success(let value): parsed = value
        case .failure(let status): return stream.finish(status)
        }
        follow(stream) { snapshot in
            resolve(parsed.0, parsed.1, in: snapshot).flatMap { view, _ in
                view.answers.isActive.map { $0[...] }
            }
        }
    }

    /// The current specs at once, then whenever they change.
    func streamMetricSpec(_ request: [UInt8], _ stream: ServerStream) {
        let parsed: (Externalscaler_ScaledObjectRef, ScalerMetadata)
        switch parse(request) {
        case .success(let value): parsed = value
        case .failure(let status): return stream.finish(status)
        }
        follow(stream) { snapshot in
            resolve(parsed.0, parsed.1, in: snapshot).map { view, metadata in specBytes(view, metadata) }
        }
    }

    /// Sends `answer(snapshot)` for the current snapshot and every later one
    /// whose bytes differ from the last sent; an error finishes the stream.
    private func follow(
        _ stream: ServerStream, answer: @escaping @Sendable (ScalerSnapshot) -> Result<ArraySlice<UInt8>, GRPCStatus>
    ) {
        let last = Mutex<(generation: Int, bytes: [UInt8]?)>((-1, nil))
        let evaluate: @Sendable (ScalerSnapshot) -> Void = { snapshot in
            last.withLock { last in
                // Snapshots may arrive out of order from racing publishers.
                guard snapshot.generation > last.generation else { return }
                last.generation = snapshot.generation
                switch answer(snapshot) {
                case .success(let bytes):
                    // Compared before copied: a stream sees a new snapshot every second, a new answer seldom.
                    if !(last.bytes?.elementsEqual(bytes) ?? false) {
                        let message = Array(bytes)
                        last.bytes = message
                        stream.send(message)
                    }
                case .failure(let status):
                    stream.finish(status)
                }
            }
        }
        let id = store.subscribe(evaluate)
        stream.onTermination { _ in store.unsubscribe(id) }
        evaluate(store.snapshot)
    }

    // MARK: Request parsing

    private func specBytes(_ view: PoolView, _ metadata: ScalerMetadata) -> ArraySlice<UInt8> {
        if let target = metadata.targetValue {
            return SnapshotBuilder.encodeSpec(name: view.metricName(metadata.metric), target: target)[...]
        }
        return view.answers.specs[metadata.metric]
    }

    private func parse(_ request: [UInt8]) -> Result<(Externalscaler_ScaledObjectRef, ScalerMetadata), GRPCStatus> {
        let reference: Externalscaler_ScaledObjectRef
        do {
            reference = try Externalscaler_ScaledObjectRef(serializedBytes: request)
        } catch {
            return .failure(GRPCStatus(.invalidArgument, "malformed ScaledObjectRef: \(error)"))
        }
        return parse(reference)
    }

    private func parse(_ reference: Externalscaler_ScaledObjectRef)
        -> Result<(Externalscaler_ScaledObjectRef, ScalerMetadata), GRPCStatus>
    {
        ScalerMetadata.parse(reference.scalerMetadata)
            .map { (reference, $0) }
            .mapError { GRPCStatus(.invalidArgument, $0.description) }
    }

    private func lookUp(_ request: [UInt8], in snapshot: ScalerSnapshot) -> Result<
        (PoolView, ScalerMetadata), GRPCStatus
    > {
        parse(request).flatMap { reference, metadata in resolve(reference, metadata, in: snapshot) }
    }

    private func lookUp(_ reference: Externalscaler_ScaledObjectRef, in snapshot: ScalerSnapshot)
        -> Result<(PoolView, ScalerMetadata), GRPCStatus>
    {
        parse(reference).flatMap { reference, metadata in resolve(reference, metadata, in: snapshot) }
    }

    private func resolve(
        _ reference: Externalscaler_ScaledObjectRef, _ metadata: ScalerMetadata, in snapshot: ScalerSnapshot
    )
        -> Result<(PoolView, ScalerMetadata), GRPCStatus>
    {
        snapshot.resolve(metadata.pool, scaledObjectNamespace: reference.namespace).map { ($0, metadata) }
    }
}
