"""Interactive structure: a grid world whose goal is given in words, and a policy that learns to follow it.

:class:`LanguageGridEnv` is a small environment written against gymnasium's
``Env`` API (``reset`` / ``step`` / spaces), in the spirit of MiniGrid's
"go to the red ball" missions but small enough to train on a CPU in
seconds. A ``size x size`` board holds the agent and one object of each
colour; the mission, "go to the <colour> object", is a sentence
(``info["mission"]``) and a one-hot instruction in the observation. The
agent sees the board from where it stands (an egocentric window, one
channel per colour) and moves up, down, left or right. Reaching the
instructed object ends the episode with reward :math:`1 - 0.9\\, t / T`
(faster is better, as in MiniGrid); reaching another object ends it with 0;
after :math:`T` steps it is truncated.

:func:`train_instruction_policy` trains a small actor-critic policy by
policy gradient (REINFORCE with a learned baseline) on many boards at once
(the environment's dynamics are vectorised in :func:`grid_step`, which the
``Env`` also uses), and :func:`evaluate_policy` measures how often a policy
reaches the instructed goal. Masking the instruction gives the
instruction-ignoring policy the lecture compares with.

Used by: ``lectures/3_reasoning/02_interactive_structure.ipynb``.

References
----------
Luketina, J. et al. A survey of reinforcement learning informed by natural
language. IJCAI 2019.
Chevalier-Boisvert, M. et al. BabyAI: a platform to study the sample
efficiency of grounded language learning. ICLR 2019.
Williams, R. J. Simple statistical gradient-following algorithms for
connectionist reinforcement learning. Machine Learning 8, 1992.
Towers, M. et al. Gymnasium: a standard interface for reinforcement learning
environments. arXiv:2407.17032, 2024.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import gymnasium
import numpy as np
import torch
from torch import nn

from mmlab._validation import RandomState, check_choice, check_positive_int, check_random_state, seed_from_random_state
from mmlab.runtime import seeded

__all__ = [
    "GRID_ACTIONS",
    "GridState",
    "LanguageGridEnv",
    "PolicyResult",
    "evaluate_policy",
    "grid_observation",
    "grid_reset",
    "grid_step",
    "train_instruction_policy",
]

#: The actions, in index order, and the (row, column) move of each.
GRID_ACTIONS: dict[str, tuple[int, int]] = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
_MOVES = np.array(list(GRID_ACTIONS.values()), dtype=np.int64)


def _colors() -> tuple[str, ...]:
    from mmlab.data import SCENE_COLORS

    return SCENE_COLORS


@dataclass
class GridState:
    """The state of a batch of boards (arrays over boards).

    Attributes
    ----------
    agent : ndarray of shape (B, 2)
        The agent's (row, column).
    objects : ndarray of shape (B, K, 2)
        The (row, column) of the object of each colour.
    goal : ndarray of shape (B,)
        The instructed colour's index.
    t : ndarray of shape (B,)
        Steps taken.
    done : ndarray of shape (B,)
        Whether the episode has ended.
    size : int
        Cells per side.
    max_steps : int
        :math:`T`, after which an episode is truncated.
    """

    agent: np.ndarray
    objects: np.ndarray
    goal: np.ndarray
    t: np.ndarray
    done: np.ndarray
    size: int
    max_steps: int
    extra: dict = field(default_factory=dict)


def grid_reset(n: int, *, size: int = 5, max_steps: int = 12, random_state: RandomState = None) -> GridState:
    """Draw ``n`` boards: the agent and one object per colour on distinct cells, and an instructed colour.

    Parameters
    ----------
    n : int
    size : int, default=5
        Cells per side (3 to 12).
    max_steps : int, default=12
    random_state : int, numpy.random.Generator or None

    Returns
    -------
    GridState

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer or ``size`` is out of range.

    Examples
    --------
    >>> s = grid_reset(4, random_state=0)
    >>> s.agent.shape, s.objects.shape, s.goal.shape
    ((4, 2), (4, 3, 2), (4,))
    """
    n = check_positive_int(n, "n")
    size = check_positive_int(size, "size", minimum=3)
    if size > 12:
        raise ValueError(f"size must be between 3 and 12 cells per side; got {size}.")
    max_steps = check_positive_int(max_steps, "max_steps")
    rng = check_random_state(random_state)
    k = len(_colors())
    cells = np.argsort(rng.random((n, size * size)), axis=1)[:, : k + 1]  # distinct cells per board
    pos = np.stack([cells // size, cells % size], axis=-1)
    return GridState(
        agent=pos[:, 0].copy(),
        objects=pos[:, 1:].copy(),
        goal=rng.integers(0, k, size=n),
        t=np.zeros(n, dtype=np.int64),
        done=np.zeros(n, dtype=bool),
        size=size,
        max_steps=max_steps,
    )


def grid_step(state: GridState, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Advance every board whose episode is running by one action (in place).

    The agent moves one cell (a move off the board leaves it where it is).
    On the instructed object the episode terminates with reward
    :math:`1 - 0.9\\, t / T`; on another object it terminates with 0; after
    :math:`T` steps it is truncated. Boards already done do not move and get 0.

    Parameters
    ----------
    state : GridState
    actions : ndarray of int, shape (B,)
        Indices into :data:`GRID_ACTIONS`.

    Returns
    -------
    reward : ndarray of float, shape (B,)
    terminated : ndarray of bool, shape (B,)
    truncated : ndarray of bool, shape (B,)

    Raises
    ------
    ValueError
        If ``actions`` has the wrong shape or holds an unknown action.

    Examples
    --------
    >>> s = grid_reset(1, random_state=0)
    >>> s.agent[:], s.objects[:], s.goal[:] = [0, 0], [[1, 2], [4, 4], [3, 0]], 0  # a board set by hand
    >>> for a in [1, 3, 3]:  # down, right, right: onto the instructed object
    ...     reward, terminated, truncated = grid_step(s, np.array([a]))
    >>> reward.round(3).tolist(), terminated.tolist()
    ([0.775], [True])
    """
    actions = np.asarray(actions)
    if actions.shape != state.goal.shape or not np.issubdtype(actions.dtype, np.integer):
        raise ValueError(
            f"actions must be integers of shape {state.goal.shape} (one per board); got "
            f"{actions.dtype} of shape {actions.shape}."
        )
    if actions.size and (actions.min() < 0 or actions.max() >= len(GRID_ACTIONS)):
        raise ValueError(
            f"actions must index {list(GRID_ACTIONS)}; got values from {actions.min()} to {actions.max()}."
        )
    live = ~state.done
    moved = np.clip(state.agent + _MOVES[actions], 0, state.size - 1)
    state.agent = np.where(live[:, None], moved, state.agent)
    state.t = state.t + live
    on = (state.objects == state.agent[:, None, :]).all(axis=2)  # (B, K): the agent stands on object k
    hit_goal = on[np.arange(on.shape[0]), state.goal] & live
    hit_other = on.any(axis=1) & ~hit_goal & live
    terminated = hit_goal | hit_other
    truncated = live & ~terminated & (state.t >= state.max_steps)
    reward = np.where(hit_goal, 1.0 - 0.9 * state.t / state.max_steps, 0.0)
    state.done = state.done | terminated | truncated
    return reward, terminated, truncated


def grid_observation(state: GridState, *, instruction: bool = True) -> np.ndarray:
    """Egocentric observations: a ``(2 size - 1)^2`` window per colour centred on the agent, then the instruction.

    Parameters
    ----------
    state : GridState
    instruction : bool, default=True
        Append the one-hot instructed colour; ``False`` appends zeros (an
        instruction-ignoring agent sees the same board without its goal).

    Returns
    -------
    ndarray of float32, shape (B, K * (2 size - 1)^2 + K)

    Examples
    --------
    >>> grid_observation(grid_reset(2, random_state=0)).shape
    (2, 246)
    """
    b, k = state.objects.shape[:2]
    w = 2 * state.size - 1
    rel = state.objects - state.agent[:, None, :] + (state.size - 1)  # (B, K, 2) in the window
    view = np.zeros((b, k, w, w), dtype=np.float32)
    view[np.arange(b)[:, None], np.arange(k)[None, :], rel[..., 0], rel[..., 1]] = 1.0
    goal = np.eye(k, dtype=np.float32)[state.goal] * float(instruction)
    return np.concatenate([view.reshape(b, -1), goal], axis=1)


class LanguageGridEnv(gymnasium.Env):
    """A gymnasium environment: go to the object whose colour the mission names.

    Observation: ``Box(0, 1, (K (2 size - 1)^2 + K,))`` from
    :func:`grid_observation`; actions: ``Discrete(4)`` (:data:`GRID_ACTIONS`);
    ``info["mission"]`` holds the instruction in words.

    Parameters
    ----------
    size : int, default=5
    max_steps : int, default=12
    render_mode : {"rgb_array"} or None, default=None

    Raises
    ------
    TypeError, ValueError
        On a bad size or an unknown ``render_mode``.

    Examples
    --------
    >>> env = LanguageGridEnv()
    >>> obs, info = env.reset(seed=0)
    >>> obs.shape, info["mission"]
    ((246,), 'go to the blue object')
    >>> obs, reward, terminated, truncated, info = env.step(0)
    """

    metadata = {"render_modes": ["rgb_array"]}

    def __init__(self, size: int = 5, max_steps: int = 12, render_mode: str | None = None) -> None:
        super().__init__()
        self.size = check_positive_int(size, "size", minimum=3)
        self.max_steps = check_positive_int(max_steps, "max_steps")
        if render_mode is not None:
            check_choice(render_mode, "render_mode", self.metadata["render_modes"])
        self.render_mode = render_mode
        k = len(_colors())
        dim = k * (2 * self.size - 1) ** 2 + k
        self.observation_space = gymnasium.spaces.Box(0.0, 1.0, shape=(dim,), dtype=np.float32)
        self.action_space = gymnasium.spaces.Discrete(len(GRID_ACTIONS))
        self.state: GridState | None = None

    @property
    def mission(self) -> str:
        """The instruction in words.

        Raises
        ------
        RuntimeError
            Before :meth:`reset`.
        """
        if self.state is None:
            raise RuntimeError("call reset() before asking for the mission.")
        return f"go to the {_colors()[int(self.state.goal[0])]} object"

    def reset(self, *, seed: int | None = None, options: dict | None = None) -> tuple[np.ndarray, dict]:
        """Start an episode; returns ``(observation, {"mission": ...})``."""
        super().reset(seed=seed)
        self.state = grid_reset(1, size=self.size, max_steps=self.max_steps, random_state=self.np_random)
        return grid_observation(self.state)[0], {"mission": self.mission}

    def step(self, action: int) -> tuple[np.ndarray, float, bool, bool, dict]:
        """Take one action; returns ``(observation, reward, terminated, truncated, info)``.

        Raises
        ------
        RuntimeError
            Before :meth:`reset` or after the episode has ended.
        ValueError
            If ``action`` is not in the action space.
        """
        if self.state is None or bool(self.state.done[0]):
            raise RuntimeError("the episode has ended (or not started): call reset().")
        if not self.action_space.contains(action):
            raise ValueError(
                f"action must be one of 0..{len(GRID_ACTIONS) - 1} ({list(GRID_ACTIONS)}); got {action!r}."
            )
        reward, terminated, truncated = grid_step(self.state, np.array([int(action)]))
        obs = grid_observation(self.state)[0]
        return obs, float(reward[0]), bool(terminated[0]), bool(truncated[0]), {"mission": self.mission}

    def render(self) -> np.ndarray | None:
        """An RGB image of the board (the agent white), ``(size, size, 3)``, or None without a render mode."""
        if self.render_mode is None or self.state is None:
            return None
        from mmlab.data import SCENE_RGB

        img = np.zeros((self.size, self.size, 3), dtype=np.float32)
        for k, color in enumerate(_colors()):
            r, c = self.state.objects[0, k]
            img[r, c] = SCENE_RGB[color]
        img[tuple(self.state.agent[0])] = 1.0
        return img


# --------------------------------------------------------------------------- #
# policies
# --------------------------------------------------------------------------- #
class _ActorCritic(nn.Module):
    def __init__(self, obs_dim: int, n_actions: int, hidden: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.pi = nn.Linear(hidden, n_actions)
        self.v = nn.Linear(hidden, 1)

    def forward(self, obs: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.body(obs)
        return self.pi(h), self.v(h).squeeze(-1)


def _log_prob_and_entropy(logits: torch.Tensor, action: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``log pi(action)`` and the entropy of the categorical policy with ``logits`` ``(B, A)``.

    The same operations as ``torch.distributions.Categorical(logits=logits)``'s ``log_prob`` and
    ``entropy`` (so the same numbers, bit for bit), without building the distribution and checking
    its arguments at every step of every episode.
    """
    logp = logits - logits.logsumexp(dim=-1, keepdim=True)
    chosen = logp.gather(-1, action.long().unsqueeze(-1)).squeeze(-1)
    p_log_p = torch.clamp(logp, min=torch.finfo(logp.dtype).min) * torch.softmax(logp, dim=-1)
    return chosen, -p_log_p.sum(-1)


@dataclass
class PolicyResult:
    """A trained policy and its learning curve.

    Attributes
    ----------
    model : torch.nn.Module
        Maps observations ``(B, obs_dim)`` to ``(action logits, values)``.
    instruction : bool
        Whether the policy sees the instruction.
    success : list of float
        Share of training episodes that reached the instructed goal, per update.
    size, max_steps : int
        The boards it was trained on.
    """

    model: nn.Module
    instruction: bool
    success: list
    size: int
    max_steps: int

    def act(self, obs: np.ndarray, *, greedy: bool = True, rng: np.random.Generator | None = None) -> np.ndarray:
        """Actions ``(B,)`` for observations ``(B, obs_dim)``: the most likely one, or a sample."""
        with torch.no_grad():
            logits, _ = self.model(torch.as_tensor(obs))
        if greedy:
            return logits.argmax(dim=1).numpy()
        p = torch.softmax(logits, dim=1).numpy()
        rng = rng if rng is not None else np.random.default_rng()
        return (p.cumsum(axis=1) > rng.random((p.shape[0], 1))).argmax(axis=1)


def train_instruction_policy(
    *,
    updates: int = 300,
    boards: int = 128,
    size: int = 5,
    max_steps: int = 12,
    hidden: int = 64,
    lr: float = 3e-3,
    instruction: bool = True,
    entropy: float = 0.01,
    random_state: RandomState = 0,
) -> PolicyResult:
    """Train an actor-critic policy on ``boards`` parallel boards by policy gradient.

    Each update plays one episode on every board, then descends

    .. math::

        L = -\\sum_t \\log \\pi(a_t \\mid o_t)\\, (G_t - V(o_t)) + \\tfrac12 \\sum_t (G_t - V(o_t))^2
            - \\beta\\, H(\\pi(\\cdot \\mid o_t))

    with :math:`G_t` the return from step :math:`t` (undiscounted; the reward
    already falls with time) and :math:`\\beta` = ``entropy``.

    Parameters
    ----------
    updates : int, default=300
    boards : int, default=128
    size, max_steps : int
        As in :func:`grid_reset`.
    hidden : int, default=64
    lr : float, default=3e-3
    instruction : bool, default=True
        ``False`` trains the instruction-ignoring policy (the instruction is masked).
    entropy : float, default=0.01
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    PolicyResult

    Raises
    ------
    TypeError, ValueError
        If a size is not a positive integer or ``lr``/``entropy`` is out of range.
    """
    from mmlab._validation import check_scalar

    updates = check_positive_int(updates, "updates")
    boards = check_positive_int(boards, "boards")
    hidden = check_positive_int(hidden, "hidden")
    lr = check_scalar(lr, "lr", min_val=0, include_boundaries="neither")
    entropy = check_scalar(entropy, "entropy", min_val=0)
    seed = seed_from_random_state(random_state)
    rng = np.random.default_rng(seed)
    gen = torch.Generator().manual_seed(seed)
    probe = grid_reset(1, size=size, max_steps=max_steps, random_state=0)
    obs_dim = grid_observation(probe).shape[1]
    with seeded(seed):
        model = _ActorCritic(obs_dim, len(GRID_ACTIONS), hidden)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    last_action = torch.tensor(len(GRID_ACTIONS) - 1)
    success = []
    for _ in range(updates):
        state = grid_reset(boards, size=size, max_steps=max_steps, random_state=rng)
        logps, values, ents, rewards, alive = [], [], [], [], []
        reached = np.zeros(boards, dtype=bool)
        while not state.done.all():
            live = torch.as_tensor(~state.done)
            logits, value = model(torch.as_tensor(grid_observation(state, instruction=instruction)))
            u = torch.rand(boards, generator=gen)
            action = (torch.softmax(logits, 1).detach().cumsum(1) > u[:, None]).float().argmax(1)
            action = torch.minimum(action, last_action)
            reward, terminated, _ = grid_step(state, action.numpy())
            reached |= terminated & (reward > 0)
            logp, ent = _log_prob_and_entropy(logits, action)
            logps.append(logp)
            values.append(value)
            ents.append(ent)
            rewards.append(torch.as_tensor(reward, dtype=torch.float32))
            alive.append(live.float())
        r = torch.stack(rewards)
        returns = r.flip(0).cumsum(0).flip(0)  # G_t
        mask = torch.stack(alive)
        v = torch.stack(values)
        adv = (returns - v).detach()
        loss = -(torch.stack(logps) * adv) + 0.5 * (returns - v) ** 2 - entropy * torch.stack(ents)
        loss = (loss * mask).sum() / mask.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        success.append(float(reached.mean()))
    return PolicyResult(model=model, instruction=instruction, success=success, size=size, max_steps=max_steps)


def evaluate_policy(
    policy: PolicyResult | str,
    *,
    episodes: int = 1000,
    size: int = 5,
    max_steps: int = 12,
    random_state: RandomState = 0,
) -> dict[str, float]:
    """How often a policy reaches the instructed goal, on fresh boards.

    Parameters
    ----------
    policy : PolicyResult or "random"
        A trained policy (acting greedily) or ``"random"`` (uniform actions).
    episodes : int, default=1000
    size, max_steps : int
        As in :func:`grid_reset` (a trained policy uses its own).
    random_state : int, numpy.random.Generator or None, default=0

    Returns
    -------
    dict
        ``success`` (share reaching the instructed object), ``wrong_object``
        (share ending on another object), ``timeout``, ``mean_return``.

    Raises
    ------
    TypeError
        If ``policy`` is neither a :class:`PolicyResult` nor ``"random"``.
    ValueError
        If ``episodes`` is not a positive integer.

    Examples
    --------
    >>> r = evaluate_policy("random", episodes=200, random_state=0)
    >>> 0 < r["success"] < 0.5
    True
    """
    episodes = check_positive_int(episodes, "episodes")
    if isinstance(policy, PolicyResult):
        size, max_steps = policy.size, policy.max_steps
    elif policy != "random":
        raise TypeError(f"policy must be a PolicyResult or 'random'; got {type(policy).__name__}.")
    rng = check_random_state(random_state)
    state = grid_reset(episodes, size=size, max_steps=max_steps, random_state=rng)
    total = np.zeros(episodes)
    success = np.zeros(episodes, dtype=bool)
    wrong = np.zeros(episodes, dtype=bool)
    while not state.done.all():
        if isinstance(policy, PolicyResult):
            actions = policy.act(grid_observation(state, instruction=policy.instruction))
        else:
            actions = rng.integers(0, len(GRID_ACTIONS), size=episodes)
        reward, terminated, _ = grid_step(state, actions)
        total += reward
        success |= terminated & (reward > 0)
        wrong |= terminated & (reward == 0)
    return {
        "success": float(success.mean()),
        "wrong_object": float(wrong.mean()),
        "timeout": float(1.0 - success.mean() - wrong.mean()),
        "mean_return": float(total.mean()),
    }
