"""SafeGround: open information management for humanitarian mine action."""
