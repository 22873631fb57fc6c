output "servers" {
  description = "Node name => PoP, server id and fixed IPs of each local A100 server."
  value = {
    for key, server in openstack_compute_instance_v2.gpu_node : server.name => {
      pop          = local.servers[key].pop
      id           = server.id
      fixed_ips    = openstack_networking_port_v2.gpu_node[key].all_fixed_ips
      availability = server.availability_zone
    }
  }
}

output "security_group_id" {
  description = "The security group of the local A100 servers."
  value       = openstack_networking_secgroup_v2.gpu_node.id
}

output "node_selector" {
  description = "The label selector that selects these nodes: set runpod-autoscaler's local.nodeSelector to it (or to a part of it)."
  value       = local.node_labels
}
