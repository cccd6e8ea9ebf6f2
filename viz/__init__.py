"""viz: see what autograd does. Draw a computational graph (either engine), step through
backward node by node, step through an optimizer update, and plot the course's figures.

    import viz
    viz.draw_graph(loss).render("graph.svg")
    viz.step_backward(loss).save_html("backward.html")

In a Jupyter notebook the drawing, the frames and the plots show inline (viz/notebook.py).

Imports go one way: lessons -> viz -> tinygrad_edu (torch only when handed a torch tensor).
"""
from . import plots  # noqa: F401  (viz.plots.loss_curve(...))
from .draw import Drawing, draw_graph, graph_of  # noqa: F401
from .dot import INSTALL_HINT, find_dot  # noqa: F401
from .modules import ModuleTrace, trace_modules  # noqa: F401
from .notebook import in_notebook, step_through  # noqa: F401
from .stepper import step_backward  # noqa: F401
from .update import step_optimizer, step_update  # noqa: F401
