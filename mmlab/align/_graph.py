r"""Graph networks in plain torch: neighbourhood aggregation by averaging, convolution and attention.

When only some cross-modal connections exist (not every word refers to every
image region), the elements can be put on a graph and each node updated from
its neighbours. The three classic aggregations differ in *how much each
neighbour counts*:

- **mean** (GraphSAGE-style): every neighbour the same, :math:`1/|N(i)|`;
- **convolution** (GCN): fixed weights from the degrees,
  :math:`1/\sqrt{(d_i + 1)(d_j + 1)}`, self loop included;
- **attention**: weights computed from the two nodes' features, so a node
  can pick the neighbours that matter to it.

All layers take dense node features ``(batch, n_nodes, dim)`` and a boolean
adjacency ``(batch, n_nodes, n_nodes)`` (``adjacency[b, i, j]``: j sends to i),
which suits many small graphs such as scene graphs.

Used by: ``lectures/2_alignment/05_cross_modal_attention_and_graphs.ipynb``.

References
----------
Hamilton, W., Ying, Z. and Leskovec, J. Inductive representation learning on
large graphs. NeurIPS 2017 (GraphSAGE, mean aggregation).
Kipf, T. N. and Welling, M. Semi-supervised classification with graph
convolutional networks. ICLR 2017.
Veličković, P. et al. Graph attention networks. ICLR 2018.
Brody, S., Alon, U. and Yahav, E. How attentive are graph attention networks? ICLR 2022.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from mmlab._validation import check_choice, check_positive_int

__all__ = ["AGGREGATIONS", "GraphClassifier", "GraphLayer"]

#: The neighbourhood aggregations :class:`GraphLayer` knows.
AGGREGATIONS: tuple[str, ...] = ("mean", "conv", "attention")


class GraphLayer(nn.Module):
    r"""One round of message passing with mean, convolution (GCN) or attention aggregation.

    With :math:`N(i)` the neighbours of node :math:`i` and :math:`W` learned:

    .. math::

        \text{mean:}\quad h_i' &= \operatorname{ReLU}\Big(W_s h_i + W_n \frac{1}{|N(i)|} \sum_{j \in N(i)} h_j\Big) \\
        \text{conv:}\quad h_i' &= \operatorname{ReLU}\Big(\sum_{j \in N(i) \cup \{i\}}
            \frac{W h_j}{\sqrt{(d_i + 1)(d_j + 1)}}\Big) \\
        \text{attention:}\quad h_i' &= \operatorname{ReLU}\Big(W_s h_i + \sum_{j \in N(i)} \alpha_{ij} W_V h_j\Big),
            \quad \alpha_{ij} = \operatorname{softmax}_{j \in N(i)} \frac{(W_Q h_i)^\top (W_K h_j)}{\sqrt{d}}

    The attention scores compare the receiving node's query with each
    neighbour's key (dot-product attention restricted to the graph), so the
    weights depend on *which* node is asking; the additive scores of the
    original graph attention network rank the neighbours the same way for
    every receiver (Brody et al. 2022).

    Parameters
    ----------
    in_dim, out_dim : int
    aggregation : {"mean", "conv", "attention"}

    Attributes
    ----------
    last_weights : torch.Tensor or None
        ``(batch, n_nodes, n_nodes)``: the weight each node gave each neighbour in the last call
        (:math:`1/|N(i)|`, the GCN weights, or :math:`\alpha_{ij}`).

    Examples
    --------
    >>> layer = GraphLayer(4, 8, "attention")
    >>> adj = torch.ones(2, 3, 3, dtype=torch.bool)
    >>> layer(torch.randn(2, 3, 4), adj).shape
    torch.Size([2, 3, 8])
    """

    def __init__(self, in_dim: int, out_dim: int, aggregation: str = "mean") -> None:
        super().__init__()
        in_dim = check_positive_int(in_dim, "in_dim")
        out_dim = check_positive_int(out_dim, "out_dim")
        self.aggregation = check_choice(aggregation, "aggregation", AGGREGATIONS)
        self.out_dim = out_dim
        if aggregation == "conv":
            self.weight = nn.Linear(in_dim, out_dim)
        else:
            self.self_map = nn.Linear(in_dim, out_dim)
            self.neighbour_map = nn.Linear(in_dim, out_dim, bias=False)
        if aggregation == "attention":
            self.query = nn.Linear(in_dim, out_dim, bias=False)
            self.key = nn.Linear(in_dim, out_dim, bias=False)
        self.last_weights: torch.Tensor | None = None

    def forward(self, h: torch.Tensor, adjacency: torch.Tensor) -> torch.Tensor:
        """``h`` ``(batch, n, in_dim)``, ``adjacency`` ``(batch, n, n)`` bool -> ``(batch, n, out_dim)``.

        Raises
        ------
        ValueError
            If the shapes do not match.
        """
        if h.ndim != 3 or adjacency.shape != (h.shape[0], h.shape[1], h.shape[1]):
            raise ValueError(
                f"expected h (batch, n, d) and adjacency (batch, n, n); got {tuple(h.shape)} and "
                f"{tuple(adjacency.shape)}."
            )
        adj = adjacency.bool()
        if self.aggregation == "mean":
            deg = adj.sum(-1, keepdim=True).clamp_min(1)
            weights = adj.to(h.dtype) / deg  # 1 / |N(i)|
            out = self.self_map(h) + weights @ self.neighbour_map(h)
        elif self.aggregation == "conv":
            eye = torch.eye(h.shape[1], dtype=torch.bool, device=h.device)
            a_hat = (adj | eye).to(h.dtype)  # A + I
            d = a_hat.sum(-1).rsqrt()
            weights = d[:, :, None] * a_hat * d[:, None, :]  # D^-1/2 (A + I) D^-1/2
            out = weights @ self.weight(h)
        else:
            scores = self.query(h) @ self.key(h).transpose(-1, -2) / self.out_dim**0.5
            scores = scores.masked_fill(~adj, float("-inf"))
            weights = torch.nan_to_num(scores.softmax(-1), nan=0.0)  # isolated nodes: no message
            out = self.self_map(h) + weights @ self.neighbour_map(h)
        self.last_weights = weights.detach()
        return torch.relu(out)


class GraphClassifier(nn.Module):
    """Classify one node of each graph: a node-wise input map, ``n_layers`` :class:`GraphLayer`, a linear read-out.

    Parameters
    ----------
    in_dim : int
        Node feature size.
    n_classes : int
    hidden : int, default=32
    aggregation : {"mean", "conv", "attention"}, default="mean"
    n_layers : int, default=1
    node : int, default=0
        The node whose class is predicted (node 0 is the word node of
        :func:`mmlab.data.make_scene_graphs`).

    Examples
    --------
    >>> model = GraphClassifier(5, 3, hidden=8, aggregation="conv")
    >>> model([torch.randn(4, 6, 5), torch.ones(4, 6, 6, dtype=torch.bool)]).shape
    torch.Size([4, 3])
    """

    def __init__(
        self,
        in_dim: int,
        n_classes: int,
        hidden: int = 32,
        *,
        aggregation: str = "mean",
        n_layers: int = 1,
        node: int = 0,
    ) -> None:
        super().__init__()
        in_dim = check_positive_int(in_dim, "in_dim")
        n_classes = check_positive_int(n_classes, "n_classes", minimum=2)
        hidden = check_positive_int(hidden, "hidden")
        n_layers = check_positive_int(n_layers, "n_layers")
        self.node = check_positive_int(node, "node", minimum=0)
        self.input = nn.Sequential(nn.Linear(in_dim, hidden), nn.ReLU())
        self.layers = nn.ModuleList(GraphLayer(hidden, hidden, aggregation) for _ in range(n_layers))
        self.readout = nn.Linear(hidden, n_classes)

    def forward(self, inputs: Any) -> torch.Tensor:
        """``[x (batch, n_nodes, in_dim), adjacency (batch, n_nodes, n_nodes)]`` -> logits ``(batch, n_classes)``."""
        x, adj = inputs
        h = self.input(x)
        for layer in self.layers:
            h = layer(h, adj)
        return self.readout(h[:, self.node])

    @property
    def last_weights(self) -> torch.Tensor | None:
        """The aggregation weights of the last layer in the last call, ``(batch, n_nodes, n_nodes)``."""
        return self.layers[-1].last_weights
