# Terraform and the one provider this configuration uses. Terraform 1.0.3 is the oldest
# version it is checked with (Tests/e2e/test_terraform.py runs that release's `fmt` and
# `apply` of the provider-free part); the OpenStack provider is only needed for plan/apply.
terraform {
  required_version = ">= 1.0.3"

  required_providers {
    openstack = {
      source  = "terraform-provider-openstack/openstack"
      version = "~> 3.0"
    }
  }
}

# Credentials and region come from the environment (OS_CLOUD with clouds.yaml, or the
# OS_AUTH_URL / OS_APPLICATION_CREDENTIAL_* variables of an openrc file), never from here.
provider "openstack" {}
