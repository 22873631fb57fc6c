/// Any seeded or system generator behind one concrete type, so the machine
/// can hold whichever the executor or the simulator gives it.
struct ErasedRandom: RandomNumberGenerator, Sendable {
    var base: any RandomNumberGenerator & Sendable

    mutating func next() -> UInt64 {
        base.next()
    }
}
