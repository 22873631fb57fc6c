/// The step trace of a soak sequence being replayed: a reference, so noting
/// a line reads the sequence's state without a mutating access to it.
final class SoakTrace {
    var lines: [String] = []
}
