/// The `GET /v2/catalog/gpus` answer, `{"gpus": [GpuType...]}`.
struct GPUCatalogDocument: Decodable {
    let gpus: [GPUTypeDocument]
}
