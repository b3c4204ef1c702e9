"""Small widgets the screens share. Each keeps its styles in its DEFAULT_CSS, which Textual
reads when the first one is mounted: a screen that does not use a widget never parses its
rules. Colours come from the theme's semantic variables only, so every theme (dark, light,
ANSI) and a 16-colour terminal keep them apart; shape and glyph carry the meaning too."""
