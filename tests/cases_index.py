"""The case table (see cases.py): gathering, scattering, sorting and splitting."""
import numpy as np

from specs import C, const, distinct

# positions for a (3, 4) tensor: along dim 0 (values < 3) and along dim 1 (values < 4)
ROWS = np.array([[2, 0, 1, 1], [0, 0, 2, 1]])           # repeats: gradients add up
ROWS_ONCE = np.array([[2, 0, 1, 1], [0, 1, 2, 0]])      # each column writes a row once
COLS = np.array([[3, 0, 3], [1, 1, 2], [0, 2, 3]])
COLS_ONCE = np.array([[3, 0], [1, 2], [0, 3]])

INDEX_CASES = [
    # -- gather: index picks along dim; backward scatters g back, adding repeats --------------
    C("gather", lambda torch, a: [a.gather(0, torch.tensor(ROWS)), a.gather(1, torch.tensor(COLS)),
                                  torch.gather(a, -1, torch.tensor(COLS))], (3, 4)),
    C("gather_index_input", lambda torch, a, i: torch.gather(a, dim=0, index=i), (3, 4), ROWS),
    C("gather_smaller_index", lambda torch, a, i: a.gather(1, i), (4, 5), COLS),
    # -- scatter: out of place; the positions written lose self's gradient ------------------
    C("scatter_src", lambda torch, a, s, i: [a.scatter(0, i, s), torch.scatter(a, 0, i, s)],
      (3, 4), (2, 4), ROWS_ONCE),
    C("scatter_src_dim1", lambda torch, a, s, i: a.scatter(-1, i, s), (3, 4), (3, 2), COLS_ONCE),
    C("scatter_value", lambda torch, a, i: [a.scatter(1, i, 1.5),
                                            torch.scatter(a, 0, torch.tensor(ROWS_ONCE),
                                                          value=-2.0)], (3, 4), COLS_ONCE),
    C("scatter_into_constant", lambda torch, s, i: torch.zeros(3, 4, dtype=s.dtype).scatter(0, i, s),
      (2, 4), ROWS_ONCE),
    C("scatter_add", lambda torch, a, s, i: [a.scatter_add(0, i, s), torch.scatter_add(a, 0, i, s)],
      (3, 4), (2, 4), ROWS),
    C("scatter_add_counts", lambda torch, s: torch.zeros(2, 4, dtype=s.dtype).scatter_add(
        1, torch.tensor([[0, 0, 3], [2, 2, 2]]), s), (2, 3)),
    # -- index_select / index_add: whole slices along dim ----------------------------------
    C("index_select", lambda torch, a: [a.index_select(0, torch.tensor([2, 0, 2])),
                                        torch.index_select(a, -1, torch.tensor([3, 1]))], (3, 4)),
    C("index_select_embedding", lambda torch, w, i: w.index_select(0, i).sum(0), (5, 3),
      np.array([4, 0, 4, 1])),
    C("index_add", lambda torch, a, s: [a.index_add(0, torch.tensor([0, 2, 0]), s),
                                        torch.index_add(a, 0, torch.tensor([1, 1, 2]), s,
                                                        alpha=-0.5)], (3, 4), (3, 4)),
    C("index_add_dim1", lambda torch, a, s: a.index_add(1, torch.tensor([3, 0]), s), (2, 4), (2, 2)),
    # -- sorting (distinct numbers: no ties within the finite-difference step) ---------------
    C("sort", lambda torch, a: [a.sort(), a.sort(dim=0, descending=True), torch.sort(a, -1, True)],
      distinct(3, 5)),
    C("sort_stable", lambda torch, a: [torch.sort(a, stable=True), a.sort(dim=0, stable=True,
                                                                          descending=True)],
      distinct(4, 3)),
    C("sort_values_chain", lambda torch, a: a.sort().values.cumsum(0)[0] * a.sort()[0],
      distinct(6)),
    C("topk", lambda torch, a: [a.topk(3), torch.topk(a, 2, dim=0, largest=False),
                                a.topk(1, -1, True, True)], distinct(4, 6)),
    C("topk_values", lambda torch, a: a.topk(2).values.sum(-1), distinct(2, 3, 5)),
    # -- triangles: the causal mask of attention -------------------------------------------
    C("tril_triu", lambda torch, a: [a.tril(), torch.tril(a, -1), a.triu(1), torch.triu(a, -2)],
      (4, 5)),
    C("tril_batch", lambda torch, a: [a.tril(diagonal=1), a.triu()], (2, 3, 3)),
    C("attention_mask", lambda torch, a: a.masked_fill(torch.tril(torch.ones(4, 4)) == 0,
                                                       float("-inf")).softmax(-1), (2, 4, 4)),
    # -- roll ------------------------------------------------------------------------------
    C("roll", lambda torch, a: [a.roll(1, 0), a.roll((1, -2), (0, 1)), torch.roll(a, 3),
                                torch.roll(a, shifts=-1, dims=-1)], (3, 4)),
    # -- split / chunk / unbind: pieces whose gradients flow back into one tensor -----------
    C("split", lambda torch, a: list(a.split(2, dim=1)), (3, 5)),
    C("split_sizes", lambda torch, a: [*torch.split(a, [1, 3, 0], 1), *a.split((2, 1))], (3, 4)),
    C("split_one_piece_used", lambda torch, a: a.split(2)[1] * 3, (5, 2)),
    C("chunk", lambda torch, a: [*a.chunk(3, 0), *torch.chunk(a, 2, dim=-1)], (5, 3)),
    C("unbind", lambda torch, a: [*a.unbind(1), *torch.unbind(a, 0)], (2, 3)),
    C("unbind_sum", lambda torch, a: sum(a.unbind(-1)), (3, 4)),
    # -- bmm -------------------------------------------------------------------------------
    C("bmm", lambda torch, a, b: [a.bmm(b), torch.bmm(a, b)], (5, 2, 3), (5, 3, 4)),
    C("bmm_one_side", lambda torch, a, b: torch.bmm(a, b), (2, 3, 3), const(np.ones((2, 3, 1)))),
]
