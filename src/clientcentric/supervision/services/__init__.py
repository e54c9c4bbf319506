"""Every write and workflow of supervision, one module per concept; views, API, admin and commands call these."""
