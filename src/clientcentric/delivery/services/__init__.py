"""Every write of proactive delivery, one module per concept; callers import the module they need."""
