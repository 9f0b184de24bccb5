"""The contract machine's rules, one module per namespace; ``machine`` combines them."""
