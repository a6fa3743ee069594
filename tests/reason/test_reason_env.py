"""The language-conditioned grid world (mmlab/reason/_env.py): gymnasium API, dynamics, policies."""

from __future__ import annotations

import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

from mmlab.reason import (
    GRID_ACTIONS,
    LanguageGridEnv,
    evaluate_policy,
    grid_observation,
    grid_reset,
    grid_step,
    train_instruction_policy,
)


def test_env_passes_gymnasium_checker():
    check_env(LanguageGridEnv(), skip_render_check=True)


def test_reset_is_seeded_and_mission_is_words():
    env = LanguageGridEnv()
    o1, i1 = env.reset(seed=4)
    o2, i2 = env.reset(seed=4)
    assert np.array_equal(o1, o2) and i1 == i2 and i1["mission"].startswith("go to the ")
    assert env.observation_space.contains(o1)


def test_dynamics_walls_goal_wrong_object_and_timeout():
    s = grid_reset(3, max_steps=4, random_state=0)
    s.agent[:] = [[0, 0], [0, 0], [2, 2]]
    s.objects[:] = [[[0, 1], [4, 4], [3, 3]], [[4, 4], [0, 1], [3, 3]], [[0, 0], [4, 0], [0, 4]]]
    s.goal[:] = 0
    up, right = list(GRID_ACTIONS).index("up"), list(GRID_ACTIONS).index("right")
    reward, terminated, truncated = grid_step(s, np.array([right, right, up]))
    assert terminated.tolist() == [True, True, False] and reward[0] == pytest.approx(1 - 0.9 / 4) and reward[1] == 0
    for _ in range(3):  # board 2 walks up into the wall and times out after T = 4 steps
        reward, terminated, truncated = grid_step(s, np.array([up, up, up]))
    assert s.agent[2].tolist() == [0, 2] and truncated.tolist() == [False, False, True] and s.done.all()
    before = s.agent.copy()
    reward, *_ = grid_step(s, np.array([right, right, right]))
    assert np.array_equal(s.agent, before) and not reward.any()  # finished boards do not move


def test_env_step_equals_batched_core():
    env = LanguageGridEnv()
    env.reset(seed=1)
    twin = grid_reset(1, random_state=0)
    twin.agent, twin.objects, twin.goal = env.state.agent.copy(), env.state.objects.copy(), env.state.goal.copy()
    for action in [0, 3, 1, 2, 3]:
        if env.state.done[0]:
            break
        obs, reward, *_ = env.step(action)
        r, *_ = grid_step(twin, np.array([action]))
        assert np.array_equal(obs, grid_observation(twin)[0]) and reward == r[0]


def test_observation_is_egocentric_and_instruction_can_be_masked():
    s = grid_reset(2, random_state=3)
    obs = grid_observation(s)
    k, w = 3, 9
    view = obs[:, : k * w * w].reshape(2, k, w, w)
    rel = s.objects - s.agent[:, None] + 4
    for b in range(2):
        for c in range(k):
            assert view[b, c, rel[b, c, 0], rel[b, c, 1]] == 1 and view[b, c].sum() == 1
    assert np.array_equal(obs[:, -k:], np.eye(k)[s.goal])
    assert not grid_observation(s, instruction=False)[:, -k:].any()


@pytest.mark.slow
def test_training_beats_random_and_ignoring():
    trained = evaluate_policy(train_instruction_policy(updates=150, random_state=1), episodes=500)
    assert trained["success"] > evaluate_policy("random", episodes=500)["success"] + 0.2


def test_bad_inputs():
    env = LanguageGridEnv()
    with pytest.raises(RuntimeError, match="reset"):
        env.step(0)
    with pytest.raises(RuntimeError, match="reset"):
        _ = env.mission
    env.reset(seed=0)
    with pytest.raises(ValueError, match="action must be one of"):
        env.step(7)
    with pytest.raises(ValueError, match="render_mode"):
        LanguageGridEnv(render_mode="human")
    with pytest.raises(ValueError, match="size must be between"):
        grid_reset(1, size=20)
    s = grid_reset(2, random_state=0)
    with pytest.raises(ValueError, match="one per board"):
        grid_step(s, np.array([0]))
    with pytest.raises(ValueError, match="actions must index"):
        grid_step(s, np.array([0, 9]))
    with pytest.raises(TypeError, match="PolicyResult or 'random'"):
        evaluate_policy("greedy")
    with pytest.raises(ValueError, match="lr"):
        train_instruction_policy(updates=1, lr=0.0)
    assert LanguageGridEnv(render_mode="rgb_array").render() is None
