"""The people grid's drawing rule: a block per post while a post is readable in the smallest
area the workshop page gives the grid, one square per team, showing its mix, beyond."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
from matplotlib import image as mpimage

from sim.app.charts import (
    CELL,
    MIN_BLOCK,
    REFERENCE_BOX,
    STATE_COLOURS,
    draws_teams,
    people_grid,
    people_png,
    team_layout,
    team_squares,
)
from sim.app.page import GRID_ASPECT
from sim.app.workshop import STATES


def pixels(png: bytes) -> np.ndarray:
    return np.round(mpimage.imread(io.BytesIO(png), format="png")[..., :3] * 255).astype(int)


def rgb(state: str) -> list[int]:
    colour = STATE_COLOURS[state]
    return [int(colour[k : k + 2], 16) for k in (1, 3, 5)]


def on_screen(width: int, height: int, block: int) -> float:
    """A block's side in screen pixels, the grid fitted into the reference box."""
    return block * min(REFERENCE_BOX[0] / width, REFERENCE_BOX[1] / height)


def test_posts_are_drawn_while_readable_and_teams_beyond():
    assert not draws_teams(1000, 8, GRID_ASPECT)  # the default headcount keeps a block a post
    _, _, width, height = team_layout(1000, 8, GRID_ASPECT)
    assert on_screen(width, height, CELL) >= MIN_BLOCK
    assert draws_teams(5000, 8, GRID_ASPECT)
    _, _, width, height = team_layout(5000, 8, GRID_ASPECT)
    assert on_screen(width, height, CELL) < MIN_BLOCK  # a post would be unreadable
    _, _, side, width, height = team_squares(np.zeros(5000, dtype=int), 8, GRID_ASPECT)
    assert side == 3 and on_screen(width, height, side) >= MIN_BLOCK  # a team is readable
    assert not draws_teams(5000, 8, GRID_ASPECT, box=None)  # without a box, always posts


def test_a_team_square_shows_its_mix_sorted_and_a_marked_team():
    """Two teams of 8 drawn as 3x3 squares: the pixels, row by row, are the members sorted by
    state, so 2 gaming of 8 take a band of 3 pixels of 9; a participant's team a black centre."""
    honest, gaming, burned = (
        STATES.index("working honestly"),
        STATES.index("gaming"),
        STATES.index("burned out"),
    )
    states = np.array([honest, gaming, honest, honest, honest, gaming, honest, honest] + [burned] * 8)
    png = people_png(states, 8, aspect=2.0, marked=np.array([9]), box=(1, 1))
    x, y, side, width, height = team_squares(states, 8, aspect=2.0)
    image = pixels(png)
    assert image.shape == (height, width, 3) and side == 3 and list(x) == [1, 5] and list(y) == [1, 1]
    first = image[1:4, 1:4].reshape(-1, 3).tolist()
    assert first == [rgb("gaming")] * 3 + [rgb("working honestly")] * 6
    second = image[1:4, 5:8].reshape(-1, 3).tolist()
    assert second[4] == [0, 0, 0] and second[:4] + second[5:] == [rgb("burned out")] * 8
    assert image[0].tolist() == [[255, 255, 255]] * width  # a white gap around each team


def test_a_short_last_team_shows_only_its_own_members():
    vacant, honest = STATES.index("vacant"), STATES.index("working honestly")
    states = np.array([vacant] * 8 + [honest] * 3)  # 11 posts: the second team has 3
    image = pixels(people_png(states, 8, aspect=2.0, box=(1, 1)))
    assert image[1:4, 5:8].reshape(-1, 3).tolist() == [rgb("working honestly")] * 9


def test_the_grid_says_what_a_block_is_and_keeps_its_description():
    rng = np.random.default_rng(3)
    many, few = rng.integers(0, len(STATES), 5000), rng.integers(0, len(STATES), 1000)
    teams, posts = people_grid(many, 8, GRID_ASPECT), people_grid(few, 8, GRID_ASPECT)
    assert 'data-drawn="teams" data-block="3"' in teams and 'data-posts="5000"' in teams
    assert f'data-drawn="posts" data-block="{CELL}"' in posts and 'data-posts="1000"' in posts
    counts = np.bincount(many, minlength=len(STATES))
    described = ", ".join(f"{c} {s}" for s, c in zip(STATES[::-1], counts[::-1], strict=True))
    assert re.search(r'alt="([^"]*)"', teams).group(1) == f"employees by team: {described}"
    marked = people_grid(many, 8, GRID_ASPECT, marked=np.array([4]), box=None)
    assert 'data-drawn="posts"' in marked and 'data-marked="1"' in marked  # a room sees each seat
    png = base64.b64decode(re.search(r"base64,([^\"]+)", teams).group(1))
    assert pixels(png).shape[:2] == team_squares(many, 8, GRID_ASPECT)[4:2:-1]
