"""Running the platform: the daily run across the domains, backup and restore."""
