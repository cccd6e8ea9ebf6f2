"""``python -m viz demo [--out DIR]``: draw a small network's graph, step through its
backward pass and an SGD update, and plot its training, to see what viz makes."""
import argparse
import os
import sys

import numpy as np


def demo(out):
    """Logistic regression on the course's data (lesson 08): P(pass) = σ(x·w + b), BCE."""
    import tinygrad_edu as torch
    from tinygrad_edu.ops.loss_ops import BCELoss

    import viz
    from viz import plots

    x = torch.tensor([[1.0], [2.0], [3.0]])       # hours studied
    y = torch.tensor([[0.0], [0.0], [1.0]])       # passed?
    w = torch.tensor([[0.5]], requires_grad=True)
    b = torch.tensor([-1.0], requires_grad=True)
    y_pred = (x @ w + b).sigmoid()
    loss = BCELoss.apply(y_pred, y, reduction="mean")

    written = {}
    drawing = viz.draw_graph(loss)
    written["graph (DOT)"] = drawing.save(os.path.join(out, "graph.dot"))
    written["graph"] = drawing.render(os.path.join(out, "graph.svg"))
    written["graph (PNG)"] = drawing.render(os.path.join(out, "graph.png"))
    written["backward, step by step"] = viz.step_backward(loss).save_html(
        os.path.join(out, "backward.html"))
    loss.backward()
    written["the SGD update"] = viz.step_update({"w": w, "b": b}, lr=0.1).save_html(
        os.path.join(out, "update.html"))

    losses = []
    for _ in range(1000):  # plain gradient descent, lr 0.1
        w.grad = b.grad = None
        loss = BCELoss.apply((x @ w + b).sigmoid(), y, reduction="mean")
        loss.backward()
        with torch.no_grad():
            w -= 0.1 * w.grad
            b -= 0.1 * b.grad
        losses.append(loss.item())
    written["loss curve"] = plots.loss_curve(losses, os.path.join(out, "loss.png"),
                                             title="BCE loss, logistic regression")
    hours = np.linspace(0, 10, 201, dtype=np.float32)
    with torch.no_grad():
        probs = (torch.tensor(hours).reshape(-1, 1) @ w + b).sigmoid()
    written["P(pass)"] = plots.pass_probability(hours, probs, os.path.join(out, "pass.png"),
                                                x_data=x, y_data=y)
    return written


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m viz", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    d = sub.add_parser("demo", help="write a sample graph, the backward stepper and plots")
    d.add_argument("--out", default="viz_demo", help="folder to write into (default viz_demo)")
    args = parser.parse_args(argv)
    if args.command != "demo":
        parser.print_help()
        return 0 if args.command is None else 2
    written = demo(args.out)
    print(f"viz demo: y = σ(x·w + b) with BCE on the course's pass/fail data. Wrote:")
    width = max(len(k) for k in written)
    for what, path in written.items():
        print(f"  {what:<{width}}  {path}")
    if any(p.endswith(".dot") for k, p in written.items() if k != "graph (DOT)"):
        print("(Graphviz is missing: the graphs are DOT text; see the install hint above.)")
    print("Open backward.html in a browser: Next / Prev / Play or the arrow keys.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
