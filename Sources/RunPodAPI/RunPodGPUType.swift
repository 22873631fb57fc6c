/// One GPU type from the catalog, with per-GPU prices and availability for pods.
public struct RunPodGPUType: Sendable, Equatable {
    /// The exact id to create pods with, e.g. `NVIDIA L40S`.
    public var id: String
    /// The short display name, e.g. `L40S`.
    public var displayName: String
    /// VRAM in GB.
    public var memoryGB: Int?
    /// USD per GPU-hour on Secure Cloud.
    public var securePrice: Double?
    /// USD per GPU-hour on Community Cloud.
    public var communityPrice: Double?
    /// Whether the type is offered on Secure Cloud.
    public var secureAvailable: Bool
    /// Whether the type is offered on Community Cloud.
    public var communityAvailable: Bool
    /// Overall stock for pods: `NONE`, `LOW`, `MEDIUM` or `HIGH`.
    public var availability: String?

    /// Creates a GPU type value.
    public init(
        id: String,
        displayName: String,
        memoryGB: Int? = nil,
        securePrice: Double? = nil,
        communityPrice: Double? = nil,
        secureAvailable: Bool = false,
        communityAvailable: Bool = false,
        availability: String? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.memoryGB = memoryGB
        self.securePrice = securePrice
        self.communityPrice = communityPrice
        self.secureAvailable = secureAvailable
        self.communityAvailable = communityAvailable
        self.availability = availability
    }

    /// The price per GPU-hour in `cloud` (`SECURE` or `COMMUNITY`, case-insensitive); `nil` for another cloud or
    /// when the catalog gave none.
    public func price(cloud: String) -> Double? {
        switch cloud.uppercased() {
        case "SECURE": securePrice
        case "COMMUNITY": communityPrice
        default: nil
        }
    }
}
