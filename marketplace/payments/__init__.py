"""Payment providers (VietQR bank transfer, COD, VNPay, MoMo, ZaloPay, Stripe), bank webhooks,
payment events, refunds and the stalls' ledger."""
