"""HTTP routes. Each module registers one face of the stub; all call down into the services."""
