# A static website in S3. envbot generates the aws provider configuration (region, credentials,
# default_tags with the envbot:* tags), so this module declares only what it needs.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "index_document" {
  type    = string
  default = "index.html"
}

variable "error_document" {
  type    = string
  default = "error.html"
}

variable "index_html" {
  type    = string
  default = "<html><body><h1>Deployed by envbot</h1></body></html>"
}

variable "tags" {
  type    = map(string)
  default = {}
}

resource "aws_s3_bucket" "site" {
  bucket_prefix = "envbot-site-"
  force_destroy = true
  # Beside envbot's standard tags (the provider's default_tags). A tag changed by hand is drift
  # that `/envbot adopt` can write back into the definition's variables.tags.
  tags = var.tags
}

resource "aws_s3_bucket_website_configuration" "site" {
  bucket = aws_s3_bucket.site.id

  index_document {
    suffix = var.index_document
  }

  error_document {
    key = var.error_document
  }
}

resource "aws_s3_object" "index" {
  bucket       = aws_s3_bucket.site.id
  key          = var.index_document
  content      = var.index_html
  content_type = "text/html"
}

output "url" {
  value = "http://${aws_s3_bucket_website_configuration.site.website_endpoint}"
}

output "bucket" {
  value = aws_s3_bucket.site.bucket
}
