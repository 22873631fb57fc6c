/// The `PodActionRequest` body, `{"action": "stop"}`.
struct PodActionBody: Encodable {
    let action: String
}
