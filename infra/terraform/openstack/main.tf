# The local A100 baseline: per Tier-1 PoP 1-2 servers, each with one port on the PoP's
# network behind a security group that admits only the control plane (kubelet) and SSH
# from the bastion. The servers join the cluster at first boot (cloud-init.yaml.tftpl).

data "openstack_networking_network_v2" "pop" {
  for_each = var.pops
  name     = each.value.network
}

# --------------------------------------------------------------------------- security group

# No inbound rule but the ones below; OpenStack's default egress rules (all outbound)
# stay, so the nodes reach the API server, the registries and the NVIDIA repositories.
resource "openstack_networking_secgroup_v2" "gpu_node" {
  name        = "${var.name_prefix}-node"
  description = "Local A100 nodes: kubelet from the control plane, SSH from the bastion, nothing else inbound"
}

resource "openstack_networking_secgroup_rule_v2" "control_plane" {
  for_each = {
    for pair in setproduct(var.control_plane_cidrs, var.control_plane_ports) :
    "${pair[0]} ${pair[1].protocol}/${pair[1].port}" => {
      cidr     = pair[0]
      protocol = pair[1].protocol
      port     = pair[1].port
    }
  }

  security_group_id = openstack_networking_secgroup_v2.gpu_node.id
  description       = "control plane to ${each.value.protocol}/${each.value.port}"
  direction         = "ingress"
  ethertype         = length(regexall(":", each.value.cidr)) > 0 ? "IPv6" : "IPv4"
  protocol          = each.value.protocol
  port_range_min    = each.value.port
  port_range_max    = each.value.port
  remote_ip_prefix  = each.value.cidr
}

resource "openstack_networking_secgroup_rule_v2" "ssh_from_bastion" {
  security_group_id = openstack_networking_secgroup_v2.gpu_node.id
  description       = "SSH from the bastion only"
  direction         = "ingress"
  ethertype         = length(regexall(":", var.bastion_cidr)) > 0 ? "IPv6" : "IPv4"
  protocol          = "tcp"
  port_range_min    = 22
  port_range_max    = 22
  remote_ip_prefix  = var.bastion_cidr
}

# --------------------------------------------------------------------------- servers

resource "openstack_networking_port_v2" "gpu_node" {
  for_each = local.servers

  name               = each.value.node_name
  network_id         = data.openstack_networking_network_v2.pop[each.value.pop].id
  admin_state_up     = true
  security_group_ids = [openstack_networking_secgroup_v2.gpu_node.id]
}

resource "openstack_compute_instance_v2" "gpu_node" {
  for_each = local.servers

  name              = each.value.node_name
  flavor_name       = each.value.flavor
  image_name        = each.value.image
  availability_zone = each.value.availability_zone
  key_pair          = var.key_pair
  user_data         = local.user_data[each.key]

  metadata = {
    pop  = each.value.pop
    role = "gpu-local"
  }

  network {
    port = openstack_networking_port_v2.gpu_node[each.key].id
  }

  lifecycle {
    # The user data holds a bootstrap token that expires (24 h by default); a new token
    # for servers added later must not replace the servers that already joined.
    ignore_changes = [user_data]
  }
}
