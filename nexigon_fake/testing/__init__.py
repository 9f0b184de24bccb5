"""The shipped test kit: strategies, invalid inputs, the contract model and machine, clients."""
