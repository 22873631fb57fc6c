import Testing

@testable import Simulation

@Suite struct TraceCSVTests {
    private func parseError(_ text: String) -> TraceError? {
        do {
            _ = try TraceCSV.parse(text, name: "t")
            return nil
        } catch {
            return error
        }
    }

    @Test func readsCommentsHeaderAndRows() throws {
        let text = "# a comment\n  # indented comment\n\nseconds,arrivals\n0,3\n60,5\n\n120,4.5\n"
        let trace = try TraceCSV.parse(text, name: "mine")
        #expect(trace == Trace(name: "mine", stepSeconds: 60, arrivals: [3, 5, 4.5]))
    }

    @Test func subtractsTheFirstRowsTimeSoUnixSecondsWork() throws {
        let text = "seconds,arrivals\n1717000020,1\n1717000050,2\n1717000080,0\n"
        let trace = try TraceCSV.parse(text, name: "unix")
        #expect(trace.stepSeconds == 30)
        #expect(trace.arrivals == [1, 2, 0])
    }

    @Test func acceptsCRLFAndABOMAndSpacesAndACapitalisedHeader() throws {
        let text = "\u{FEFF}# exported\r\nSeconds, Arrivals\r\n0, 1\r\n60 ,2\r\n120,3"
        let trace = try TraceCSV.parse(text, name: "t")
        #expect(trace.arrivals == [1, 2, 3])
        #expect(trace.stepSeconds == 60)
    }

    @Test func countsLinesAcrossCRLFComments() throws {
        let error = try #require(parseError("# c\r\nseconds,arrivals\r\n0,1\r\n60,x\r\n"))
        #expect(error.line == 4)
        #expect(error.codeName == "badCount")
    }

    @Test(arguments: [
        ("", "emptyFile", 1),
        ("# only a comment\n\n", "emptyFile", 3),
        ("seconds,arrivals\n", "emptyFile", 1),
        ("# c\nseconds,arrivals\n# nothing else\n", "emptyFile", 2),
        ("0,1\n60,2\n", "missingHeader", 1),
        ("# c\nseconds,arrivals,p95_seconds\n0,1,2\n", "missingHeader", 2),
        ("seconds,arrivals\n0,1\n60,2,3\n", "wrongColumnCount", 3),
        ("seconds,arrivals\n0\n", "wrongColumnCount", 2),
        ("seconds,arrivals\nnoon,1\n60,2\n", "badTime", 2),
        ("seconds,arrivals\n0,1\ninf,2\n", "badTime", 3),
        ("seconds,arrivals\n0,1\n60,lots\n", "badCount", 3),
        ("seconds,arrivals\n0,1\n60,\n", "badCount", 3),
        ("seconds,arrivals\n0,1\n60,nan\n", "badCount", 3),
        ("seconds,arrivals\n0,1\n60,-2\n", "negativeCount", 3),
        ("seconds,arrivals\n0,1\n60,2\n60,3\n", "nonIncreasingTime", 4),
        ("seconds,arrivals\n60,1\n0,2\n", "nonIncreasingTime", 3),
        ("seconds,arrivals\n0,1\n60,2\n180,3\n", "gap", 4),
        ("seconds,arrivals\n0,1\n60,2\n90,3\n", "gap", 4),
        ("# c\nseconds,arrivals\n0,1\n", "tooFewRows", 3),
    ])
    func reportsEachProblemWithItsLine(text: String, code: String, line: Int) throws {
        let error = try #require(parseError(text))
        #expect(error.codeName == code)
        #expect(error.line == line)
        #expect(error.description.hasPrefix("line \(line): "))
    }

    @Test func messagesSayWhatIsWrong() throws {
        let gap = try #require(parseError("seconds,arrivals\n0,1\n60,2\n180,3\n"))
        #expect(gap.message.contains("gap"))
        #expect(gap.message.contains("120"))
        let uneven = try #require(parseError("seconds,arrivals\n0,1\n60,2\n90,3\n"))
        #expect(uneven.message.contains("uneven"))
        let header = try #require(parseError("time,jobs\n0,1\n"))
        #expect(header.message.contains("`time,jobs`"))
        let negative = try #require(parseError("seconds,arrivals\n0,-1\n60,2\n"))
        #expect(negative.message.contains("negative"))
    }

    @Test func rendersWholeNumbersWithoutADecimalPoint() {
        let trace = Trace(name: "t", stepSeconds: 60, arrivals: [3, 0, 2.5])
        let text = TraceCSV.render(trace, comments: ["made by hand", ""])
        #expect(text == "# made by hand\n#\nseconds,arrivals\n0,3\n60,0\n120,2.5\n")
        #expect(TraceCSV.render(trace) == "seconds,arrivals\n0,3\n60,0\n120,2.5\n")
    }

    @Test(arguments: [
        Trace(name: "a", stepSeconds: 60, arrivals: [0, 1, 2, 45, 130]),
        Trace(name: "b", stepSeconds: 0.1, arrivals: [0.1, 1e-7, 123_456.789, 0, 3]),
        Trace(name: "c", stepSeconds: 15, arrivals: (0..<1000).map { Double($0 % 37) / 3 }),
        Trace(name: "d", stepSeconds: 1.5, arrivals: [2, 2]),
    ])
    func roundTrips(trace: Trace) throws {
        let text = TraceCSV.render(trace, comments: ["round trip"])
        let parsed = try TraceCSV.parse(text, name: trace.name)
        #expect(parsed == trace)
        #expect(TraceCSV.render(parsed, comments: ["round trip"]) == text)
    }
}
