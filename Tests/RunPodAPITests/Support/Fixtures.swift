/// Documents as the service sends them.
enum Fixtures {
    /// A running pod, shaped like the OpenAPI example (ISO-8601 timestamps, every block present).
    static let runningPod = """
        {"id":"7h9k2m4n6p","name":"pytorch-training","image":"runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404",
         "args":"","disk":50,"ports":["8888/http","22/tcp"],"env":{"MODEL_NAME":"llama-3","HF_TOKEN":"hf_s3cr3t"},
         "registry":null,"status":"RUNNING","actions":["stop","restart","terminate"],
         "mounts":{"network":[{"volumeId":"vol_xyz","path":"/workspace"}]},
         "gpu":{"id":"NVIDIA GeForce RTX 4090","count":2},"cloud":"SECURE","dataCenterId":"US-KS-2",
         "cudaVersion":"12.8",
         "ssh":{"proxy":{"host":"ssh.runpod.io","port":22,"username":"7h9k2m4n6p-64411eb2",
                "command":"ssh 7h9k2m4n6p-64411eb2@ssh.runpod.io"},"direct":null},
         "template":null,"cost":0.88,"locked":false,"globalNetworking":{"enabled":false},
         "runtime":{"uptimeSeconds":12},"createdAt":"2026-06-01T12:00:00Z","startedAt":"2026-06-01T12:00:05.250Z"}
        """

    /// A pod with every quirk seen live: Go timestamp, string cost, unknown status, no gpu, null blocks, an
    /// unknown field.
    static let quirkyPod = """
        {"id":"q1","name":"old-pod","status":"PAUSED","cost":"0.74","env":{},"cloud":"COMMUNITY",
         "dataCenterId":null,"ssh":null,"runtime":null,"someFutureField":{"nested":[1,2,3]},
         "createdAt":"2025-12-16 17:44:56.726 +0000 UTC","startedAt":null}
        """

    static let podList = #"{"pods":[\#(runningPod),\#(quirkyPod)]}"#

    static let catalog = """
        {"gpus":[
          {"id":"NVIDIA GeForce RTX 4090","name":"RTX 4090","pool":"ADA_24","manufacturer":"NVIDIA","memory":24,
           "secure":true,"community":true,"price":{"secure":0.44,"community":0.31,"serverless":1.1},
           "maxCount":{"secure":8,"community":4},"availability":"HIGH",
           "dataCenters":[{"id":"US-KS-2","name":"US Kansas 2","availability":"HIGH"}]},
          {"id":"NVIDIA L40S","name":"L40S","pool":null,"manufacturer":"NVIDIA","memory":48,
           "secure":true,"community":false,"price":{"secure":"0.86","community":0},
           "maxCount":{"secure":8,"community":0},"availability":"NONE"}
        ]}
        """
}
