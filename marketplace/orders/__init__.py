"""Cart, checkout, orders split per stall, the stall order state machine."""
