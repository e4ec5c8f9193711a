# A template module that needs no provider: terraform_data is built into Terraform.

variable "greeting" {
  type        = string
  description = "A text the environment stores and returns as an output."
  default     = "hello"
}

variable "replicas" {
  type        = number
  description = "How many stand-in instances to record."
  default     = 1
}

resource "terraform_data" "instance" {
  count = var.replicas
  input = {
    name     = "instance-${count.index}"
    greeting = var.greeting
  }
}

output "greeting" {
  value = var.greeting
}

output "instances" {
  value = [for instance in terraform_data.instance : instance.output.name]
}
