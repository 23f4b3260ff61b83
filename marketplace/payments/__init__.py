"""Payment providers (VietQR bank transfer, COD; gateways later), bank webhooks, payment events."""
