# The provider-free part: which servers exist and the cloud-init each one boots with.
# Tests/e2e/test_terraform.py applies this file with variables.tf and the template alone
# (no provider needed) and checks the rendered cloud-init, so keep resources out of it.

locals {
  # "<pop>-<nn>" => the PoP's settings, one entry per server.
  servers = merge([
    for pop_name, pop in var.pops : {
      for index in range(pop.count) : format("%s-%02d", pop_name, index + 1) => merge(pop, {
        pop       = pop_name
        node_name = format("%s-%s-%02d", var.name_prefix, pop_name, index + 1)
      })
    }
  ]...)

  # The kubelet's --node-labels value, sorted by key.
  node_labels = join(",", [for key in sort(keys(var.node_labels)) : "${key}=${var.node_labels[key]}"])

  user_data = {
    for key, server in local.servers : key => templatefile("${path.module}/cloud-init.yaml.tftpl", {
      node_name           = server.node_name
      pop                 = server.pop
      api_server_endpoint = var.api_server_endpoint
      join_token          = var.join_token
      ca_cert_hash        = var.ca_cert_hash
      node_labels         = local.node_labels
      node_taints         = var.node_taints
    })
  }
}
