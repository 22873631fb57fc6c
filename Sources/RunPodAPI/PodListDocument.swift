/// The `GET /v2/pods` answer, `{"pods": [Pod...]}`.
struct PodListDocument: Decodable {
    let pods: [PodDocument]
}
