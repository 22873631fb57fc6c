import KubeClient
import Primitives
import Testing

@Suite("JSONValue parses, reads, builds and writes JSON")
struct JSONValueTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(
            parsing: Array(#"{"a":null,"b":true,"c":3,"d":-2.5,"e":"x","f":[1,"two"],"g":{"h":{}}}"#.utf8))
        #expect(value["a"] == .null)
        #expect(value["b"] == .bool(true))
        #expect(value["c"] == .number(3))
        #expect(value["d"] == .number(-2.5))
        #expect(value["e"] == .string("x"))
        #expect(value["f"] == .array([.number(1), .string("two")]))
        #expect(value["g"]["h"] == .object([:]))
        #expect(value["missing"] == .null)
        #expect(value.object?["a"] == .null, "an explicit null is a member")
        #expect(value.object?["missing"] == nil, "a missing member is not")
    }

    @Test func typedAccessorsAnswerOnlyForTheirKind() throws {
        let value: JSONValue = ["n": 42, "f": 1.5, "s": "text", "b": false, "list": [1, 2], "obj": ["k": "v"]]
        #expect(value["n"].int == 42)
        #expect(value["n"].double == 42)
        #expect(value["f"].int == nil, "a fraction is not an int")
        #expect(value["f"].double == 1.5)
        #expect(value["s"].string == "text")
        #expect(value["s"].int == nil)
        #expect(value["b"].bool == false)
        #expect(value["list"].array?.count == 2)
        #expect(value["list"][1].int == 2)
        #expect(value["list"][7] == .null)
        #expect(value["obj"].object == ["k": "v"])
        #expect(value["obj"]["k"].string == "v")
        #expect(value["s"]["k"] == .null, "a member of a non-object reads as null")
        #expect(value["missing"].isNull)
    }

    @Test func integersStayExactAndAreWrittenWithoutFractions() throws {
        let text = #"{"big":9007199254740992,"generation":12345678901,"neg":-7,"replicas":3,"half":0.5}"#
        let value = try JSONValue(parsing: Array(text.utf8))
        #expect(value["big"].int == 9_007_199_254_740_992)
        #expect(value["generation"].int == 12_345_678_901)
        #expect(value["neg"].int == -7)
        #expect(
            value.description == #"{"big":9007199254740992,"generation":12345678901,"half":0.5,"neg":-7,"replicas":3}"#)
        #expect(JSONValue(3).description == "3")
        #expect(JSONValue(3.0).description == "3")
        #expect(JSONValue(0.25).description == "0.25")
        #expect(JSONValue(Double.nan).description == "null", "JSON has no NaN")
    }

    @Test func settingThroughSubscriptsBuildsNestedObjects() {
        var value: JSONValue = nil
        value["status"]["replicas"] = 3
        value["status"]["conditions"] = [["type": "Ready", "status": "True"]]
        value["metadata"]["annotations"] = nil
        #expect(
            value == [
                "status": ["replicas": 3, "conditions": [["type": "Ready", "status": "True"]]],
                "metadata": ["annotations": .null],
            ])
        value["status"]["conditions"][0]["status"] = "False"
        #expect(value["status"]["conditions"][0]["status"] == "False")
        let removed = value["status"].removeValue(forKey: "replicas")
        #expect(removed == 3)
        #expect(value["status"].object?["replicas"] == nil)
    }

    @Test func serializationIsCompactSortedAndRoundTrips() throws {
        let value: JSONValue = ["b": [true, nil], "a": "x/y", "c": ["z": 1, "y": 2]]
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"a":"x/y","b":[true,null],"c":{"y":2,"z":1}}"#)
        #expect(try JSONValue(parsing: value.serialized()) == value)
    }

    @Test func invalidJSONIsADecodingError() {
        let error = #expect(throws: KubeError.self) { try JSONValue(parsing: Array("{nope".utf8)) }
        #expect(error?.kind == .decoding)
    }
}
