import Foundation

/// The query of `GET /v2/catalog/gpus`, checked as the API documents it: the availability
/// filters are valid only with `include=AVAILABILITY`, which requires `product` (400 otherwise);
/// a malformed country code or CUDA version is a 422.
struct CatalogQuery: Sendable, Equatable {
    var includeAvailability = false
    var count = 1
    var cloud = "SECURE"
    var countryCodes: [String]? = nil
    var cudaVersions: [String]? = nil
    var minCudaVersion: String? = nil

    static let availabilityOnly = ["product", "count", "cloud", "countryCodes", "cudaVersions", "minCudaVersion"]

    static func parse(_ query: [String: String]) throws(Problem) -> CatalogQuery {
        var result = CatalogQuery()
        if let include = query["include"] {
            let values = list(include)
            guard values == ["AVAILABILITY"] else {
                throw Problem.badRequest("include: the only supported value is AVAILABILITY")
            }
            result.includeAvailability = true
        }
        guard result.includeAvailability else {
            if let name = availabilityOnly.first(where: { query[$0] != nil }) {
                throw Problem.badRequest("\(name) is valid only with include=AVAILABILITY")
            }
            return result
        }
        guard let product = query["product"], !list(product).isEmpty else {
            throw Problem.badRequest("include=AVAILABILITY requires product (POD, CLUSTER or SERVERLESS)")
        }
        if let bad = list(product).first(where: { !["POD", "CLUSTER", "SERVERLESS"].contains($0) }) {
            throw Problem.badRequest("product: unknown value '\(bad)' (POD, CLUSTER or SERVERLESS)")
        }
        if let text = query["count"] {
            guard let count = Int(text), count >= 1 else { throw Problem.badRequest("count must be an integer >= 1") }
            result.count = count
        }
        if let cloud = query["cloud"] {
            guard GPUCatalog.clouds.contains(cloud) else {
                throw Problem.badRequest("cloud must be SECURE or COMMUNITY")
            }
            result.cloud = cloud
        }
        if let text = query["countryCodes"] {
            let codes = list(text)
            if let bad = codes.first(where: { $0.count != 2 || !$0.allSatisfy { $0.isASCII && $0.isUppercase } }) {
                throw Problem(status: 422, detail: "countryCodes: '\(bad)' is not an uppercase ISO 3166-1 alpha-2 code")
            }
            result.countryCodes = codes
        }
        if query["cudaVersions"] != nil && query["minCudaVersion"] != nil {
            throw Problem.badRequest("cudaVersions and minCudaVersion are mutually exclusive")
        }
        if let text = query["cudaVersions"] {
            let versions = list(text)
            if let bad = versions.first(where: { CudaVersion($0) == nil }) {
                throw Problem(status: 422, detail: "cudaVersions: '\(bad)' is not major.minor")
            }
            result.cudaVersions = versions
        }
        if let text = query["minCudaVersion"] {
            guard CudaVersion(text, allowBareMajor: true) != nil else {
                throw Problem(status: 422, detail: "minCudaVersion: '\(text)' is not major or major.minor")
            }
            result.minCudaVersion = text
        }
        return result
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
