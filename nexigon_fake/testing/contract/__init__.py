"""The contract machine: a hypothesis state machine checking any client against a model."""
