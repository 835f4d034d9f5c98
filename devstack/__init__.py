"""The local stack: moto server, chalice local and an event runner, on one machine."""
