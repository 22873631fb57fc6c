import Foundation
import Primitives
import Testing

@testable import RunPodAPI

/// The byte-level pod reader against `JSONDecoder` with ``PodListDocument`` / ``PodDocument``: whenever the fast
/// path answers, its pods are the ones JSONDecoder decodes, and it answers for the documents RunPod sends.
@Suite("The pod list's fast path decodes what JSONDecoder decodes")
struct PodJSONFastPathTests {
    /// JSONDecoder's pods for a list, or nil when it refuses the document.
    private func codableList(_ json: [UInt8]) -> [RunPodPod]? {
        (try? JSONDecoder().decode(PodListDocument.self, from: Data(json)))?.pods.map(\.pod)
    }

    private func codablePod(_ json: [UInt8]) -> RunPodPod? {
        (try? JSONDecoder().decode(PodDocument.self, from: Data(json)))?.pod
    }

    /// The fast path's answer for `json` if it gave one, after checking it against JSONDecoder.
    @discardableResult
    private func compare(_ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> [RunPodPod]? {
        let bytes = Array(json.utf8)
        let fast = PodJSONFastPath.pods(inList: bytes)
        if let fast {
            #expect(fast == codableList(bytes), "\(json)", sourceLocation: sourceLocation)
        }
        return fast
    }

    @Test func theDocumentsRunPodSendsTakeTheFastPath() throws {
        let fast = try #require(compare(Fixtures.podList))
        #expect(fast.map(\.id) == ["7h9k2m4n6p", "q1"])
        #expect(fast[0].env["HF_TOKEN"] == "hf_s3cr3t")
        #expect(fast[0].gpuCount == 2 && fast[0].costPerHour == 0.88)
        #expect(fast[1].status == .other("PAUSED") && fast[1].costPerHour == 0.74 && fast[1].createdAt != nil)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let openAPIList = try String(
            contentsOf: repository.appendingPathComponent("Fuzz/corpus/FuzzRunPodJSON/openapi-pod-list.json"),
            encoding: .utf8)
        let openAPIPod = try #require(compare(openAPIList)?.first)
        #expect(openAPIPod.sshDirect == RunPodSSHEndpoint(host: "195.26.233.3", port: 34446, username: "root"))
        #expect(compare(#"{"pods":[]}"#) == [])
        let single = Array(Fixtures.runningPod.utf8)
        let fastSingle = try #require(PodJSONFastPath.pod(in: single))
        #expect(fastSingle == codablePod(single))
    }

    /// What the fast path must do with a pod object.
    enum Expected: Sendable {
        /// Answer, with what JSONDecoder decodes.
        case answers
        /// Leave a document JSONDecoder refuses to it (so its error is the one reported).
        case bothRefuse
        /// Leave a document JSONDecoder accepts to it: forms the fast path does not vouch for.
        case leftToJSONDecoder
    }

    /// Each line: a pod object, and what the fast path must do with it.
    @Test(arguments: [
        (#"{"id":"a"}"#, Expected.answers),
        (#"{"id":"a","name":null,"status":null,"gpu":null,"cloud":null,"image":null,"env":null,"ssh":null}"#, .answers),
        (#"{"id":"a","cost":true}"#, .answers),
        (#"{"id":"a","cost":"abc"}"#, .answers),
        (#"{"id":"a","cost":" 1.5\t"}"#, .answers),
        (#"{"id":"a","cost":[1]}"#, .answers),
        (#"{"id":"a","env":{"A":"1","B":2}}"#, .answers),
        (#"{"id":"a","env":[]}"#, .answers),
        (#"{"id":"a","env":{"A":"caf\u00e9 \"q\" \\ \/ \n\t","É":"ü"}}"#, .answers),
        (#"{"id":"a","gpu":{"id":"X","count":"3"}}"#, .answers),
        (#"{"id":"a","gpu":{"count":1e300}}"#, .answers),
        (#"{"id":"a","gpu":{"count":2.9,"extra":{"deep":[null,true,false,-0.5e-3]}}}"#, .answers),
        (#"{"id":"a","gpu":{}}"#, .answers),
        (#"{"id":"a","ssh":{"direct":{"host":"h","port":"22"}}}"#, .answers),
        (#"{"id":"a","ssh":{"direct":{"host":"h","port":70000}}}"#, .answers),
        (#"{"id":"a","ssh":{"direct":{"host":"h","port":"x"}}}"#, .answers),
        (#"{"id":"a","ssh":{"direct":{"host":1,"port":22}}}"#, .answers),
        (#"{"id":"a","ssh":{"direct":"h:22"}}"#, .answers),
        (#"{"id":"a","ssh":[]}"#, .answers),
        (#"{"id":"a","ssh":{"direct":{"host":"","port":22,"username":"u"}}}"#, .answers),
        (
            #"{"id":"a","createdAt":" 2026-03-13T20:00:00Z ","startedAt":"2026-03-13 20:00:00.25 +0000 UTC m=+0.1"}"#,
            .answers
        ),
        (#"{"id":"a","createdAt":"yesterday","startedAt":"2026-03-13T20:00:00\u002B02:00"}"#, .answers),
        (#"{"id":"a","status":"running"}"#, .answers),
        (#" { "id" : "a" , "name" : "n" } "#, .answers),
        // JSONDecoder refuses these.
        (#"{"name":"no id"}"#, .bothRefuse),
        (#"{"id":null}"#, .bothRefuse),
        (#"{"id":7}"#, .bothRefuse),
        (#"{"id":"a","name":5}"#, .bothRefuse),
        (#"{"id":"a","gpu":"RTX"}"#, .bothRefuse),
        (#"{"id":"a","gpu":{"count":"two"}}"#, .bothRefuse),
        (#"{"id":"a","gpu":{"id":4}}"#, .bothRefuse),
        (#"{"id":"a","createdAt":17}"#, .bothRefuse),
        (#"{"id":"a","cost":.5}"#, .bothRefuse),
        ("{\"id\":\"a\",\"name\":\"tab\tinside\"}", .bothRefuse),
        (#"{"id":"a","name":"\x"}"#, .bothRefuse),
        (#"{"id":"a"} x"#, .bothRefuse),
        (#"{"id":"a","flag":tru}"#, .bothRefuse),
        // Forms JSONDecoder accepts but the fast path leaves to it (its leniency: out-of-range numbers, leading
        // zeros, trailing commas).
        (#"{"id":"a","cost":1e999}"#, .leftToJSONDecoder),
        (#"{"id":"a","cost":01}"#, .leftToJSONDecoder),
        (#"{"id":"a",}"#, .leftToJSONDecoder),
        (#"{"id":"a","id":"b"}"#, .leftToJSONDecoder),
        (#"{"i\u0064":"a"}"#, .leftToJSONDecoder),
        (#"{"id":"a","name":"\ud83d\ude00"}"#, .leftToJSONDecoder),
        (#"{"id":"a","env":{"A":"1","A":"2"}}"#, .leftToJSONDecoder),
    ])
    func edgeCases(_ pod: String, expected: Expected) {
        let list = Array(#"{"pods":[\#(pod)]}"#.utf8)
        let fast = PodJSONFastPath.pods(inList: list)
        let decoded = codableList(list)
        switch expected {
        case .answers:
            #expect(fast != nil, "\(pod)")
            #expect(fast == decoded, "\(pod)")
        case .bothRefuse:
            #expect(fast == nil && decoded == nil, "\(pod)")
        case .leftToJSONDecoder:
            #expect(fast == nil && decoded != nil, "\(pod)")
        }
        let single = Array(pod.utf8)
        let fastPod = PodJSONFastPath.pod(in: single)
        #expect((fastPod != nil) == (fast != nil), "\(pod)")
        if let fastPod {
            #expect(fastPod == codablePod(single), "\(pod)")
        }
    }

    @Test(arguments: [
        #"{}"#, #"{"pods":null}"#, #"{"pods":{}}"#, #"{"pods":[null]}"#, #"{"pods":[],"pods":[]}"#, #"[]"#, "",
        "\u{FEFF}{\"pods\":[]}",
        #"{"pods":[{"id":"a","x":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]}"#,
    ])
    func documentsTheFastPathLeavesToJSONDecoder(_ document: String) {
        #expect(PodJSONFastPath.pods(inList: Array(document.utf8)) == nil, "\(document)")
    }

    /// Seeded random pods built from the forms every field takes (right, wrong and odd types, escapes, nesting,
    /// whitespace): the fast path agrees with JSONDecoder on each, and answers for most.
    @Test func randomDocumentsAgree() {
        var generator = SplitMix64(seed: 20_261_202)
        var answered = 0
        let documents = 3_000
        for _ in 0..<documents {
            let pods = (0..<Int.random(in: 0...3, using: &generator)).map { _ in randomPod(using: &generator) }
            let list = "{\"kind\":\"x\",\"pods\":[" + pods.joined(separator: " ,\n") + "],\"next\":null}"
            if compare(list) != nil { answered += 1 }
        }
        #expect(answered > documents / 10, "the fast path answered \(answered) of \(documents)")
    }

    /// Strings are scanned eight bytes at a time: an escape, a control character, a byte past ASCII and the
    /// closing quote at every offset of strings up to 20 bytes, in a field read (`name`) and in one skipped
    /// (`extra`), give JSONDecoder's pods (or a fallback to it); every plain one takes the fast path.
    @Test func everyOffsetOfEveryKindOfByte() {
        let kinds = ["", #"\n"#, #"\u00e9"#, #"\""#, "é", "\u{01}", "\u{7f}"]
        var plainAnswered = 0
        for length in 0...20 {
            for offset in 0...length {
                for kind in kinds {
                    let text =
                        String(repeating: "a", count: offset) + kind
                        + String(repeating: "b", count: length - offset)
                    let pod = #"{"id":"p1","extra":"\#(text)","name":"\#(text)","tail":["\#(text)",{"k":"\#(text)"}]}"#
                    let answer = compare(#"{"pods":[\#(pod)]}"#)
                    if kind.isEmpty, answer != nil { plainAnswered += 1 }
                    if kind == "\u{01}" { #expect(answer == nil, "a raw control character is not JSON") }
                }
            }
        }
        #expect(plainAnswered == (0...20).map { $0 + 1 }.reduce(0, +))
    }

    private func randomPod(using generator: inout SplitMix64) -> String {
        let strings = [
            #""plain""#, #""""#, #""caf\u00e9""#, #""é ü""#, #""a\"b\\c\/d\n""#, "null", "7", "true", "[]", "{}",
        ]
        let numbers = ["0.44", "-1", "2", "1e300", "\"0.74\"", "\" 3 \"", "\"x\"", "null", "true", "{}", "0"]
        let times = [
            #""2026-03-13T20:00:00Z""#, #""2025-12-16 17:44:56.726 +0000 UTC""#, #"" 2026-03-13T20:00:00Z""#,
            #""2026-02-30T00:00:00Z""#, #""2026-03-13T20:00:00.123456789+02:00""#, "null", "1", #""""#,
        ]
        let endpoints = [
            #"{"host":"1.2.3.4","port":22}"#, #"{"host":"h","port":"2222","username":"u"}"#,
            #"{"host":"h","port":0}"#, #"{"host":null,"port":22}"#, #"{"port":"p","host":"h"}"#, "null", "5", "{}",
        ]
        var fields: [String] = []
        if Int.random(in: 0..<20, using: &generator) != 0 {
            fields.append(
                "\"id\":"
                    + (Bool.random(using: &generator)
                        ? "\"p\(generator.next() % 1000)\"" : strings.randomElement(using: &generator)!))
        }
        for key in ["name", "status", "cloud", "dataCenterId", "image"] where Bool.random(using: &generator) {
            let value =
                key == "status" && Bool.random(using: &generator)
                ? ["\"RUNNING\"", "\"exited\"", "\"PAUSED\"", "\"TERMINATED\""].randomElement(using: &generator)!
                : Int.random(in: 0..<4, using: &generator) == 0 ? strings.randomElement(using: &generator)! : "\"v\""
            fields.append("\"\(key)\":\(value)")
        }
        if Bool.random(using: &generator) { fields.append("\"cost\":" + numbers.randomElement(using: &generator)!) }
        if Bool.random(using: &generator) {
            let gpu =
                Int.random(in: 0..<5, using: &generator) == 0
                ? strings.randomElement(using: &generator)!
                : "{\"id\":\"NVIDIA L40S\",\"count\":\(numbers.randomElement(using: &generator)!)}"
            fields.append("\"gpu\":" + gpu)
        }
        if Bool.random(using: &generator) {
            let env = (0..<Int.random(in: 0...3, using: &generator)).map { index in
                "\"K\(index)\":"
                    + (Int.random(in: 0..<6, using: &generator) == 0
                        ? strings.randomElement(using: &generator)! : "\"v\(index)\"")
            }
            fields.append(
                "\"env\":"
                    + (Int.random(in: 0..<8, using: &generator) == 0 ? "[]" : "{" + env.joined(separator: ",") + "}"))
        }
        for key in ["createdAt", "startedAt"] where Bool.random(using: &generator) {
            fields.append("\"\(key)\":" + times.randomElement(using: &generator)!)
        }
        if Bool.random(using: &generator) {
            let ssh =
                Int.random(in: 0..<6, using: &generator) == 0
                ? strings.randomElement(using: &generator)!
                : "{\"proxy\":{\"host\":\"ssh.runpod.io\"},\"direct\":\(endpoints.randomElement(using: &generator)!)}"
            fields.append("\"ssh\":" + ssh)
        }
        if Bool.random(using: &generator) {
            fields.append(#""runtime":{"ports":[{"private":22,"public":34446,"ip":"1.2.3.4"}],"uptime":-3.5E+2}"#)
        }
        if Int.random(in: 0..<30, using: &generator) == 0 { fields.append(fields.first ?? #""id":"dup""#) }
        fields.shuffle(using: &generator)
        let spaces = ["", " ", "\n  ", "\t"]
        return "{" + fields.map { spaces.randomElement(using: &generator)! + $0 }.joined(separator: ",") + "}"
    }

    /// Numbers of up to 15 digits without an exponent are computed from their digits; the rest are parsed.
    @Test(arguments: [
        "0", "-0", "0.44", "0.1", "0.3", "99.99", "-1.5", "2", "1.000000000000001", "123456789012345",
        "123456789012345.6", "9007199254740993", "0.000000000000000000001", "1e300", "-2.5E-3", "4.35", "0.0000001",
        "3.141592653589793", "1234567.890123",
    ])
    func numbersAreTheDoublesJSONDecoderReads(_ number: String) throws {
        let list = Array(#"{"pods":[{"id":"a","cost":\#(number),"gpu":{"count":\#(number)}}]}"#.utf8)
        let fast = try #require(PodJSONFastPath.pods(inList: list)?.first)
        let decoded = try #require(codableList(list)?.first)
        #expect(fast.costPerHour.bitPattern == decoded.costPerHour.bitPattern || fast.costPerHour == 0, "\(number)")
        #expect(fast == decoded, "\(number)")
    }

    @Test(arguments: [
        "2026-03-13T20:00:00Z", " 2026-03-13T20:00:00Z", "2026-03-13T20:00:00Z\t", "\u{00A0}2026-03-13T20:00:00Z",
        "2026-03-13T20:00:00Z\u{3000}", "2025-12-16 17:44:56.726 +0000 UTC", "2026-03-13T20:00:00.5+02:00", "",
        " ", "é", "2026-03-13T20:00:00Z\u{0301}",
    ])
    func timestampBytesParseAsTheirString(_ text: String) {
        let fromBytes = Array(text.utf8).withUnsafeBufferPointer { RFC3339Timestamp.parse(utf8: $0) }
        #expect(fromBytes == RFC3339Timestamp.parse(text), "\(text)")
    }

    /// The bytes' shortcut for `YYYY-MM-DDTHH:MM:SSZ` against the general parse of the same text, at the edges of
    /// every field (leap days, month ends, a leap second, out of range) and with each byte replaced by another.
    @Test func secondsInUTCParseAsTheGeneralForm() {
        var texts: [String] = []
        for (year, month, day) in [
            (2026, 3, 13), (2024, 2, 29), (2025, 2, 29), (2000, 2, 29), (1900, 2, 29), (2026, 4, 31), (2026, 12, 31),
            (2026, 0, 1), (2026, 13, 1), (2026, 1, 0), (1970, 1, 1), (9999, 12, 31), (0, 1, 1),
        ] {
            for (hour, minute, second) in [(0, 0, 0), (23, 59, 59), (23, 59, 60), (24, 0, 0), (12, 60, 0), (12, 0, 61)]
            {
                func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
                let year = String(repeating: "0", count: 4 - "\(year)".count) + "\(year)"
                texts.append("\(year)-\(two(month))-\(two(day))T\(two(hour)):\(two(minute)):\(two(second))Z")
            }
        }
        let base = Array("2026-03-13T20:00:00Z".utf8)
        for position in base.indices {
            for replacement in Array("09-:TZtz .+".utf8) + [0x2F, 0x3A, 0x80] {
                var bytes = base
                bytes[position] = replacement
                texts.append(String(decoding: bytes, as: UTF8.self))
            }
        }
        var parsed = 0
        for text in texts {
            let fromBytes = Array(text.utf8).withUnsafeBufferPointer { RFC3339Timestamp.parse(utf8: $0) }
            #expect(fromBytes == RFC3339Timestamp.parse(text), "\(text)")
            if fromBytes != nil { parsed += 1 }
        }
        // Both outcomes are covered: the in-range edge dates (and digit swaps) parse, the rest do not.
        #expect(parsed > 40 && parsed < texts.count / 2)
        #expect(
            RFC3339Timestamp.parse("2024-02-29T23:59:59Z")
                == Date(timeIntervalSince1970: 1_709_251_199))
    }
}
