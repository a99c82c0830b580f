"""Signal receivers; imported from ``AppConfig.ready()``."""
