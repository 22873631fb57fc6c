import Testing

@testable import Decisions

/// `PodNaming.Heads` (one lookup a pod) against `PodNaming.pool(of:among:)` (a scan over the pools).
struct PodNamingHeadsTests {
    static let naming = PodNaming(prefix: "rpa")
    /// Two pools share a head (`rpa-media-a-b-`): the first in order owns its pods.
    static let pools = [
        PoolID(namespace: "media", name: "a-b"), PoolID(namespace: "media-a", name: "b"),
        PoolID(namespace: "media", name: "a"), PoolID(namespace: "video", name: "burst"),
    ]

    @Test(
        arguments: [
            ("rpa-media-a-b-x1y2z3w4", "media/a-b"), ("rpa-media-a-12345678", "media/a"),
            ("rpa-video-burst-abcdefgh", "video/burst"), ("rpa-video-burst-ABCDEFGH", nil),
            ("rpa-video-burst-abcdefg", nil), ("rpa-video-burst-abcdefghi", nil), ("rpa-video-burst-abcd-fgh", nil),
            ("rpa-video-bursts-abcdefgh", nil), ("other-video-burst-abcdefgh", nil), ("abcdefgh", nil), ("", nil),
            ("rpa-video-burst-abcdéfgh", nil), ("rpa-vidéo-burst-abcdefgh", nil),
        ] as [(String, String?)])
    func aNameBelongsToThePoolItsHeadNames(name: String, pool: String?) {
        let heads = PodNaming.Heads(Self.naming, pools: Self.pools)
        #expect(heads.pool(of: name)?.description == pool)
        #expect(heads.index(of: name).map { heads.pools[$0].description } == pool)
        #expect(Self.naming.pool(of: name, among: Self.pools)?.description == pool)
        #expect(heads.owns(name) == Self.naming.owns(name))
    }

    @Test func randomNamesGetTheScansAnswer() {
        var random = SystemRandomNumberGenerator()
        let heads = PodNaming.Heads(Self.naming, pools: Self.pools)
        let pieces = [
            "rpa-", "media-", "a-", "b-", "video-", "burst-", "a", "b", "-", "1", "z", "Z", "é", "x9", "abcdefgh",
        ]
        for _ in 0..<20_000 {
            let name = (0..<Int.random(in: 1...7, using: &random)).map { _ in pieces.randomElement(using: &random)! }
                .joined()
            #expect(heads.pool(of: name) == Self.naming.pool(of: name, among: Self.pools), "\(name)")
            #expect(heads.owns(name) == Self.naming.owns(name), "\(name)")
        }
    }
}
