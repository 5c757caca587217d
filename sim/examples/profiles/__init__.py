"""Example organisation profiles, loaded as `example:NAME` (sim.hr.profile)."""
