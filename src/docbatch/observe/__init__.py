"""What operators see: batch status, reports (text and HTML), the terminal monitor and
the Prometheus export."""
