"""The presentation side: one typographic convention and one renderer per output."""
