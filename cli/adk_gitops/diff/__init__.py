"""What a change does to each environment, by rendering and checking both sides. May import: check
and everything below it."""
