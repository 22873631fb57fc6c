/// A `GpuType` object of the catalog, decoded leniently (only `id` is required; prices may be strings).
struct GPUTypeDocument: Decodable {
    let gpuType: RunPodGPUType

    private enum CodingKeys: String, CodingKey {
        case id, name, memory, secure, community, price, availability
    }

    private struct Price: Decodable {
        let secure: LenientNumber?
        let community: LenientNumber?
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let id = try container.decode(String.self, forKey: .id)
        let price = try container.decodeIfPresent(Price.self, forKey: .price)
        gpuType = RunPodGPUType(
            id: id,
            displayName: try container.decodeIfPresent(String.self, forKey: .name) ?? id,
            memoryGB: try container.decodeIfPresent(LenientNumber.self, forKey: .memory)?.integer,
            securePrice: price?.secure?.value,
            communityPrice: price?.community?.value,
            secureAvailable: try container.decodeIfPresent(Bool.self, forKey: .secure) ?? false,
            communityAvailable: try container.decodeIfPresent(Bool.self, forKey: .community) ?? false,
            availability: try container.decodeIfPresent(String.self, forKey: .availability)
        )
    }
}
