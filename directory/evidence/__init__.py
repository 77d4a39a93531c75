"""Evidence documents: checked by their content, stored privately under random names."""
