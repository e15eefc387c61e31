"""purldesk: pooled funding of a prioritized requirements list, traceable to the cent."""
