"""The shape of the code: no module imports itself back through others.

import-linter's contracts (pyproject.toml, run by `make lint`) hold the named rules
(rendering imports nothing of the project, models no services...); this test holds
the general one, module by module, imports inside functions included: a circle that
an import tucked into a function hides (forum.models -> forum.permissions ->
aposbook.accounts -> forum.models, once) is still a circle.
"""

import grimp

PACKAGES = ("aposbook", "articles", "forum")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    cycles = []
    for module in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append([module, *back])
    return cycles


def test_no_module_of_the_project_imports_itself_back():
    graph = grimp.build_graph(*PACKAGES, include_external_packages=False)
    assert import_cycles(graph) == []


def test_the_cycle_check_finds_a_circle_hidden_in_a_function():
    graph = grimp.ImportGraph()
    for module in ("app.models", "app.permissions", "site.accounts"):
        graph.add_module(module)
    graph.add_import(importer="app.models", imported="app.permissions")
    graph.add_import(importer="app.permissions", imported="site.accounts")
    graph.add_import(importer="site.accounts", imported="app.models")
    assert ["app.models", "app.permissions", "site.accounts", "app.models"] in import_cycles(graph)
