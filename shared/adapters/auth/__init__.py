"""Bearer tokens: verifying JWTs against the identity provider's keys."""
