"""Return messages: derive them from the rule catalogue, read them, reconcile them."""
