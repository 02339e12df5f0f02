"""The recap: incremental aggregates per contest (engine) and the live service over the store."""
