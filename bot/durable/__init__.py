"""Work in flight kept in Redis, so that any worker may finish what another one started."""
