import Testing

@testable import Decisions

@Suite struct SaturatingIntTests {
    @Test(arguments: [
        (0.0, 0), (2.9, 2), (-2.9, -2), (0x1p62, 1 << 62), (0x1p63, Int.max), (1e300, Int.max), (.infinity, Int.max),
        (-0x1p63, Int.min), (-1e300, Int.min), (-.infinity, Int.min), (.nan, 0),
    ])
    func fromDouble(value: Double, expected: Int) {
        #expect(Int(saturating: value) == expected)
    }

    @Test func addition() {
        #expect(2.adding(saturating: 3) == 5)
        #expect(Int.max.adding(saturating: 1) == .max)
        #expect(Int.max.adding(saturating: .max) == .max)
        #expect(Int.min.adding(saturating: -1) == .min)
        #expect(Int.max.adding(saturating: -1) == .max - 1)
    }
}
