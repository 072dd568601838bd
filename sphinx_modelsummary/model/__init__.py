"""The model side: specs, the framework adapter, the formula catalog and the summary record."""
