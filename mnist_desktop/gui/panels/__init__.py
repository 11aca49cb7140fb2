"""Side panels: widgets bound to state, holding no logic of their own."""
