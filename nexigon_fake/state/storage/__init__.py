"""How histories (events, audit records, properties) are laid out in memory.

The only place that knows the layout; everything else goes through the small interfaces here."""
