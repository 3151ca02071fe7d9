"""Tables of the product module (insurance products and their items and services)."""
