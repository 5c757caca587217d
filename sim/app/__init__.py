"""The workshop app: a live, offline demonstration of Goodhart's law for a room.

Start it with `python -m sim.app` (see `sim/app/__main__.py`); Solara loads `Page` from
`sim.app.page`. The model behind it is `sim.app.workshop.WorkshopModel`.
"""
