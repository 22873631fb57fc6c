/// A named, parameterised way to make a synthetic trace: rates from the parameters, noise from the seed.
/// The same parameters and seed give the same trace, bit for bit, on every platform.
public protocol TraceShape: Sendable {
    /// The name the trace gets and `simulate --generate` takes, e.g. `diurnal-month`.
    static var name: String { get }
    /// One line saying what the shape is, written at the top of a generated CSV.
    var summary: String { get }
    /// The trace for `seed`.
    func generate(seed: UInt64) -> Trace
}
