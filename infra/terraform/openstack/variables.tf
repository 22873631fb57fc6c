# --------------------------------------------------------------------------- PoPs

variable "pops" {
  description = <<-EOT
    The Tier-1 PoPs and their local A100 servers: PoP name => how many servers (1 or 2),
    the flavor (2x A100 passthrough), the image (with containerd, kubeadm, the kubelet, the
    NVIDIA driver and container toolkit), the network the servers attach to, and the
    availability zone.
  EOT
  type = map(object({
    count             = number
    flavor            = string
    image             = string
    network           = string
    availability_zone = string
  }))

  validation {
    condition     = length(var.pops) > 0
    error_message = "Give at least one PoP."
  }

  validation {
    condition     = alltrue([for name, pop in var.pops : pop.count >= 1 && pop.count <= 2 && floor(pop.count) == pop.count])
    error_message = "Each PoP has 1 or 2 local A100 servers (count must be 1 or 2)."
  }

  validation {
    condition     = alltrue([for name, pop in var.pops : can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", name))])
    error_message = "PoP names become host and node names: lower-case letters, digits and '-' only."
  }
}

variable "name_prefix" {
  description = "Prefix of every server, port and security group name; a node is <prefix>-<pop>-<nn>."
  type        = string
  default     = "gpu-local"

  validation {
    condition     = can(regex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", var.name_prefix))
    error_message = "The name prefix becomes part of node names: lower-case letters, digits and '-' only."
  }
}

variable "key_pair" {
  description = "Name of the OpenStack key pair installed for SSH (reached from the bastion only); null for none."
  type        = string
  default     = null
}

# --------------------------------------------------------------------------- access

variable "control_plane_cidrs" {
  description = "CIDRs of the cluster's control plane (API servers): the only sources allowed to reach the kubelet."
  type        = list(string)

  validation {
    condition     = length(var.control_plane_cidrs) > 0
    error_message = "Give the control plane's CIDRs: without them the API server cannot reach the kubelet (logs, exec)."
  }

  validation {
    condition     = alltrue([for cidr in var.control_plane_cidrs : can(cidrhost(cidr, 0)) && tonumber(split("/", cidr)[1]) > 0])
    error_message = "Each control plane CIDR must be a valid, non-default CIDR (no 0.0.0.0/0 or ::/0)."
  }
}

variable "control_plane_ports" {
  description = "Ports the control plane CIDRs may reach on the servers (the kubelet's by default)."
  type = list(object({
    protocol = string
    port     = number
  }))
  default = [{ protocol = "tcp", port = 10250 }]

  validation {
    condition     = alltrue([for rule in var.control_plane_ports : contains(["tcp", "udp"], rule.protocol) && rule.port >= 1 && rule.port <= 65535])
    error_message = "Each control plane port is tcp or udp, 1 to 65535."
  }
}

variable "bastion_cidr" {
  description = "CIDR of the SSH bastion: the only source allowed to reach port 22."
  type        = string

  validation {
    condition     = can(cidrhost(var.bastion_cidr, 0)) && tonumber(split("/", var.bastion_cidr)[1]) > 0
    error_message = "The bastion CIDR must be a valid, non-default CIDR (no 0.0.0.0/0 or ::/0)."
  }
}

# --------------------------------------------------------------------------- cluster join

variable "api_server_endpoint" {
  description = "host:port of the cluster's API server (or its load balancer) that kubeadm join contacts."
  type        = string

  validation {
    condition     = can(regex("^[^:/ ]+:[0-9]+$", var.api_server_endpoint)) || can(regex("^\\[[0-9a-fA-F:]+\\]:[0-9]+$", var.api_server_endpoint))
    error_message = "The API server endpoint is host:port (or [ipv6]:port), without a scheme."
  }
}

variable "join_token" {
  description = "A kubeadm bootstrap token (`kubeadm token create`); it ends up in the servers' user data."
  type        = string
  sensitive   = true

  validation {
    condition     = can(regex("^[a-z0-9]{6}\\.[a-z0-9]{16}$", var.join_token))
    error_message = "A bootstrap token has the form abcdef.0123456789abcdef."
  }
}

variable "ca_cert_hash" {
  description = "sha256:<hex> of the cluster CA's public key (discovery-token-ca-cert-hash)."
  type        = string

  validation {
    condition     = can(regex("^sha256:[0-9a-f]{64}$", var.ca_cert_hash))
    error_message = "The CA cert hash has the form sha256:<64 hex digits>."
  }
}

# --------------------------------------------------------------------------- the nodes

variable "node_labels" {
  description = "Labels the kubelet registers the node with; runpod-autoscaler's local.nodeSelector (default gpu-type=local) must select them."
  type        = map(string)
  default = {
    "gpu-type"       = "local"
    "nvidia.com/gpu" = "true"
  }
}

variable "node_taints" {
  description = "Taints the node registers with: only pods that tolerate them (the local GPU workers) run there."
  type = list(object({
    key    = string
    value  = string
    effect = string
  }))
  default = [{ key = "gpu-type", value = "local", effect = "NoSchedule" }]

  validation {
    condition     = alltrue([for taint in var.node_taints : contains(["NoSchedule", "PreferNoSchedule", "NoExecute"], taint.effect)])
    error_message = "A taint's effect is NoSchedule, PreferNoSchedule or NoExecute."
  }
}
