"""Every Function subclass of the package shows up in the graph of some case of the table
(cases.py), so every operation is checked against torch, by gradcheck and by whatever else
reads the table. The classes are found at run time: a new or renamed Function needs no change
here, only a case in tests/cases.py."""
import importlib
import pkgutil

import pytest

import tinygrad_edu
from tinygrad_edu.autograd.function import Function
from cases import CASES, nodes_of


def _import_every_module():
    """Import each module of the package, so a Function defined anywhere is registered."""
    for info in pkgutil.walk_packages(tinygrad_edu.__path__, "tinygrad_edu."):
        if info.name.endswith("__main__"):  # a command line, not a library module
            continue
        try:
            importlib.import_module(info.name)
        except ImportError:  # an optional backend's dependency (e.g. CUDA) is missing
            pass


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def function_classes():
    """The concrete Function subclasses defined in tinygrad_edu (those with a forward)."""
    _import_every_module()
    return {cls for cls in _subclasses(Function)
            if cls.__module__.startswith("tinygrad_edu.") and cls.forward is not Function.forward
            and cls.__module__ != "tinygrad_edu.autograd.custom"}  # the base of users' Functions


@pytest.fixture(scope="module")
def graphs():
    return {case.name: nodes_of(case) for case in CASES}


def test_every_function_appears_in_the_case_table(graphs):
    seen = {type(node) for nodes in graphs.values() for node in nodes}
    missing = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in function_classes() - seen)
    assert not missing, (
        f"{len(missing)} Function subclass(es) appear in no case of the table: "
        f"{', '.join(missing)}. Add a case to tests/cases.py that runs each of them (through "
        f"the torch API, e.g. torch.nn.functional or a tensor method), so parity with torch, "
        f"gradcheck and the other table-driven tests cover it.")


def test_the_table_finds_functions_at_all():
    assert len(function_classes()) >= 10  # the discovery itself works


def test_nodes_of_walks_each_graph_from_its_output(graphs):
    for case in CASES:
        nodes = graphs[case.name]
        assert all(isinstance(node, Function) for node in nodes), case.name
        assert len(set(map(id, nodes))) == len(nodes), f"{case.name}: a node listed twice"
        ids = set(map(id, nodes))
        for node in nodes:  # closed under next_functions: nothing upstream is left out
            upstream = [fn for fn, _ in node.next_functions if isinstance(fn, Function)]
            assert all(id(fn) in ids for fn in upstream), case.name
    assert len(graphs["two_layer_net"]) >= 5  # two products, two activations, the mean
