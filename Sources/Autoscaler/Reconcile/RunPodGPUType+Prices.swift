import Decisions
import RunPodAPI

extension [RunPodGPUType] {
    /// USD per hour of one GPU of every offering the catalog prices.
    var pricesPerGPU: [Offering: Double] {
        var prices: [Offering: Double] = [:]
        for type in self {
            for cloud in Cloud.allCases {
                if let price = type.price(cloud: cloud.rawValue) {
                    prices[Offering(gpuTypeId: type.id, cloud: cloud)] = price
                }
            }
        }
        return prices
    }
}
