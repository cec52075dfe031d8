"""Documents service: versioned deliverables streamed to local disk or an S3-compatible store."""
