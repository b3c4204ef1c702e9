"""Small widgets the screens share; their styles are in widgets.tcss beside them."""
