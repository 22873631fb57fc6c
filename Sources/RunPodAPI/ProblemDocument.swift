/// An RFC 9457 problem document (`application/problem+json`), decoded field by field so that one odd field
/// does not lose the others.
struct ProblemDocument: Decodable {
    let title: String?
    let detail: String?
    let errors: [String]

    private enum CodingKeys: String, CodingKey {
        case title, detail, errors
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        title = try? container.decodeIfPresent(String.self, forKey: .title)
        detail = try? container.decodeIfPresent(String.self, forKey: .detail)
        errors = ((try? container.decodeIfPresent([String].self, forKey: .errors)) ?? nil) ?? []
    }
}
