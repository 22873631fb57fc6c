import CurlHTTP
import Foundation
import Testing

@testable import Autoscaler

/// Prometheus query answers as the HTTP API gives them.
@Suite struct PrometheusDemandSourceTests {
    func value(_ json: String, status: Int = 200) throws -> Double? {
        try PrometheusDemandSource.interpret(status: status, body: Array(json.utf8), key: "queueDepthQuery", query: "q")
    }

    @Test func readsAVectorOfOneSeries() throws {
        let json =
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1764000000.123,"42"]}]}}"#
        #expect(try value(json) == 42)
    }

    @Test func readsAScalar() throws {
        #expect(try value(#"{"status":"success","data":{"resultType":"scalar","result":[1764000000,"7.5"]}}"#) == 7.5)
    }

    @Test func emptyIsNil() throws {
        #expect(try value(#"{"status":"success","data":{"resultType":"vector","result":[]}}"#) == nil)
    }

    @Test func nanAndInfinitiesAreNumbers() throws {
        let nan = try value(
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"NaN"]}]}}"#)
        #expect(nan?.isNaN == true)
        let inf = try value(
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"+Inf"]}]}}"#)
        #expect(inf == .infinity)
    }

    /// FuzzPrometheusResponse: a queue of `"1e300"` is a finite number, and trapped converting to Int.
    @Test func aQueueBeyondAnyCountIsAnError() throws {
        let json = #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1,"1e300"]}]}}"#
        let huge = try value(json)
        #expect { try PrometheusDemandSource.queueDepth(huge, query: "q") } throws: { "\($0)".contains("not a count") }
        #expect(try PrometheusDemandSource.queueDepth(999_999_999_999_999, query: "q") == 999_999_999_999_999)
        #expect(try PrometheusDemandSource.queueDepth(41.6, query: "q") == 42)
        #expect { try PrometheusDemandSource.queueDepth(nil, query: "q") } throws: { "\($0)".contains("no series") }
    }

    @Test func severalSeriesMustBeAggregated() {
        let json =
            #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"a":"1"},"value":[1,"1"]},{"metric":{"a":"2"},"value":[1,"2"]}]}}"#
        #expect { try value(json) } throws: { "\($0)".contains("2 series") && "\($0)".contains("sum(") }
    }

    @Test func queryErrorsSayWhatPrometheusSaid() {
        let json = #"{"status":"error","errorType":"bad_data","error":"1:5: parse error: unexpected \"}\""}"#
        #expect { try value(json, status: 400) } throws: { error in
            let text = "\(error)"
            return text.contains("HTTP 400") && text.contains("bad_data") && text.contains("parse error")
                && text.contains("queueDepthQuery")
        }
        #expect { try value("<html>bad gateway</html>", status: 502) } throws: { "\($0)".contains("HTTP 502") }
    }

    @Test func matrixResultsAreRefused() {
        let json = #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1"]]}]}}"#
        #expect { try value(json) } throws: { "\($0)".contains("instant vector") }
    }

    @Test func queriesArePercentEncoded() {
        #expect(
            PercentEncoding.encode(#"sum(lag{g="media-gpu"}[5m]) by (le)"#)
                == "sum%28lag%7Bg%3D%22media-gpu%22%7D%5B5m%5D%29%20by%20%28le%29")
    }
}
