import Testing

@testable import Autoscaler

/// The read key paths, kept as hashes: a read path is known, and so is every path it continues.
@Suite struct ReadPathsTests {
    @Test func aReadPathAndTheWayToItAreKnown() {
        var paths = ReadPaths()
        paths.insert("pools[12].template.env")
        #expect(paths.contains("pools[12].template.env"))
        for ancestor in ["pools", "pools[12]", "pools[12].template"] {
            #expect(paths.leadsBelow(ancestor), "\(ancestor)")
            #expect(!paths.contains(ancestor), "\(ancestor) was not read itself")
        }
        #expect(!paths.leadsBelow("pools[12].template.env"), "nothing read below it")
    }

    @Test func neighboursAndPrefixesOfAKeyAreNotKnown() {
        var paths = ReadPaths()
        paths.insert("grpc.listen")
        paths.insert("pools[1].name")
        for other in ["grpc.liste", "grpc.listen2", "grpc.lisen", "pools[1].nam", "pools[11].name", "pools[1]name"] {
            #expect(!paths.contains(other), "\(other)")
        }
        #expect(!paths.leadsBelow("pools[11]"))
        #expect(!paths.leadsBelow("grp"))
        #expect(paths.leadsBelow("grpc"))
    }

    @Test func textOutsideASCIIHashesByItsBytes() {
        var paths = ReadPaths()
        paths.insert("pools[0].template.env.MODÈLE")
        #expect(paths.contains("pools[0].template.env.MODÈLE"))
        #expect(paths.leadsBelow("pools[0].template.env"))
        #expect(!paths.contains("pools[0].template.env.MODELE"))
    }
}
